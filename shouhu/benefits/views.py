"""兜底保障 and funds pages (docs/domain.md, "Benefits and funds"): the 兜底率 of a region by the units
below it and the eligible children receiving nothing; grants and the 事实无人抚养 application; funds
with their spending and balance; the month's payment roll for the finance office. Amounts are shown
only to those who handle benefits or keep funds; a page naming children is in the access log."""
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from shouhu.accounts.permissions import allowed, requires
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.forms import run_into_form
from shouhu.core.params import choice_param, code_param, page_param
from shouhu.core.xlsx import marked_workbook, xlsx_response
from shouhu.regions.models import code_range
from shouhu.regions.selectors import places_visible_to
from shouhu.rules import benefits as B

from . import selectors, services
from .forms import ActForm, ApplicationForm, FundForm, GrantForm, PayForm, RollForm, SettingsForm, SpendForm, StopForm
from .models import Application, BenefitSetting, Grant, PaymentRoll, Spending


def _month(request) -> date:
    raw = request.GET.get("month", "")
    try:
        return date.fromisoformat(f"{raw}-01") if raw else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _export(request, *, title: str, headers, rows, label: str, name: str, scope: str):
    when = timezone.localtime()
    data, n = marked_workbook(title=title, headers=headers, rows=rows, who=str(request.user), when=when, label=label, freeze_cols=2)
    log_access(actor=request.user, action="export", scope=scope, detail=f"导出{title} {n} 行（{label}）", request=request)
    return xlsx_response(data, f"{name}-{when:%Y%m%d-%H%M}.xlsx")


# -- 兜底率 ------------------------------------------------------------------------------------------------
@requires("handles_benefits")
def index(request):
    region = selectors.region_for(request.user, code_param(request.GET))
    month = _month(request)
    cov = selectors.region_coverage(request.user, region, month)
    if request.GET.get("export") == "xlsx":
        rows = ([u["name"], u["eligible"], u["covered"], u["missing"], "" if u["rate"] is None else u["rate"]] for u in cov["units"])
        return _export(request, title="兜底保障率", headers=["单位", "应保人数", "已保人数", "应享未享", "兜底率（%）"], rows=rows,
                       label=f"{region.display_name} {month:%Y-%m}", name="coverage", scope="兜底保障")
    applications = selectors.applications_visible_to(request.user).filter(state__in=["applied", "checked", "confirmed"])
    return render(request, "benefits/index.html", {
        "cov": cov, "region": region, "month": month, "parents": [r for r in region.ancestors() if len(r.code) >= 6 and selectors.covers(request.user, r)],
        "open_applications": applications.count(),
        "late_applications": applications.filter(due_on__lt=timezone.localdate()).count(),
        "funds": allowed(request.user, "manages_funds"), "confirms": allowed(request.user, "confirms_benefits")})


@requires("handles_benefits")
def missing(request):
    region = selectors.region_for(request.user, code_param(request.GET))
    month = _month(request)
    rows = selectors.missing_children(request.user, region, month)
    label = f"{region.display_name} {month:%Y-%m}"
    if request.GET.get("export") == "xlsx":
        data = ([c.name, c.village.display_name, c.birth_date.isoformat(), cov.missing_text(), "、".join(c.category_reasons.values())[:200]]
                for c, cov in rows)
        return _export(request, title="应享未享儿童", headers=["姓名", "村（社区）", "出生日期", "应享未享", "类别依据"], rows=data,
                       label=label, name="benefit-missing", scope="兜底保障")
    log_access(actor=request.user, action="list", scope="兜底保障", target=region.code, detail=f"应享未享名单（{label}，{len(rows)} 人）",
               request=request)
    page = Paginator(rows, 30).get_page(page_param(request.GET))
    return render(request, "benefits/missing.html", {"page": page, "region": region, "month": month, "n": len(rows)})


