"""Writes of 兜底保障 and funds (docs/domain.md, "Benefits and funds"): keyword-only and atomic.
Nothing is paid twice (one payment line per grant and month, a voucher once per fund) and nothing is
spent beyond a fund's balance (the fund row is locked while a spending is written)."""
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from uuid import uuid4

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core import uploads
from shouhu.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ServiceError
from shouhu.notify.services import Message, notify_many
from shouhu.regions.models import Place, Region, code_range, in_region
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to
from shouhu.registry.signals import facts_changed
from shouhu.rules import benefits as B

from . import selectors
from .models import Application, ApplicationStep, BenefitSetting, Fund, Grant, PaymentLine, PaymentRoll, Spending


def _amount(value, field: str, *, what: str = "金额") -> Decimal:
    try:
        d = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError(f"{what}应为数字", field=field) from None
    if d <= 0:
        raise ServiceError(f"{what}应大于0", field=field)
    return d


def _own_child(actor, child: Child) -> Child:
    if not children_visible_to(actor, flag="handles_benefits").filter(pk=child.pk).exists():
        raise NotFound("未找到该儿童")
    return child


def _changed(child_ids) -> None:
    ids = list(child_ids)
    transaction.on_commit(lambda: facts_changed.send(sender=Grant, child_ids=ids, fact="benefits"))


# -- grants -------------------------------------------------------------------------------------------
@transaction.atomic
def grant_create(*, actor, child: Child, kind: str, monthly_amount, start: date, end: date | None = None, note: str = "",
                 application: Application | None = None) -> Grant:
    _own_child(actor, child)
    if kind not in B.KINDS:
        raise ServiceError("请选择救助类别", code=ErrorCode.REQUIRED, field="kind")
    amount = _amount(monthly_amount, "monthly_amount")
    start = B.month_start(start)
    end = B.month_start(end) if end else (start if not B.KINDS[kind].monthly else None)
    if end and end < start:
        raise ServiceError("终止月份不能早于起始月份", field="end")
    overlap = Grant.objects.select_for_update().filter(child=child, kind=kind, status__in=[Grant.Status.ACTIVE, Grant.Status.PAUSED])
    overlap = overlap.filter(start__lte=end) if end else overlap
    if B.KINDS[kind].monthly and any(g.end is None or g.end >= start for g in overlap):
        raise Conflict(f"该儿童已有{B.KINDS[kind].label}的发放记录，请先停发原记录", field="kind")
    g = Grant.objects.create(child=child, kind=kind, monthly_amount=amount, start=start, end=end, note=note[:255],
                             application=application, created_by=actor)
    log_access(actor=actor, action="edit", child=child, scope="兜底保障", detail=f"登记{g.kind_label}发放 #{g.pk}")
    _changed([child.pk])
    return g


@transaction.atomic
def grant_stop(*, actor, grant: Grant, reason: str, last_month: date | None = None, pause: bool = False) -> Grant:
    grant = selectors.grant_for(actor, grant.pk)
    if grant.status == Grant.Status.STOPPED:
        raise ServiceError("该发放已停发", code=ErrorCode.WRONG_STATE)
    if not (reason or "").strip():
        raise ServiceError("请填写原因", code=ErrorCode.REQUIRED, field="reason")
    if pause:
        grant.status = Grant.Status.PAUSED
    else:
        last = B.month_start(last_month or timezone.localdate())
        if last < grant.start:
            raise ServiceError("停发月份不能早于起始月份", field="last_month")
        grant.status, grant.end = Grant.Status.STOPPED, last
    grant.stop_reason = reason.strip()[:128]
    grant.save(update_fields=["status", "end", "stop_reason"])
    log_access(actor=actor, action="edit", child=grant.child, scope="兜底保障", detail=f"{'暂停' if pause else '停发'}{grant.kind_label} #{grant.pk}")
    _changed([grant.child_id])
    return grant


@transaction.atomic
def grant_resume(*, actor, grant: Grant) -> Grant:
    grant = selectors.grant_for(actor, grant.pk)
    if grant.status != Grant.Status.PAUSED:
        raise ServiceError("只有暂停的发放可以恢复", code=ErrorCode.WRONG_STATE)
    grant.status, grant.stop_reason = Grant.Status.ACTIVE, ""
    grant.save(update_fields=["status", "stop_reason"])
    log_access(actor=actor, action="edit", child=grant.child, scope="兜底保障", detail=f"恢复{grant.kind_label} #{grant.pk}")
    _changed([grant.child_id])
    return grant


