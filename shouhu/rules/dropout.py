"""控辍保学 (keeping children in school; docs/domain.md, "Keeping children in school"), pure: the
school calendar (school days, working days), the count of consecutive unexcused school days, the
steps of a suspected-dropout case and their deadlines, and the follow-up after a return. Plain data
in, plain data out; the schooling app stores absences and cases.

The procedure (002 篇五; 义务教育法 Art. 5, 13, 58; the county's 控辍保学 rules):
  school     学校劝返     a pupil absent without leave for a week (5 school days, a county setting), or
                          shown as 辍学 on the roster, or registered and of school age but on no roster,
                          or noticed on a visit: the school tries to bring the pupil back — at least two
                          attempts (上门 / 电话 / 约谈), within 7 days
  reported   已书面上报    after the second failed attempt the school reports in writing to the township
                          government and the county education bureau, within 1 working day
  township   乡镇劝返     the township starts 劝返复学 within 3 working days and names the 七长 for this
                          child (县长、局长、乡镇长、校长、村长、师长、家长)
  legal      依法督促     parents refuse: 批评教育, then a written order to correct within a time limit
                          (责令限期改正, 义务教育法 Art. 58)
  returned   已复学       back in school with a placement (随班就读, 送教上门, special school, vocational);
                          followed weekly for a month, then monthly to the end of the term
  closed     已结案       the follow-up ended, or a lawful outcome was recorded (transferred, moved out of
                          the county with the receiving school confirmed, deceased, past compulsory age)
A pupil who drops out again after a return reopens the case at the school's step (relapse). A pupil
whose whereabouts are unknown is reported to the township and the police station (and raises a
protection alert) at whatever step the case is.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import MappingProxyType


# -- the calendar --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SchoolCalendar:
    """The county's calendar: public holidays (法定节假日, no work and no school), make-up working days
    on a weekend (调休上班, work and school), and school breaks (寒暑假: work, no school)."""
    holidays: frozenset[date] = frozenset()
    makeup_days: frozenset[date] = frozenset()
    breaks: tuple[tuple[date, date], ...] = ()

    def is_working_day(self, d: date) -> bool:
        return d in self.makeup_days or (d.weekday() < 5 and d not in self.holidays)

    def in_break(self, d: date) -> bool:
        return any(lo <= d <= hi for lo, hi in self.breaks)

    def is_school_day(self, d: date) -> bool:
        return self.is_working_day(d) and not self.in_break(d)

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th working day after `d` (n ≥ 1): "within 1 working day" of a Friday is the Monday."""
        while n > 0:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d

    def school_days_back(self, through: date, limit: int = 400):
        """School days from `through` backwards (at most `limit` calendar days back)."""
        d = through
        for _ in range(limit):
            if self.is_school_day(d):
                yield d
            d -= timedelta(days=1)


# -- absences ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Streak:
    days: int  # consecutive unexcused school days
    since: date | None  # the first of them


def unexcused_streak(marks: Mapping[date, bool], *, through: date, calendar: SchoolCalendar) -> Streak:
    """Consecutive school days up to `through` on which the pupil was absent without leave.

    `marks`: the days the pupil was marked absent → excused (请假) or not (旷课). Attendance is kept
    by exception: a school day with no mark is a day present, and ends the streak. An excused day
    neither counts nor ends it (a 旷课 week around a day of sick leave is still a week away)."""
    days, since = 0, None
    for d in calendar.school_days_back(through):
        if d not in marks:
            break
        if marks[d]:  # excused: skipped
            continue
        days, since = days + 1, d
    return Streak(days, since)


# -- the case ----------------------------------------------------------------------------------------
STATES: Mapping[str, str] = MappingProxyType({
    "school": "学校劝返", "reported": "已书面上报", "township": "乡镇劝返", "legal": "依法督促", "returned": "已复学", "closed": "已结案",
})
STATE_CHOICES = tuple(STATES.items())
OPEN_STATES = frozenset(STATES) - {"closed"}

