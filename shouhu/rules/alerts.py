"""Early warning (预警排查; docs/domain.md, "Early warning"), pure: which alerts a child's facts
raise, who owns each, when it is due and how far it has escalated. Plain data in, plain data out;
the protection app stores what these return, keeps them open while the facts hold, and runs the
clock.

Vocabulary
- a *rule* has a stable ASCII code, a level (红 red / 橙 orange / 黄 yellow), a Chinese title, its
  legal basis and an owner chain: who owns the alert first and who it escalates to, each a
  (role, place) — place is the child's "village", "township", "school" or the "county";
- a *state* rule holds while a fact of the record holds (a child living alone) and its alert
  resolves by itself when the fact stops holding; an *event* rule is fired by one event (a visit
  that noted 疑似受伤, a counselling session assessed 高, a mandatory report) and its alert stays
  until a person closes it: the event does not "stop holding";
- `key` tells one event's alert from another's of the same rule and child ("visit:812");
  state alerts have key "".

Facts (a dict; keys a caller does not know are absent and the rules that need them are skipped):
  birth_date          date
  flag_unguarded      bool   the registry's derived 无人监护 flag
  unguarded_reason    str    the derivation's reason for it (监护情况为无人监护 / 独居 / 父母均不在家且无委托照护人)
  living_alone        bool
  father_situation, mother_situation   str (PARENT_SITUATION)
  carer_name          str    the entrusted carer (委托照护人), "" if none
  carer_birth_date    date | None  (from the carer's ID number)
  carer_barred        bool   the carer has a situation of 未保法 Art. 22
  is_left_behind      bool
  agreement_date      date | None  the care agreement (委托照护协议)
  poor_household      bool
  benefits            list[str]
  benefit_missing     str    the needs no grant meets this month ("" none), once the county keeps grants (the
                             兜底保障 ledger); absent before that, when the record's 已享受救助 speaks for benefits
  visit_concerns      list[(visit id, date, [concern, …])]  visits that noted something, recent first
  counselling_high    list[(session id, date)]   sessions assessed 高
  reports             list[(report id, date)]    mandatory reports about the child (date discovered)
  contact_gap_days    int | None   days since family contact was last due and not made (None: not owed)
  visit_overdue_days  int | None   the most overdue visit owed by a role (None: none owed)
  housing_unsafe      (visit id, date) | None  the latest home visit noted 住房危险
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from .categories import age_on

__all__ = [
    "LEVELS", "RED", "ORANGE", "YELLOW", "PLACES", "Rule", "RULES", "Alert", "AlertSettings",
    "child_alerts", "Deadlines", "deadlines", "escalation", "owner_at", "RED_CONCERNS", "HOUSING_CONCERN",
]

RED, ORANGE, YELLOW = "red", "orange", "yellow"
# level code -> Chinese label, most urgent first (the order alerts are shown in)
LEVELS: Mapping[str, str] = MappingProxyType({RED: "红色预警", ORANGE: "橙色预警", YELLOW: "黄色预警"})
LEVEL_RANK: Mapping[str, int] = MappingProxyType({RED: 0, ORANGE: 1, YELLOW: 2})
PLACES: tuple[str, ...] = ("village", "township", "school", "county")

# Visit concerns that are red alerts (signs of harm) and the one that is dangerous housing.
RED_CONCERNS: tuple[str, ...] = ("疑似受伤", "自伤或轻生言语", "疑似受虐待或欺凌")
HOUSING_CONCERN = "住房危险"
# Events older than this do not open alerts (a first run over years of visits would otherwise raise
# every bruise ever noted); an alert already open stays until someone closes it.
EVENT_WINDOW_DAYS = 90
UNATTENDED_AGE = 8  # 未成年人保护法 Art. 21: 不得使未满八周岁的未成年人处于无人看护状态
CONTACT_GAP_DAYS = 30
VISIT_OVERDUE_DAYS = 30
AT_HOME = "在家"

# Owner chains: the first owns the alert; each missed deadline hands it one step up.
VILLAGE_CHAIN = (("village_director", "village"), ("township_supervisor", "township"), ("protection", "county"))
REPORT_CHAIN = (("township_supervisor", "township"), ("protection", "county"))
# A counselling alert reveals that the child is in counselling: it stays with the confidential
# roles (the school's counsellor, then the county's protection staff).
COUNSELLING_CHAIN = (("counsellor", "school"), ("protection", "county"))


@dataclass(frozen=True)
class Rule:
    code: str
    level: str
    title: str
    basis: str  # the law or policy that makes it an alert
    chain: tuple[tuple[str, str], ...] = VILLAGE_CHAIN
    event: bool = False  # fired by an event (closes only by a person) rather than a state
    confidential: bool = False  # shown only to the roles of its chain


@dataclass(frozen=True)
class Alert:
    code: str
    key: str
    facts: str  # what fired it, in plain Chinese (never counselling text)
    since: date | None = None  # when the event happened, or since when the state holds (if known)

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def level(self) -> str:
        return RULES[self.code].level


_RULES: tuple[Rule, ...] = (
    Rule("unguarded", RED, "无人监护或独居", "未成年人保护法第21条、第22条；国发〔2016〕13号"),
    Rule("unattended_under_8", RED, "未满八周岁无人看护", "未成年人保护法第21条"),
    Rule("visit_harm", RED, "走访发现伤害迹象", "未成年人保护法第11条（发现即报告）", event=True),
    Rule("counselling_high", RED, "心理风险评估为高", "未成年人保护法第30条", COUNSELLING_CHAIN, event=True, confidential=True),
    Rule("report_received", RED, "收到强制报告", "未成年人保护法第11条；《关于建立侵害未成年人案件强制报告制度的意见（试行）》",
         REPORT_CHAIN, event=True),
    Rule("harm_unreported", RED, "伤害迹象超过24小时未强制报告", "未成年人保护法第11条；强制报告制度（发现即报告）", REPORT_CHAIN),
    # 控辍保学: a pupil out of school whose whereabouts nobody knows (002 篇五: 报告乡镇和派出所)
    Rule("pupil_missing", RED, "辍学学生下落不明", "义务教育法第13条；国发〔2016〕13号（控辍保学）", REPORT_CHAIN),
    Rule("carer_unfit", ORANGE, "委托照护人不适格", "未成年人保护法第22条"),
    Rule("no_agreement", ORANGE, "留守儿童未签委托照护协议", "未成年人保护法第22条；国发〔2016〕13号"),
    Rule("housing_unsafe", ORANGE, "住房危险", "国发〔2016〕13号（危房改造优先）"),
    Rule("no_contact", ORANGE, "30天以上无亲情联系", "未成年人保护法第23条"),
    Rule("visit_overdue", YELLOW, "走访逾期30天以上", "民发〔2019〕34号（儿童主任定期走访）"),
    Rule("poor_no_benefit", YELLOW, "困难家庭未享受救助", "国发〔2016〕36号；社会救助暂行办法"),
    Rule("benefit_missing", YELLOW, "符合兜底保障条件未发放", "国发〔2016〕36号；民发〔2019〕62号（应保尽保）"),
)
RULES: Mapping[str, Rule] = MappingProxyType({r.code: r for r in _RULES})


def _under_8_alone(f: Mapping[str, Any], today: date) -> int | None:
    """The child's age if under 8 with neither parent at home and no entrusted carer, else None."""
    birth = f.get("birth_date")
    if birth is None or "father_situation" not in f or "mother_situation" not in f:
        return None
    age = age_on(birth, today)
    nobody = f["father_situation"] != AT_HOME and f["mother_situation"] != AT_HOME and not f.get("carer_name")
    return age if 0 <= age < UNATTENDED_AGE and nobody else None