# -- the 事实无人抚养 application -------------------------------------------------------------------------
@transaction.atomic
def application_create(*, actor, child: Child, applicant: str, monthly_amount, applied_on: date, note: str = "") -> Application:
    _own_child(actor, child)
    if not (applicant or "").strip():
        raise ServiceError("请填写申请人", code=ErrorCode.REQUIRED, field="applicant")
    amount = _amount(monthly_amount, "monthly_amount", what="发放标准")
    if applied_on > timezone.localdate():
        raise ServiceError("申请日期不能晚于今天", field="applied_on")
    if Application.objects.filter(child=child, state__in=["applied", "checked", "confirmed"]).exists():
        raise Conflict("该儿童已有办理中的申请", field="applicant")
    if Grant.objects.filter(child=child, kind="de_facto", status=Grant.Status.ACTIVE).exists():
        raise Conflict("该儿童已在发放事实无人抚养儿童基本生活补贴", field="applicant")
    settings = BenefitSetting.current().rules()
    a = Application.objects.create(child=child, applicant=applicant.strip()[:32], monthly_amount=amount, applied_on=applied_on,
                                   entered_on=applied_on, due_on=B.step_due("applied", applied_on, settings), note=note[:255],
                                   created_by=actor)
    ApplicationStep.objects.create(application=a, action="apply", by=actor, at=timezone.now(), note=note[:255])
    log_access(actor=actor, action="edit", child=child, scope="兜底保障", detail=f"事实无人抚养认定申请 #{a.pk}")
    return a


@transaction.atomic
def application_act(*, actor, application: Application, action: str, note: str = "", now: datetime | None = None) -> Application:
    now = now or timezone.now()
    today = timezone.localdate(now)
    a = Application.objects.select_for_update().get(pk=selectors.application_for(actor, application.pk).pk)
    if action not in B.ACTIONS:
        raise ServiceError("未知的操作", field="action")
    need = B.ACTIONS[action][2]
    if not scope_of(actor).has(need):
        raise Forbidden("您的角色不能进行此操作")
    try:
        state = B.apply(a.state, action)
    except ValueError as e:
        raise ServiceError(str(e), code=ErrorCode.WRONG_STATE) from None
    child = a.child
    if action in ("check", "confirm") and not child.is_de_facto:
        raise ServiceError("按档案中的父母状况，该儿童不符合事实无人抚养儿童认定条件。请先核实并更新父母状况（如服刑、失联的起始时间）",
                           code=ErrorCode.INVALID, field="note")
    if action in ("reject", "withdraw") and not note.strip():
        raise ServiceError("请填写理由", code=ErrorCode.REQUIRED, field="note")
    if action == "publish" and a.due_on and today < a.due_on:
        raise ServiceError(f"公示至 {a.due_on:%Y-%m-%d} 期满后才能纳入发放", code=ErrorCode.WRONG_STATE)
    settings = BenefitSetting.current().rules()
    a.state, a.entered_on = state, today
    a.due_on = B.step_due(state, today, settings)
    a.save(update_fields=["state", "entered_on", "due_on"])
    ApplicationStep.objects.create(application=a, action=action, by=actor, at=now, note=note[:255])
    if state == "published":
        # 自确认的次月起发放 (民发〔2019〕62号): the month after the county's confirmation
        start = B.month_start(date(today.year + (today.month == 12), today.month % 12 + 1, 1))
        grant_create(actor=actor, child=child, kind="de_facto", monthly_amount=a.monthly_amount, start=start, application=a,
                     note="事实无人抚养儿童认定，公示期满")
    log_access(actor=actor, action="edit", child=child, scope="兜底保障", detail=f"申请 #{a.pk}：{B.ACTION_LABELS[action]}")
    return a


def escalate_applications(*, today: date | None = None) -> int:
    """Applications past their step's limit: whoever takes the step is told, once per deadline."""
    today = today or timezone.localdate()
    with transaction.atomic():
        late = list(Application.objects.select_for_update().filter(state__in=list(selectors.STEP_NEED), due_on__lt=today)
                    .exclude(told_for__isnull=False, told_for=F("due_on")).select_related("child"))
        for a in late:
            a.told_for = a.due_on
        Application.objects.bulk_update(late, ["told_for"], batch_size=500)
        notify_many(Message(selectors.step_people(a), "escalation", f"事实无人抚养认定申请逾期：{B.STEPS[a.state]} · 申请 #{a.pk}",
                            reverse("benefits:application", args=[a.pk]), "您有1件兜底保障申请需要办理，请登录守护查看") for a in late)
    return len(late)


