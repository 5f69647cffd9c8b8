"""The protection part of the demo county: the county's protection login (baohu) and the alerts
the demo's records and care work raise, in every state — a 红 nobody acknowledged that has
climbed to the county, acknowledged ones, acted-on and closed ones — the mandatory reports, a joint
meeting with overdue items, and protection cases at every step of 毛市镇 (dudao's township)."""
import time
from datetime import datetime, timedelta

from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.regions.models import Region
from shouhu.registry.demo import DEMO_TOWNSHIP, DEMO_VILLAGE, make_user
from shouhu.registry.models import Child

from . import guardianship, meetings, reports, services
from .cases import case_act, case_open, escalate_cases, plan_item_add, plan_item_done
from .models import Alert, ProtectionCase


def build_protection_demo(*, root: str, now: datetime | None = None, log=print) -> list[tuple[str, str]]:
    t0 = time.monotonic()
    now = now or timezone.now()
    baohu = make_user("baohu", "县未成年人救助保护机构 王保护", "protection", region=Region.objects.get(code=root))
    # the alerts were raised some time ago, so the clock has run: a day and a half for the first
    # third, a few hours for the next, just now for the rest
    counts = services.evaluate_all(now=now - timedelta(hours=1))
    ids = list(Alert.objects.filter(status=Alert.Status.OPEN).order_by("id").values_list("id", flat=True))
    third = len(ids) // 3
    for part, ago in ((ids[:third], timedelta(hours=36)), (ids[third:2 * third], timedelta(hours=3)), (ids[2 * third:], timedelta(minutes=20))):
        if part:  # ids in order: each third is a range; the clock restarts at the new opening time
            Alert.objects.filter(pk__gte=part[0], pk__lte=part[-1], status=Alert.Status.OPEN).update(opened_at=now - ago,
                                                                                                   next_check_at=now - ago)
    services.escalate_due(now=now)
    # some worked: every fifth acknowledged, every seventh acted on, every eleventh closed — by the
    # county protection login, which may act at any step of a chain
    later = Alert.objects.filter(pk__gte=ids[third], status__in=Alert.ACTIVE) if ids else Alert.objects.none()
    for i, a in enumerate(later.order_by("id")[:300]):
        when = a.opened_at + timedelta(minutes=30)
        if i % 11 == 0 and a.rule.chain[-1][0] == "protection":
            services.alert_close(actor=baohu, alert=a, reason="核实：情况不属实（演示）", now=when)
        elif i % 7 == 0:
            services.alert_act(actor=baohu, alert=a, action="上门核实", note="已上门，孩子安全（演示）", now=when)
        elif i % 5 == 0:
            services.alert_acknowledge(actor=baohu, alert=a, now=when)
    _reports_and_meetings(root=root, baohu=baohu, now=now)
    n_cases = _cases(baohu=baohu, now=now)
    by = {lv: Alert.objects.filter(level=lv).count() for lv in ("red", "orange", "yellow")}
    log(f"预警：红 {by['red']}，橙 {by['orange']}，黄 {by['yellow']}（新增 {counts['opened']}）；个案 {n_cases} 件（{time.monotonic() - t0:.1f} 秒）")
    return [("baohu", "县未成年人保护机构（预警与个案）")]