# -- grants ----------------------------------------------------------------------------------------------
@requires("handles_benefits")
def grants(request):
    qs = selectors.grants_visible_to(request.user).select_related("child", "child__village")
    kind = choice_param(request.GET, "kind", B.KINDS)
    status = choice_param(request.GET, "status", Grant.Status.values)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    qs = qs.order_by("child__village_code", "child__name_pinyin", "kind", "-start")
    label = "、".join(x for x in (B.KINDS[kind].label if kind else "", Grant.Status(status).label if status else "") if x) or "全部"
    if request.GET.get("export") == "xlsx":
        data = ([g.child.name, g.child.village.display_name, g.kind_label, g.monthly_amount, f"{g.start:%Y-%m}", f"{g.end:%Y-%m}" if g.end else "",
                 g.get_status_display(), g.stop_reason] for g in qs.iterator(chunk_size=2000))
        return _export(request, title="兜底保障发放", headers=["姓名", "村（社区）", "救助类别", "金额（元/月）", "起始月份", "终止月份", "状态", "停发原因"],
                       rows=data, label=label, name="grants", scope="兜底保障")
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    log_access(actor=request.user, action="list", scope="兜底保障", detail=f"发放记录（{label}）第 {page.number} 页", request=request)
    return render(request, "benefits/grants.html", {"page": page, "kinds": list(B.KINDS.values()), "kind": kind, "status": status,
                                                    "statuses": Grant.Status.choices, "base_query": f"kind={kind}&status={status}"})


@requires("handles_benefits")
def grant_new(request, uid):
    child = selectors.child_for(request.user, uid)
    needs = B.needs_of(selectors.basis_of({f: getattr(child, f) for f in selectors.BASIS_FIELDS}))
    form = GrantForm(request.POST or None, needs=needs)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        g = run_into_form(request, form, lambda: services.grant_create(
            actor=request.user, child=child, kind=d["kind"], monthly_amount=d["monthly_amount"], start=d["start"], end=d["end"], note=d["note"]),
            "已登记发放")
        if g is not None:
            return redirect("benefits:grant", pk=g.pk)
    log_access(actor=request.user, action="view", child=child, scope="兜底保障", detail="登记发放", request=request)
    return render(request, "benefits/grant_form.html", {"form": form, "child": child, "needs": [B.NEEDS[n].label for n in needs]})


@requires("handles_benefits")
def grant_detail(request, pk):
    g = selectors.grant_for(request.user, pk)
    act = request.POST.get("action", "") if request.method == "POST" else ""
    stop = StopForm(request.POST if act in ("stop", "pause") else None)
    if act == "resume":
        if run_into_form(request, stop, lambda: services.grant_resume(actor=request.user, grant=g), "已恢复发放") is not None:
            return redirect("benefits:grant", pk=g.pk)
    elif act in ("stop", "pause") and stop.is_valid():
        d = stop.cleaned_data
        done = run_into_form(request, stop, lambda: services.grant_stop(actor=request.user, grant=g, reason=d["reason"],
                                                                        last_month=d["last_month"], pause=act == "pause"),
                             "已暂停" if act == "pause" else "已停发")
        if done is not None:
            return redirect("benefits:grant", pk=g.pk)
    log_access(actor=request.user, action="view", child=g.child, scope="兜底保障", detail=f"发放记录 #{g.pk}", request=request)
    lines = g.lines.select_related("roll").order_by("-month")[:24]
    return render(request, "benefits/grant_detail.html", {"g": g, "stop": stop, "lines": lines})


# -- the 事实无人抚养 application ---------------------------------------------------------------------------
@requires("handles_benefits")
def applications(request):
    qs = selectors.applications_visible_to(request.user).select_related("child", "child__village")
    state = choice_param(request.GET, "state", B.STEPS, default="open")
    qs = qs.filter(state__in=["applied", "checked", "confirmed"]) if state == "open" else qs.filter(state=state)
    page = Paginator(qs.order_by("due_on", "id"), 30).get_page(page_param(request.GET))
    log_access(actor=request.user, action="list", scope="兜底保障", detail=f"认定申请第 {page.number} 页", request=request)
    return render(request, "benefits/applications.html", {"page": page, "state": state, "states": list(B.STEPS.items()),
                                                          "today": timezone.localdate(), "base_query": f"state={state}"})


@requires("handles_benefits")
def application_new(request, uid):
    child = selectors.child_for(request.user, uid)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        a = run_into_form(request, form, lambda: services.application_create(
            actor=request.user, child=child, applicant=d["applicant"], monthly_amount=d["monthly_amount"], applied_on=d["applied_on"],
            note=d["note"]), "已登记申请，等待乡镇查验")
        if a is not None:
            return redirect("benefits:application", pk=a.pk)
    log_access(actor=request.user, action="view", child=child, scope="兜底保障", detail="认定申请", request=request)
    return render(request, "benefits/application_form.html", {"form": form, "child": child})