@transaction.atomic
def settings_save(*, actor, check_days: int, confirm_days: int, publicity_days: int) -> BenefitSetting:
    if not scope_of(actor).has("confirms_benefits"):
        raise Forbidden("您的角色不能修改此设置")
    try:
        B.ApplicationSettings(check_days, confirm_days, publicity_days)
    except ValueError as e:
        raise ServiceError(str(e), field="check_days") from None
    s = BenefitSetting.objects.select_for_update().order_by("pk").first() or BenefitSetting()
    old = (s.check_days, s.confirm_days, s.publicity_days)
    s.check_days, s.confirm_days, s.publicity_days = check_days, confirm_days, publicity_days
    s.save()
    log_access(actor=actor, action="settings", scope="兜底保障期限", detail=f"查验/确认/公示 {old} → {(check_days, confirm_days, publicity_days)}")
    return s


# -- funds and spending -----------------------------------------------------------------------------
@transaction.atomic
def fund_create(*, actor, kind: str, name: str, source: str, amount, received_on: date, region: Region, note: str = "") -> Fund:
    if not any(in_region(region.code, a.region.code) for a in scope_of(actor).assignments_with("manages_funds") if a.region_id):
        raise NotFound("未找到该地区")
    if not (name or "").strip():
        raise ServiceError("请填写名称", code=ErrorCode.REQUIRED, field="name")
    if not (source or "").strip():
        raise ServiceError("请填写资金来源", code=ErrorCode.REQUIRED, field="source")
    f = Fund.objects.create(kind=kind, name=name.strip()[:64], source=source.strip()[:64], amount=_amount(amount, "amount"),
                            received_on=received_on, region=region, region_code=region.code, note=note[:255], created_by=actor)
    log_access(actor=actor, action="edit", scope="资金", detail=f"登记资金 #{f.pk} {f.amount} 元")
    return f


