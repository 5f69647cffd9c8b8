"""Pages of the care month: the campaigns, one campaign's progress by node, the children missing a
measure, and starting one (county administrators)."""
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import allowed, requires
from shouhu.core import progress as job_progress
from shouhu.core.errors import ServiceError
from shouhu.core.forms import apply_errors
from shouhu.core.params import int_param
from shouhu.regions.selectors import classes_visible_to, regions_visible_to, schools_visible_to
from shouhu.rules import care as R

from ..pages import page_of, today
from ..selectors import record_for
from . import selectors, services
from .forms import CampaignForm


def _campaign(request, pk):
    return record_for(selectors.campaigns_visible_to(request.user), pk)


def node_from_request(request, *, kinds=("class", "school", "region")) -> dict:
    """The node asked for (region / school / class), checked against the user's scope (404 if not
    theirs); without one, the user's own node. The quality pages use it too."""
    g = request.GET
    if "class" in kinds and (pk := int_param(g, "class")) is not None:
        if not classes_visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        return {"class": pk}
    if (pk := int_param(g, "school")) is not None:
        if not schools_visible_to(request.user).filter(pk=pk).exists():
            raise Http404
        return {"school": pk}
    if g.get("region", "").isdigit():
        if not regions_visible_to(request.user).filter(code=g["region"]).exists():
            raise Http404
        return {"region": g["region"]}
    node = selectors.default_node(request.user)
    return node if set(node) <= set(kinds) else {}


@requires("reads_records")
def campaign_list(request):
    return render(request, "care/campaign_list.html", {"campaigns": selectors.campaigns_visible_to(request.user),
                                                        "can_create": allowed(request.user, "manages_county"), "today": today()})


@requires("manages_county")
def campaign_create(request):
    regions = regions_visible_to(request.user).filter(level=3)
    form = CampaignForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.campaign_create(actor=request.user, name=d["name"], region=d["region"], start=d["start"], end=d["end"])
        except ServiceError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已发起{c.name}，正在后台统计每名儿童的六项措施。")
            return redirect("care:campaign", pk=c.pk)
    return render(request, "regions/form.html", {"form": form, "title": "发起关爱保护月"})


@requires("reads_records")
def campaign_detail(request, pk):
    campaign = _campaign(request, pk)
    node = node_from_request(request)
    prog = selectors.campaign_progress(request.user, campaign, node)
    job = job_progress.read(f"campaign-{campaign.pk}")
    running = bool(job) and job.get("phase") != "完成"
    if request.htmx and request.GET.get("poll"):
        if not running:
            response = render(request, "care/_campaign_poll.html", {"done": True})
            response["HX-Refresh"] = "true"
            return response
        return render(request, "care/_campaign_poll.html", {"job": job, "pct": job_progress.percent(job), "campaign": campaign})
    return render(request, "care/campaign_detail.html", {
        "campaign": campaign, "progress": prog, "node": node, "measures": list(R.MEASURES.items()),
        "job": job if running else None, "pct": job_progress.percent(job) if running else 0,
        "drill": "region" in node or not node,
        "charts": _chart(prog),
    })


def _chart(prog) -> dict:
    """Each unit's completion (%) per measure as a bar chart (static/js/dashboard.js); a bar opens
    that unit's progress."""
    if len(prog.rows) < 2:
        return {}
    links = [f"?{urlencode(r.link)}" for r in prog.rows]
    return {"campaign-chart": {"kind": "bar", "labels": [r.label for r in prog.rows],
                               "series": [{"name": label[2:], "data": [r.pct(code) for r in prog.rows]} for code, label in R.MEASURES.items()],
                               "links": [links for _ in R.MEASURES]}}


@requires("reads_records")
def campaign_missing(request, pk):
    campaign = _campaign(request, pk)
    node = node_from_request(request)
    measure = request.GET.get("measure", "")
    measure = measure if measure in R.MEASURES else ""
    qs = selectors.campaign_missing(request.user, campaign, node, measure)
    page = page_of(request, qs)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "care/campaign_missing.html", {
        "campaign": campaign, "page": page, "measure": measure, "measure_label": R.MEASURES.get(measure, ""), "measures": list(R.MEASURES.items()),
        "base_query": params.urlencode(), "node": node,
    })