TRIGGERS: Mapping[str, str] = MappingProxyType({
    "absence": "连续旷课", "roster": "学籍显示辍学或休学", "unrostered": "适龄未在学籍", "visit": "走访发现辍学迹象", "manual": "人工登记",
})
ATTEMPT_MODES: tuple[str, ...] = ("上门", "电话", "约谈")
ATTEMPTS_BEFORE_REPORT = 2
# the seven responsible people of "七长负责制" (002 篇五)
SEVEN_HEADS: Mapping[str, str] = MappingProxyType({
    "county": "县长", "bureau": "教育局长", "township": "乡镇长", "principal": "校长", "village": "村长", "teacher": "班主任（师长）",
    "parent": "家长",
})
LEGAL_STEPS: Mapping[str, str] = MappingProxyType({"criticism": "批评教育", "order": "责令限期改正（书面通知）"})
PLACEMENTS: tuple[str, ...] = ("随班就读", "送教上门", "特殊教育学校", "职业学校", "其他")
OUTCOMES: Mapping[str, str] = MappingProxyType({
    "transferred": "已转学（县内）", "moved": "迁出本县（接收学校已确认）", "deceased": "死亡", "aged_out": "已完成义务教育或超龄",
    "not_dropout": "核实不属于辍学",
})

# action -> (from states, to state)
ACTIONS: Mapping[str, tuple[frozenset[str], str]] = MappingProxyType({
    "attempt": (frozenset({"school"}), "school"),  # a failed attempt; the state stays (a successful one is "return")
    "report": (frozenset({"school"}), "reported"),  # after ATTEMPTS_BEFORE_REPORT failed attempts
    "start": (frozenset({"reported"}), "township"),  # with the 七长 named
    "legal": (frozenset({"township", "legal"}), "legal"),
    "return": (frozenset({"school", "reported", "township", "legal"}), "returned"),
    "follow": (frozenset({"returned"}), "returned"),
    "close": (frozenset({"returned"}), "closed"),  # the follow-up ended
    "resolve": (frozenset({"school", "reported", "township", "legal", "returned"}), "closed"),  # a lawful outcome
    "relapse": (frozenset({"returned", "closed"}), "school"),
})
# the step's main action (the page's primary button)
NEXT: Mapping[str, str] = MappingProxyType({
    "school": "attempt", "reported": "start", "township": "return", "legal": "return", "returned": "follow",
})
ACTION_LABELS: Mapping[str, str] = MappingProxyType({
    "attempt": "记录劝返", "report": "书面上报", "start": "启动乡镇劝返", "legal": "依法督促", "return": "复学", "follow": "跟踪回访",
    "close": "结案", "resolve": "记录其他结果", "relapse": "再次辍学",
})


# what else the timeline shows
EVENT_LABELS: Mapping[str, str] = MappingProxyType({"open": "立案", "overdue": "超过时限", "missing": "下落不明"})


def step_label(action: str) -> str:
    return ACTION_LABELS.get(action) or EVENT_LABELS.get(action, action)


class DropoutRuleError(ValueError):
    """An action the case's step does not allow, or one missing what it needs (Chinese, for the user)."""

    def __init__(self, message: str, *, field: str = "action"):
        super().__init__(message)
        self.field = field


def apply(state: str, action: str, *, failed_attempts: int = 0, heads_named: bool = False, follow_ups_done: bool = False) -> str:
    """The step after `action`, or DropoutRuleError in words: a report needs two failed attempts; the
    township's start needs the 七长; closing after a return needs the follow-up done."""
    if state not in STATES:
        raise DropoutRuleError(f"未知的状态：{state}")
    if action not in ACTIONS:
        raise DropoutRuleError(f"未知的操作：{action}")
    sources, target = ACTIONS[action]
    if state not in sources:
        raise DropoutRuleError(f"处于“{STATES[state]}”时不能{ACTION_LABELS[action]}")
    if action == "report" and failed_attempts < ATTEMPTS_BEFORE_REPORT:
        raise DropoutRuleError(f"学校须先劝返至少{ATTEMPTS_BEFORE_REPORT}次（已{failed_attempts}次）才能书面上报")
    if action == "start" and not heads_named:
        raise DropoutRuleError("请填写“七长”责任人", field="heads")
    if action == "close" and not follow_ups_done:
        raise DropoutRuleError("复学后的跟踪回访尚未完成，不能结案")
    return target


def allowed_actions(state: str) -> list[str]:
    return [a for a, (sources, _) in ACTIONS.items() if state in sources]