def _application_actions(user, a: Application) -> list[str]:
    return [k for k, (frm, _to, need) in B.ACTIONS.items() if a.state in frm and allowed(user, need)]


@requires("handles_benefits")
def application_detail(request, pk):
    a = selectors.application_for(request.user, pk)
    actions = _application_actions(request.user, a)
    act = request.POST.get("action", "") if request.method == "POST" else ""
    form = ActForm(request.POST if act else None)
    if act:
        if act not in actions:
            raise Http404
        if form.is_valid():
            done = run_into_form(request, form, lambda: services.application_act(actor=request.user, application=a, action=act,
                                                                                 note=form.cleaned_data["note"]), B.ACTION_LABELS[act])
            if done is not None:
                return redirect("benefits:application", pk=a.pk)
    log_access(actor=request.user, action="view", child=a.child, scope="兜底保障", detail=f"认定申请 #{a.pk}", request=request)
    return render(request, "benefits/application_detail.html", {
        "a": a, "steps": a.steps.select_related("by"), "actions": [(k, B.ACTION_LABELS[k]) for k in actions], "form": form,
        "late": a.due_on and a.due_on < timezone.localdate() and a.state not in B.ENDED, "labels": dict(B.ACTION_LABELS, apply="申请")})


@requires("confirms_benefits")
def settings_page(request):
    s = BenefitSetting.current()
    form = SettingsForm(request.POST or None, initial={"check_days": s.check_days, "confirm_days": s.confirm_days, "publicity_days": s.publicity_days})
    if request.method == "POST" and form.is_valid():
        if run_into_form(request, form, lambda: services.settings_save(actor=request.user, **form.cleaned_data), "已保存") is not None:
            return redirect("benefits:settings")
    return render(request, "benefits/settings.html", {"form": form})


# -- funds -------------------------------------------------------------------------------------------------
@requires("manages_funds")
def funds(request):
    rows = list(selectors.with_balances(selectors.funds_visible_to(request.user)).select_related("region"))
    for f in rows:
        f.balance = f.amount - (f.spent_sum or 0)
    if request.GET.get("export") == "xlsx":
        data = ([f.name, f.get_kind_display(), f.source, f.region.display_name, f.received_on.isoformat(), f.amount, f.spent_sum or 0, f.balance]
                for f in rows)
        return _export(request, title="资金", headers=["名称", "类别", "来源", "使用范围", "到账日期", "金额", "已支出", "余额"], rows=data,
                       label="全部", name="funds", scope="资金")
    regions = selectors.benefit_regions(request.user, "manages_funds")
    form = FundForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        f = run_into_form(request, form, lambda: services.fund_create(actor=request.user, **form.cleaned_data), "已登记资金")
        if f is not None:
            return redirect("benefits:fund", pk=f.pk)
    totals = {"amount": sum(f.amount for f in rows), "balance": sum(f.balance for f in rows)}
    return render(request, "benefits/funds.html", {"rows": rows, "form": form, "totals": totals, "open": request.method == "POST"})


@requires("manages_funds")
def fund_detail(request, pk):
    fund = selectors.fund_for(request.user, pk)
    places = places_visible_to(request.user).filter(code__range=code_range(fund.region_code)).order_by("code", "name")
    form = SpendForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        child = selectors.child_for(request.user, d["child"]) if d["child"] else None
        s = run_into_form(request, form, lambda: services.spend(
            actor=request.user, fund=fund, purpose=d["purpose"], amount=d["amount"], spent_on=d["spent_on"], what=d["what"], payee=d["payee"],
            child=child, place=d["place"], voucher_no=d["voucher_no"], voucher=d["voucher"]), "已登记支出")
        if s is not None:
            return redirect("benefits:fund", pk=fund.pk)
    spending = fund.spending.select_related("child", "roll", "place").order_by("-spent_on", "-id")
    if request.GET.get("export") == "xlsx":
        data = ([s.spent_on.isoformat(), s.get_purpose_display(), s.what, s.payee, s.child.name if s.child else "", s.place.name if s.place else "",
                 s.voucher_no, s.amount] for s in spending)
        return _export(request, title="资金支出", headers=["日期", "用途", "事由", "收款人", "资助儿童", "场所", "凭证号", "金额"], rows=data,
                       label=fund.name, name="spending", scope="资金")
    spent = spending.aggregate(s=Sum("amount"))["s"] or 0
    page = Paginator(spending, 30).get_page(page_param(request.GET))
    # the spending names the children it helped: read like a list of children
    log_access(actor=request.user, action="list", scope="资金", detail=f"资金 #{fund.pk} 支出明细第 {page.number} 页", request=request)
    return render(request, "benefits/fund_detail.html", {"fund": fund, "page": page, "form": form, "spent": spent, "balance": fund.amount - spent,
                                                         "open": request.method == "POST"})