def _unguarded(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    # The registry's 无人监护 flag also covers "nobody at home"; under 8 that is the more
    # specific alert below (Art. 21), so one child does not get two red alerts for one fact.
    if not (f.get("flag_unguarded") or f.get("living_alone")) or _under_8_alone(f, today) is not None:
        return
    yield Alert("unguarded", "", (f.get("unguarded_reason") or "无人监护") if f.get("flag_unguarded") else "独居")


def _unattended(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    age = _under_8_alone(f, today)
    if age is not None:
        yield Alert("unattended_under_8", "", f"{age}周岁，父母均不在家且没有委托照护人")


def _visit_harm(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    for visit_id, on, concerns in f.get("visit_concerns") or ():
        seen = [c for c in RED_CONCERNS if c in concerns]
        if seen:
            yield Alert("visit_harm", f"visit:{visit_id}", f"{on:%Y-%m-%d} 走访记录：{'、'.join(seen)}", on)


def _counselling(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    for session_id, on in f.get("counselling_high") or ():
        yield Alert("counselling_high", f"counselling:{session_id}", f"{on:%Y-%m-%d} 心理辅导风险评估：高", on)


def _reports(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    for report_id, on in f.get("reports") or ():
        yield Alert("report_received", f"report:{report_id}", f"{on:%Y-%m-%d} 收到强制报告", on)


def _harm_unreported(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    """A visit that noted harm a day or more ago, and no mandatory report about the child since.
    Visits carry a date, not a time: "24 hours" is "the day after"."""
    reported = [on for _, on in f.get("reports") or ()]
    for visit_id, on, concerns in f.get("visit_concerns") or ():
        if (today - on).days >= 1 and any(c in RED_CONCERNS for c in concerns) and not any(r >= on for r in reported):
            yield Alert("harm_unreported", f"visit:{visit_id}", f"{on:%Y-%m-%d} 走访发现伤害迹象，至今未提交强制报告", on)


def _pupil_missing(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    since = f.get("pupil_missing")
    if since is not None:
        yield Alert("pupil_missing", "", f"{since:%Y-%m-%d} 起疑似辍学，下落不明", since)


def _carer_unfit(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    if not f.get("carer_name"):
        return
    why = []
    if f.get("carer_barred"):
        why.append("照护人有未保法第22条所列情形")
    born = f.get("carer_birth_date")
    if born is not None and age_on(born, today) < 18:
        why.append(f"照护人未成年（{age_on(born, today)}周岁）")
    if why:
        yield Alert("carer_unfit", "", "、".join(why))


def _no_agreement(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    if f.get("is_left_behind") and "agreement_date" in f and f.get("agreement_date") is None:
        yield Alert("no_agreement", "", "父母外出务工，未记录委托照护协议签订日期")


def _housing(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    hit = f.get("housing_unsafe")
    if hit:
        visit_id, on = hit
        yield Alert("housing_unsafe", "", f"{on:%Y-%m-%d} 走访记录：住房危险", on)


def _no_contact(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    days = f.get("contact_gap_days")
    if days is not None and days >= CONTACT_GAP_DAYS:
        yield Alert("no_contact", "", f"已{days}天没有父母的亲情联系记录")


def _visit_overdue(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    days = f.get("visit_overdue_days")
    if days is not None and days >= VISIT_OVERDUE_DAYS:
        yield Alert("visit_overdue", "", f"应走访日期已过{days}天")


def _poor_no_benefit(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    # once the county keeps grants, the ledger decides (`_benefit_missing`): one alert for one fact
    if "benefit_missing" in f:
        return
    if f.get("poor_household") and "benefits" in f and not f.get("benefits"):
        yield Alert("poor_no_benefit", "", "低保户或特困户，档案未记录任何已享受的救助")


def _benefit_missing(f: Mapping[str, Any], today: date) -> Iterable[Alert]:
    if f.get("benefit_missing"):
        yield Alert("benefit_missing", "", f"应享未享：{f['benefit_missing']}")


_FIRING: tuple[Callable[[Mapping[str, Any], date], Iterable[Alert]], ...] = (
    _unguarded, _unattended, _visit_harm, _counselling, _reports, _harm_unreported, _pupil_missing, _carer_unfit, _no_agreement, _housing,
    _no_contact, _visit_overdue, _poor_no_benefit, _benefit_missing,
)


def child_alerts(facts: Mapping[str, Any], *, today: date) -> list[Alert]:
    """Every alert the facts raise today, most urgent level first (stable within a level)."""
    out = [a for fire in _FIRING for a in fire(facts, today)]
    out.sort(key=lambda a: LEVEL_RANK[a.level])
    return out


@dataclass(frozen=True)
class AlertSettings:
    """County settings (defaults from the county's protection procedure): 红 acknowledged within
    2 hours and acted on within 24, 橙 acted on within 3 days, 黄 within 7."""
    red_ack: timedelta = timedelta(hours=2)
    red_act: timedelta = timedelta(hours=24)
    orange_act: timedelta = timedelta(days=3)
    yellow_act: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        for name in ("red_ack", "red_act", "orange_act", "yellow_act"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError("预警时限必须大于0")
        if self.red_ack > self.red_act:
            raise ValueError("红色预警的签收时限不能长于处置时限")

    def act(self, level: str) -> timedelta:
        return {RED: self.red_act, ORANGE: self.orange_act, YELLOW: self.yellow_act}[level]


@dataclass(frozen=True)
class Deadlines:
    ack: datetime | None  # by when someone must acknowledge (红 only)
    act: datetime         # by when an action must be recorded


def deadlines(level: str, opened: datetime, settings: AlertSettings = AlertSettings()) -> Deadlines:
    return Deadlines(opened + settings.red_ack if level == RED else None, opened + settings.act(level))


def _steps(level: str, opened: datetime, settings: AlertSettings) -> list[tuple[datetime, str]]:
    """The moments the alert climbs one step if nothing has happened by then, and what must
    have happened: 红 — not acknowledged at the acknowledgement deadline, not acted on at the
    action deadline; 橙/黄 — not acted on at the deadline, and again one period later."""
    d = deadlines(level, opened, settings)
    if level == RED:
        return [(d.ack, "ack"), (d.act, "act")]
    return [(d.act, "act"), (d.act + settings.act(level), "act")]


def escalation(level: str, opened: datetime, *, acknowledged: datetime | None, acted: datetime | None,
               now: datetime, settings: AlertSettings = AlertSettings()) -> tuple[int, datetime | None]:
    """(steps climbed by `now`, when the next step falls due — None if no further step can come).

    A step is missed when, at its moment, what it asks for has not happened (acknowledged or
    acted on before that moment). An acted-on alert climbs no further. Steps are counted in
    order: a step whose moment has not come stops the count."""
    stage = 0
    for at, needs in _steps(level, opened, settings):
        done = acted if needs == "act" else (acknowledged or acted)
        if done is not None and done <= at:
            continue  # this step was met in time
        if at >= now:  # the deadline moment itself is still in time
            return stage, (None if acted is not None else at)
        stage += 1
    return stage, None


def owner_at(rule: Rule, stage: int) -> tuple[str, str]:
    """The (role, place) owning an alert of `rule` after `stage` escalations (the chain's top stays)."""
    return rule.chain[min(stage, len(rule.chain) - 1)]


# What the owner did: the action recorded with the alert (plus a note).
ACTIONS: tuple[str, ...] = ("上门核实", "电话核实", "联系父母", "安排临时照护", "报告公安", "转介救助保护机构", "开立个案", "其他")
