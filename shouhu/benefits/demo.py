"""The demo county's 兜底保障 and money: grants for most eligible children (a few in 毛市镇 and elsewhere
left out, so the 应享未享 list and the 黄 alert show), a 事实无人抚养 application at each step, the
county's special fund and a township's 爱心基金 with spending, last month's roll paid and this month's
waiting."""
import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.regions.models import Place, Region
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE
from shouhu.registry.models import Child
from shouhu.rules import benefits as B

from . import selectors
from . import services as V
from .models import Application, ApplicationStep, Grant

# monthly standards (元/月), roughly a central-China county's
AMOUNTS = {"orphan": Decimal("1350"), "de_facto": Decimal("1350"), "dibao": Decimal("520"), "tekun": Decimal("1080"), "disability": Decimal("90")}
LEFT_OUT = 7  # eligible children the demo leaves without a grant


def _previous(month: date) -> date:
    return date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def build_benefits_demo(*, today: date, rng: random.Random, log=print) -> None:
    admin, zhuren = User.objects.get(username="admin"), User.objects.get(username="zhuren")
    dudao = User.objects.get(username="dudao")
    month = today.replace(day=1)
    start = _previous(_previous(month))
    rows = list(Child.objects.filter(selectors.CANDIDATE_Q, status=Child.Status.ACTIVE).values(*selectors.BASIS_FIELDS).order_by("id"))
    eligible = [(r, B.needs_of(selectors.basis_of(r))) for r in rows]
    eligible = [(r, n) for r, n in eligible if n]
    in_village = [i for i, (r, _) in enumerate(eligible) if r["village_code"] == DEMO_VILLAGE]
    left = set(in_village[:2]) | set(rng.sample(range(len(eligible)), min(LEFT_OUT - 2, len(eligible))))
    grants = []
    for i, (r, needs) in enumerate(eligible):
        if i in left:
            continue
        for need in needs:
            kind = B.NEEDS[need].met_by[0]
            grants.append(Grant(child_id=r["id"], kind=kind, monthly_amount=AMOUNTS[kind], start=start, created_by=admin, note="演示数据"))
    Grant.objects.bulk_create(grants, batch_size=2000)
    # one paid to a child the record no longer supports (the record check finds it): a 低保 to a child not poor
    plain = Child.objects.filter(village_code=DEMO_VILLAGE, status=Child.Status.ACTIVE, is_difficulty=False, is_orphan=False,
                                 is_de_facto=False).order_by("id").first()
    if plain is not None:
        Grant.objects.create(child=plain, kind="dibao", monthly_amount=AMOUNTS["dibao"], start=start, created_by=admin, note="演示数据：应核实")
    # a stopped grant and a one-off 临时救助
    some = Grant.objects.filter(kind="orphan").order_by("id").first()
    if some is not None:
        Grant.objects.create(child_id=some.child_id, kind="temporary", monthly_amount=Decimal("2000"), start=_previous(month),
                             end=_previous(month), created_by=admin, note="火灾后临时救助")
    # 事实无人抚养 applications: one waiting for the township, one late at the county, one rejected
    candidates = list(Child.objects.filter(village_code__startswith=DEMO_TOWNSHIP, status=Child.Status.ACTIVE, is_de_facto=False)
                      .exclude(pk__in=Grant.objects.values("child_id")).order_by("id")[:3])
    if len(candidates) == 3:
        a = V.application_create(actor=zhuren, child=candidates[0], applicant="祖母", monthly_amount="1350", applied_on=today - timedelta(days=3),
                                 note="父亲服刑，母亲长期失联")
        b = V.application_create(actor=zhuren, child=candidates[1], applicant="外祖父", monthly_amount="1350", applied_on=today - timedelta(days=40))
        # the township checked it a month ago; the county has not confirmed within its limit
        Application.objects.filter(pk=b.pk).update(state="checked", entered_on=today - timedelta(days=30), due_on=today - timedelta(days=9))
        ApplicationStep.objects.create(application=b, action="check", by=dudao, at=timezone.now() - timedelta(days=30), note="已入户查验")
        c = V.application_create(actor=zhuren, child=candidates[2], applicant="伯父", monthly_amount="1350", applied_on=today - timedelta(days=20))
        V.application_act(actor=dudao, application=c, action="reject", note="母亲在家，有抚养能力")
        log(f"  事实无人抚养认定申请 3 件（#{a.pk} 待查验，#{b.pk} 县级确认逾期，#{c.pk} 不予认定）")
    county, maoshi = Region.objects.get(code=DEMO_VILLAGE[:6]), Region.objects.get(code=DEMO_TOWNSHIP)
    # a year's basic living support of the county's orphans and 事实无人抚养 children, rounded up to 100,000 元
    monthly = sum((g.monthly_amount for g in grants if g.kind in ("orphan", "de_facto")), Decimal("0"))
    special = V.fund_create(actor=admin, kind="special", name=f"{today.year}年困境儿童保障专项", source="县财政",
                            amount=max(Decimal("100000"), (monthly * 12 / 100000).to_integral_value(rounding="ROUND_CEILING") * 100000),
                            received_on=start, region=county)
    love = V.fund_create(actor=admin, kind="charity_fund", name="毛市镇留守儿童爱心基金", source="某爱心企业", amount="50000",
                         received_on=start, region=maoshi)
    home = Place.objects.filter(code=DEMO_VILLAGE).order_by("id").first()
    V.spend(actor=admin, fund=love, purpose="place", amount="3200", spent_on=start + timedelta(days=5), what="儿童之家添置图书和桌椅",
            payee="县新华书店", voucher_no="AX-001", place=home)
    V.spend(actor=admin, fund=love, purpose="activity", amount="1500", spent_on=start + timedelta(days=20), what="六一关爱活动", voucher_no="AX-002")
    poor_kid = Child.objects.filter(village_code=DEMO_VILLAGE, is_difficulty=True).order_by("id").first()
    if poor_kid is not None:
        V.spend(actor=admin, fund=love, purpose="child", amount="800", spent_on=start + timedelta(days=25), what="助学（书包、校服）",
                child=poor_kid, voucher_no="AX-003")
    rolls = "花名册 0 份"
    if monthly:  # a benchmark's scratch county (build_demo(children=0)) has nobody to pay
        paid, _ = V.roll_make(actor=admin, fund=special, month=_previous(month), kinds=["orphan", "de_facto"])
        V.roll_pay(actor=admin, roll=paid, paid_on=_previous(month) + timedelta(days=9))
        V.roll_make(actor=admin, fund=special, month=month, kinds=["orphan", "de_facto"])
        rolls = f"花名册 2 份（上月已发放 {paid.total} 元）"
    log(f"  兜底保障发放 {Grant.objects.count()} 条（{len(left)} 名应保儿童未发放），资金 2 项，{rolls}")