@dataclass(frozen=True)
class DropoutSettings:
    """County settings: the streak that opens a case, the school's time for its attempts, the
    report's and the township's working days, the follow-up rhythm."""
    streak_days: int = 5
    attempts_days: int = 7
    report_working_days: int = 1
    township_working_days: int = 3
    weekly_follow_ups: int = 4
    calendar: SchoolCalendar = field(default_factory=SchoolCalendar)


def due(state: str, *, entered: date, last_failed_attempt: date | None = None, failed_attempts: int = 0,
        settings: DropoutSettings = DropoutSettings()) -> tuple[str, date] | None:
    """(what is due next, by when) for a case in `state` since `entered`; None when nothing is timed."""
    cal = settings.calendar
    if state == "school":
        if failed_attempts >= ATTEMPTS_BEFORE_REPORT and last_failed_attempt is not None:
            return "report", cal.add_working_days(last_failed_attempt, settings.report_working_days)
        return "attempts", entered + timedelta(days=settings.attempts_days)
    if state == "reported":
        return "start", cal.add_working_days(entered, settings.township_working_days)
    return None  # township and legal: their own dates (the notice's time limit); returned: `follow_ups`


def follow_ups(returned_on: date, term_end: date, settings: DropoutSettings = DropoutSettings()) -> list[date]:
    """The follow-up dates after a return: weekly for the first month (four weeks), then monthly to
    the end of the term (a date past the term's end is dropped; at least the weekly ones remain)."""
    out = [returned_on + timedelta(weeks=i) for i in range(1, settings.weekly_follow_ups + 1)]
    d = out[-1]
    while True:
        d = _add_month(d)
        if d > term_end:
            break
        out.append(d)
    return out


def _add_month(d: date) -> date:
    y, m = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    for day in (d.day, 30, 29, 28):
        try:
            return date(y, m, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def follow_up_due(schedule: Iterable[date], done: int) -> date | None:
    """The next follow-up date after `done` were made; None when all are done."""
    rest = list(schedule)[done:]
    return rest[0] if rest else None


DUE_LABELS: Mapping[str, str] = MappingProxyType({
    "attempts": "学校劝返（至少两次）", "report": "书面上报乡镇和县教育局", "start": "乡镇启动劝返复学", "follow": "跟踪回访",
})


def is_overdue(due_on: date | None, now: datetime | date) -> bool:
    today = now.date() if isinstance(now, datetime) else now
    return due_on is not None and due_on < today


# -- the month's figures (the 控辍保学 table of the monthly report) ---------------------------------
# Counted from each case's timeline as of the month's last day, so a month reads the same later
# (the township's submission freezes it like the rest of the report).
MONTH_COLUMNS: tuple[tuple[str, str], ...] = (
    ("opened", "本月立案"), ("returned", "本月复学"), ("closed", "本月结案"), ("persuading", "月末劝返中"),
    ("following", "月末复学跟踪"), ("overdue", "本月逾期"), ("township_late", "乡镇逾期未启动"), ("missing", "月末下落不明"),
)
PERSUADING = frozenset({"school", "reported", "township", "legal"})


def month_counts(timeline: Iterable[tuple[str, str, date]], *, first: date, last: date) -> dict[str, int]:
    """One case's part (0 or 1 per `MONTH_COLUMNS` key) in the month first..last. `timeline`:
    the case's steps (action, state after it, day) in time order; steps after `last` are ignored.
    A case not yet open at `last`, or closed before `first`, counts nothing."""
    out = dict.fromkeys((k for k, _ in MONTH_COLUMNS), 0)
    state, missing, seen = None, False, False
    for action, after, on in timeline:
        if on > last:
            break
        seen = True
        inside = on >= first
        if action == "open" and inside:
            out["opened"] = 1
        if inside and after == "returned" and state in PERSUADING:
            out["returned"] = 1
        if inside and after == "closed" and state != "closed":
            out["closed"] = 1
        if inside and action == "overdue":
            out["overdue"] = 1
            if after == "reported":  # the township has the written report and has not started
                out["township_late"] = 1
        if action == "missing":
            missing = True
        elif after in ("returned", "closed"):
            missing = False
        state = after
    if not seen:
        return out
    out["persuading"] = int(state in PERSUADING)
    out["following"] = int(state == "returned")
    out["missing"] = int(missing and state in PERSUADING)
    return out