def _reports_and_meetings(*, root: str, baohu, now: datetime) -> None:
    """Mandatory reports in each state (one about a child not on the register), and a county joint
    meeting whose items are done, open and overdue."""
    today = timezone.localdate(now)
    county = Region.objects.get(code=root)
    village = Region.objects.get(code=DEMO_VILLAGE)
    kids = list(Child.objects.filter(village_code=DEMO_VILLAGE, status=Child.Status.ACTIVE).order_by("id")[:2])
    users = {u.username: u for u in User.objects.filter(username__in=["zhuren", "dudao", "banzhuren", "admin"])}
    if len(kids) == 2 and len(users) == 4:
        reports.report_file(actor=users["banzhuren"], situation="injury_abuse", discovered_at=now - timedelta(hours=3),
                                      seen="上课时发现手臂多处淤青，孩子说是在家被打的（演示）", village=village, child=None,
                                      child_name=kids[0].name, child_desc="三年级学生", now=now - timedelta(hours=2))
        done = reports.report_file(actor=users["zhuren"], situation="abandoned", discovered_at=now - timedelta(days=5), child=kids[1],
                                   seen="父母外出后祖母住院，孩子独自在家三天（演示）", village=village, now=now - timedelta(days=5))
        reports.report_receive(actor=users["dudao"], report=done, police_notified_at=now - timedelta(days=5), police_unit="毛市派出所",
                               police_receipt_no="JL-2026-0031", civil_affairs_told="县民政局、金星小学", now=now - timedelta(days=5))
        reports.report_feedback(actor=users["dudao"], report=done, feedback="已安排亲属临时照护，父亲已返乡（演示）", now=now - timedelta(days=3))
        reports.report_record_call(actor=users["dudao"], reporter_name="张医生", reporter_unit="毛市镇卫生院", reporter_phone="13800001234",
                                   situation="begging", discovered_at=now - timedelta(days=1), seen="集市上有男孩被成人带着乞讨（演示）",
                                   village=village, child_desc="男孩，约6岁", now=now - timedelta(days=1))
    m = meetings.meeting_record(actor=users.get("admin") or baohu, held_on=today - timedelta(days=40), title="农村留守儿童关爱保护联席会议",
                                region=county, units="县民政局、县教育局、县公安局、县卫健局、县妇联、团县委",
                                attendees="分管副县长、各成员单位负责人", minutes="通报摸底排查情况，部署关爱保护月活动（演示）")
    maoshi = Region.objects.filter(code=DEMO_VILLAGE[:9]).first()
    meetings.item_add(actor=baohu, meeting=m, text="全面排查独居、无人监护儿童并落实照护", unit="各乡镇人民政府", owner="各乡镇分管领导",
                      due=today - timedelta(days=10), region=maoshi)
    meetings.item_add(actor=baohu, meeting=m, text="心理辅导教师配备到校", unit="县教育局", owner="教育局分管局长", due=today + timedelta(days=20))
    done = meetings.item_add(actor=baohu, meeting=m, text="强制报告制度宣传进学校、村（居）", unit="县民政局", owner="儿童福利股",
                             due=today - timedelta(days=15))
    meetings.item_done(actor=baohu, item=done, evidence="已印发宣传册5000份，覆盖全部学校（演示）")


# Each demo case: how long ago it was opened, and the steps taken since (action, hours after the opening, data).
CASE_STORIES: list[tuple[str, timedelta, list[tuple[str, float, dict]]]] = [
    ("刚立案，待确认安全", timedelta(minutes=20), []),
    ("立案5小时未确认安全（已超过时限）", timedelta(hours=5), []),
    ("已确认安全，待安置", timedelta(hours=6), [("respond", 1, {"note": "已上门，孩子在邻居家，暂时安全（演示）"})]),
    ("已安置，待评估", timedelta(days=2), [("respond", 1, {"note": "已电话联系村主任核实（演示）"}),
                                        ("place", 10, {"placement": "亲属照护", "note": "暂住外婆家（演示）"})]),
    ("已评估，制定计划中", timedelta(days=5), [("respond", 1, {}), ("place", 12, {"placement": "村（居）民委员会临时照护"}),
                                          ("assess", 72, {"risk": "中", "assessment": "安全处境：暂时安全\n监护情况：父母均在外务工，祖母住院\n身心健康：情绪低落（演示）"})]),
    ("帮扶计划待审批", timedelta(days=8), [("respond", 1, {}), ("place", 12, {"placement": "亲属照护"}),
                                       ("assess", 96, {"risk": "高", "assessment": "安全处境：曾遭父亲殴打\n监护情况：父亲酗酒\n身心健康：手臂淤青，惧怕回家（演示）"}),
                                       ("plan", 100, {}), ("submit_plan", 101, {})]),
    ("跟进中（含监护干预）", timedelta(days=40), [("respond", 1, {}), ("place", 8, {"placement": "未成年人救助保护机构临时监护"}),
                                          ("assess", 72, {"risk": "高", "assessment": "安全处境：多次受伤\n监护情况：父亲监护失职，母亲失联\n身心健康：需心理疏导（演示）"}),
                                          ("plan", 80, {}), ("submit_plan", 81, {}), ("approve_plan", 90, {"note": "同意（演示）"}),
                                          ("plan_done", 400, {})]),
    ("结案待审批", timedelta(days=60), [("respond", 1, {}), ("place", 8, {"placement": "原家庭（监护人在家）"}),
                                    ("assess", 48, {"risk": "低", "assessment": "父亲已返乡照料（演示）"}), ("plan", 50, {}),
                                    ("submit_plan", 51, {}), ("approve_plan", 60, {}), ("request_close", 1400, {"note": "父亲返乡，风险消除（演示）"})]),
    ("已结案，待回访", timedelta(days=70), [("respond", 1, {}), ("place", 8, {"placement": "亲属照护"}),
                                       ("assess", 48, {"risk": "低", "assessment": "祖父母可照料（演示）"}), ("plan", 50, {}),
                                       ("submit_plan", 51, {}), ("approve_plan", 60, {}), ("request_close", 1000, {"note": "计划完成（演示）"}),
                                       ("approve_close", 1010, {})]),
    ("已回访", timedelta(days=120), [("respond", 1, {}), ("place", 8, {"placement": "亲属照护"}),
                                  ("assess", 48, {"risk": "低", "assessment": "已妥善照料（演示）"}), ("plan", 50, {}), ("submit_plan", 51, {}),
                                  ("approve_plan", 60, {}), ("request_close", 1200, {}), ("approve_close", 1210, {}),
                                  ("revisit", 1900, {"note": "回访：孩子与祖父母同住，学习正常（演示）"})]),
]