def _locked(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _check_balance(fund: Fund, amount: Decimal, field: str) -> None:
    left = fund.amount - (fund.spending.aggregate(s=Sum("amount"))["s"] or Decimal("0"))
    if amount > left:
        raise Conflict(f"余额不足：{fund.name}尚余 {left} 元，本次 {amount} 元", field=field)


@transaction.atomic
def spend(*, actor, fund: Fund, purpose: str, amount, spent_on: date, what: str, payee: str = "", child: Child | None = None,
          place: Place | None = None, voucher_no: str = "", voucher=None) -> Spending:
    fund = _locked(selectors.fund_for(actor, fund.pk))
    if purpose == "roll":
        raise ServiceError("兜底保障发放请通过发放花名册支出", field="purpose")
    if not (what or "").strip():
        raise ServiceError("请填写事由", code=ErrorCode.REQUIRED, field="what")
    amount = _amount(amount, "amount")
    if spent_on < fund.received_on:
        raise ServiceError("支出日期不能早于资金到账日期", field="spent_on")
    if child is not None:
        if purpose != "child":
            raise ServiceError("只有“资助儿童”的支出需要选择儿童", field="child")
        _own_child(actor, child)
    elif purpose == "child":
        raise ServiceError("请选择资助的儿童", code=ErrorCode.REQUIRED, field="child")
    if place is not None:
        if purpose != "place":
            raise ServiceError("只有“阵地建设与运行”的支出需要选择场所", field="place")
        if not in_region(place.code, fund.region_code):
            raise ServiceError("该场所不在这项资金的使用范围内", field="place")
    voucher_no = (voucher_no or "").strip()[:32]
    if voucher_no and fund.spending.filter(voucher_no=voucher_no).exists():
        raise Conflict(f"凭证号 {voucher_no} 已登记过一笔支出", field="voucher_no")
    _check_balance(fund, amount, "amount")
    s = Spending(fund=fund, purpose=purpose, amount=amount, spent_on=spent_on, what=what.strip()[:128], payee=(payee or "").strip()[:64],
                 child=child, place=place, voucher_no=voucher_no, created_by=actor)
    if voucher is not None:
        problem = uploads.document_problem(voucher, what="凭证")
        if problem:
            raise ServiceError(problem, field="voucher")
        ext, s.voucher_type = uploads.document_kind(voucher)
        voucher.name = f"{uuid4().hex}{ext}"  # the name the type decided, never the uploader's
        s.voucher = voucher
    s.save()
    log_access(actor=actor, action="edit", child=child, scope="资金", detail=f"资金 #{fund.pk} 支出 {amount} 元")
    return s


# -- payment rolls ------------------------------------------------------------------------------------
def _children_of_fund(fund: Fund):
    return Child.objects.filter(village_code__range=code_range(fund.region_code))


@transaction.atomic
def roll_make(*, actor, fund: Fund, month: date, kinds) -> tuple[PaymentRoll, list[tuple[Grant, str]]]:
    """A draft roll of the month's payable grants of `kinds` for the children of the fund's region,
    each grant at most once per month (a grant already on a roll of that month is left out).
    Returns the roll and the grants left out with why."""
    fund = selectors.fund_for(actor, fund.pk)
    if not scope_of(actor).has("confirms_benefits"):
        raise Forbidden("您的角色不能制作发放花名册")
    kinds = [k for k in B.KINDS if k in set(kinds)]
    if not kinds:
        raise ServiceError("请选择救助类别", code=ErrorCode.REQUIRED, field="kinds")
    month = B.month_start(month)
    grants = list(Grant.objects.filter(child__in=_children_of_fund(fund), kind__in=kinds).filter(selectors.in_month_q(month))
                  .select_related("child").order_by("child__village_code", "child__name_pinyin", "id"))
    taken = set(PaymentLine.objects.filter(grant__in=grants, month=month).values_list("grant_id", flat=True))
    basis = {r["id"]: r for r in Child.objects.filter(id__in={g.child_id for g in grants}).values(*selectors.BASIS_FIELDS, "birth_date", "status")}
    roll = PaymentRoll.objects.create(fund=fund, month=month, kinds=kinds, made_by=actor, made_at=timezone.now())
    lines, left = [], []
    for g in grants:
        r = basis[g.child_id]
        needs = B.needs_of(selectors.basis_of(r)) if r["status"] == Child.Status.ACTIVE else ()
        why = "本月已在其他花名册中" if g.pk in taken else B.payable(
            kind=g.kind, month=month, start=g.start, end=g.end, active=g.status == Grant.Status.ACTIVE, needs=needs, birth_date=r["birth_date"])
        if why:
            left.append((g, why))
        else:
            lines.append(PaymentLine(roll=roll, grant=g, child_id=g.child_id, kind=g.kind, month=month, amount=g.monthly_amount))
    if not lines:
        raise ServiceError("本月没有可发放的记录", code=ErrorCode.INVALID, field="kinds")
    try:
        with transaction.atomic():
            PaymentLine.objects.bulk_create(lines, batch_size=2000)
    except IntegrityError:
        raise Conflict("有记录刚被列入另一份花名册，请重新制作") from None
    roll.total = B.roll_total(x.amount for x in lines)
    roll.save(update_fields=["total"])
    log_access(actor=actor, action="edit", scope="兜底保障", detail=f"制作发放花名册 #{roll.pk}（{month:%Y-%m}，{len(lines)} 人）")
    return roll, left


@transaction.atomic
def roll_discard(*, actor, roll: PaymentRoll) -> None:
    roll = selectors.roll_for(actor, roll.pk)
    if roll.state != PaymentRoll.State.DRAFT or not scope_of(actor).has("confirms_benefits"):
        raise ServiceError("已发放的花名册不能作废", code=ErrorCode.WRONG_STATE)
    log_access(actor=actor, action="edit", scope="兜底保障", detail=f"作废发放花名册 #{roll.pk}")
    roll.delete()


@transaction.atomic
def roll_pay(*, actor, roll: PaymentRoll, paid_on: date) -> Spending:
    """The roll is paid: one spending from the fund equal to the roll's lines, within the balance."""
    roll = PaymentRoll.objects.select_for_update().get(pk=selectors.roll_for(actor, roll.pk).pk)
    if not scope_of(actor).has("confirms_benefits"):
        raise Forbidden("您的角色不能确认发放")
    if roll.state != PaymentRoll.State.DRAFT:
        raise ServiceError("该花名册已发放", code=ErrorCode.WRONG_STATE)
    fund = _locked(roll.fund)
    total = B.roll_total(roll.lines.values_list("amount", flat=True))
    if paid_on < fund.received_on:
        raise ServiceError("发放日期不能早于资金到账日期", field="paid_on")
    _check_balance(fund, total, "paid_on")
    roll.state, roll.paid_on, roll.total = PaymentRoll.State.PAID, paid_on, total
    roll.save(update_fields=["state", "paid_on", "total"])
    s = Spending.objects.create(fund=fund, purpose="roll", amount=total, spent_on=paid_on, roll=roll, created_by=actor,
                                what=f"{roll.month:%Y年%m月}兜底保障发放（{roll.lines.count()} 人）")
    log_access(actor=actor, action="edit", scope="兜底保障", detail=f"花名册 #{roll.pk} 已发放 {total} 元")
    return s