@requires("manages_funds")
def voucher(request, pk, sid):
    """A voucher photo, served through the fund's scope, never from /media/."""
    fund = selectors.fund_for(request.user, pk)
    s = Spending.objects.filter(fund=fund, pk=sid).exclude(voucher="").first() if str(sid).isdigit() else None
    if s is None:
        raise Http404
    log_access(actor=request.user, action="view", child=s.child, scope="资金", detail=f"支出 #{s.pk} 凭证", request=request)
    return uploads.document_response(s.voucher)


# -- payment rolls ------------------------------------------------------------------------------------------
@requires("manages_funds")
def rolls(request):
    qs = selectors.rolls_visible_to(request.user).select_related("fund")
    form = None
    if allowed(request.user, "confirms_benefits"):
        form = RollForm(request.POST or None, funds=selectors.funds_visible_to(request.user))
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            made = run_into_form(request, form, lambda: services.roll_make(actor=request.user, fund=d["fund"], month=d["month"], kinds=d["kinds"]),
                                 "已制作花名册，请核对后确认发放")
            if made is not None:
                request.session["roll_left"] = [(g.pk, g.child.name, g.kind_label, why) for g, why in made[1]][:200]
                return redirect("benefits:roll", pk=made[0].pk)
    page = Paginator(qs, 30).get_page(page_param(request.GET))
    return render(request, "benefits/rolls.html", {"page": page, "form": form})


@requires("manages_funds")
def roll_detail(request, pk):
    roll = selectors.roll_for(request.user, pk)
    lines = roll.lines.select_related("child", "child__village").order_by("child__village_code", "child__name_pinyin", "id")
    if request.GET.get("export") == "xlsx":
        data = ([i, x.child.name, x.child.village.display_name, B.KINDS[x.kind].label, f"{x.month:%Y-%m}", x.amount] for i, x in enumerate(lines, 1))
        return _export(request, title="发放花名册", headers=["序号", "姓名", "村（社区）", "救助类别", "月份", "金额（元）"], rows=data,
                       label=f"{roll.fund.name} {roll.month:%Y-%m} 合计 {roll.total} 元", name="payment-roll", scope="兜底保障")
    pay = PayForm(request.POST if request.method == "POST" and request.POST.get("action") == "pay" else None)
    if pay.is_bound and pay.is_valid():
        if run_into_form(request, pay, lambda: services.roll_pay(actor=request.user, roll=roll, paid_on=pay.cleaned_data["paid_on"]),
                         "已确认发放，已计入资金支出") is not None:
            return redirect("benefits:roll", pk=roll.pk)
    log_access(actor=request.user, action="list", scope="兜底保障", detail=f"发放花名册 #{roll.pk}", request=request)
    left = request.session.pop("roll_left", None) if roll.state == PaymentRoll.State.DRAFT else None
    page = Paginator(lines, 50).get_page(page_param(request.GET))
    return render(request, "benefits/roll_detail.html", {"roll": roll, "page": page, "pay": pay, "left": left, "n": lines.count(),
                                                         "kinds": [B.KINDS[k].label for k in roll.kinds],
                                                         "confirms": allowed(request.user, "confirms_benefits")})


@requires("confirms_benefits")
@require_POST
def roll_discard(request, pk):
    roll = selectors.roll_for(request.user, pk)
    form = ActForm({})
    form.is_valid()
    if run_into_form(request, form, lambda: services.roll_discard(actor=request.user, roll=roll), "已作废花名册") is None:
        return redirect("benefits:roll", pk=roll.pk)
    return redirect("benefits:rolls")