def _cases(*, baohu, now: datetime) -> int:
    """Cases at every step in 毛市镇, worked by its supervisor (dudao) and approved by the county (baohu)."""
    dudao = User.objects.filter(username="dudao").first()
    if dudao is None:
        return 0
    taken = set(ProtectionCase.objects.values_list("child_id", flat=True))
    red = list(Alert.objects.filter(village_code__startswith=DEMO_TOWNSHIP, level="red", status__in=Alert.ACTIVE)
               .exclude(child_id__in=taken).order_by("id").values_list("child_id", "id"))
    others = Child.objects.filter(village_code__startswith=DEMO_TOWNSHIP, status=Child.Status.ACTIVE).exclude(id__in=taken)
    picks = list(dict(red).items())[:len(CASE_STORIES)]
    picks += [(c, None) for c in others.exclude(id__in=[c for c, _ in picks]).order_by("id").values_list("id", flat=True)[
        :len(CASE_STORIES) - len(picks)]]
    made = 0
    for (child_id, alert_id), (story, ago, steps) in zip(picks, CASE_STORIES, strict=False):
        opened = now - ago
        alert = Alert.objects.filter(pk=alert_id).first() if alert_id and ago < timedelta(days=1) else None
        case = case_open(actor=dudao, child=Child.objects.get(pk=child_id), alert=alert, note="演示个案", now=opened)
        for action, hours, data in steps:
            when = opened + timedelta(hours=hours)
            if action == "plan":
                for service, unit, owner, days in (("心理疏导", "毛市镇卫生院", "王医生", 14), ("监护指导", "毛市镇人民政府", "李督导", 30)):
                    plan_item_add(actor=dudao, case=case, service=service, unit=unit, owner=owner, due=(when + timedelta(days=days)).date(),
                                  now=when)
            elif action == "plan_done":
                item = case.plan.order_by("id").first()
                plan_item_done(actor=dudao, item_id=item.pk, result="已开展3次心理疏导，情绪好转（演示）", now=when)
            else:
                approver = baohu if action.startswith(("approve", "return")) else dudao
                case = case_act(actor=approver, case=case, action=action, now=when, **data)
        if "监护干预" in story:
            demo_guardianship(case, dudao, now=now)
        made += 1
    escalate_cases(now=now)
    return made
def demo_guardianship(case: ProtectionCase, actor, *, now: datetime | None = None) -> None:
    """A case whose guardianship intervention has reached the court: the father criticised by the
    village committee, admonished by the police station with a family-education guidance order, and
    an application to revoke his guardianship filed, the ruling pending. `actor` handles the case."""
    now = now or timezone.now()
    for rung, unit, doc_no, ago, note in (
        ("criticism", "村民委员会", "", 60, "父亲长期不与孩子联系、不寄生活费，村委会上门批评教育（演示）"),
        ("admonition", "毛市派出所", "毛公（训）字〔2026〕7号", 40, "经教育不改，派出所予以训诫并责令接受家庭教育指导（演示）"),
        ("application", "监利市人民法院", "（2026）鄂1088民特15号", 10, "拒不履行监护职责已逾六个月，县民政局申请撤销监护资格（演示）"),
    ):
        guardianship.intervention_record(actor=actor, case=case, guardian="father", rung=rung, at=now - timedelta(days=ago), unit=unit,
                                         doc_no=doc_no, note=note, now=now)
