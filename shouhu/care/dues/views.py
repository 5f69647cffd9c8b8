"""Pages of what is due: my tasks, and the county's visit rules."""
from django.contrib import messages
from django.shortcuts import redirect, render

from shouhu.accounts.permissions import requires
from shouhu.accounts.scope import scope_of
from shouhu.core.params import code_param, page_param
from shouhu.regions.models import Region, code_range
from shouhu.registry.hooks import task_panels

from . import selectors, services
from .forms import RulesForm
from .models import CareSetting, VisitRule


@requires("care_work")
def tasks(request):
    kind = request.GET.get("kind", "")
    kind = kind if kind in selectors.TASK_KINDS else ""
    page_no = page_param(request.GET)
    per = 30
    region = code_param(request.GET)  # one place's tasks (the home page's progress table links here)
    t = selectors.my_tasks(request.user, kind=kind, limit=per, offset=(page_no - 1) * per if kind else 0,
                           region=code_range(region) if region else None)
    place = Region.objects.filter(code=region).first() if region else None
    total_of_kind = sum(t.counts.get(kind, {}).values()) if kind else 0
    return render(request, "care/tasks.html", {
        "tasks": t, "kind": kind, "kinds": selectors.TASK_KINDS, "page_no": page_no,
        "has_next": bool(kind) and page_no * per < total_of_kind, "scope": scope_of(request.user),
        "panels": task_panels(request) if not kind and not region else [], "region": region, "place": place,
    })


@requires("manages_county")
def care_settings(request):
    setting = CareSetting.current()
    form = RulesForm(request.POST or None, rules=VisitRule.current(),
                     initial={"contact_days": setting.contact_days, "soon_days": setting.soon_days})
    if request.method == "POST" and form.is_valid():
        services.rules_save(actor=request.user, rows=form.rows(), contact_days=form.cleaned_data["contact_days"],
                            soon_days=form.cleaned_data["soon_days"])
        messages.success(request, "走访规则已保存，全县儿童的走访到期日正在后台重新计算。")
        return redirect("care:settings")
    return render(request, "care/settings.html", {"form": form})
