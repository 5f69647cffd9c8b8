"""控辍保学 figures (docs/domain.md, "Keeping children in school"): per township and per school, counts
only — never a name — for those who answer for a township or the county (`Role.dropout_figures`):
open cases by step, cases opened this month and this term, how many of the term's cases returned
(复学) and how fast (median days from opening to the return), cases past a deadline by step, and
the one-vote-veto flag (一票否决: 控辍保学 weighs on the county's evaluation of a township, 002 篇五).

The veto flag is raised by what the county can hold a township to: a written report the township
has not acted on within its working days (a case past the `start` deadline), or a pupil whose
whereabouts are unknown. A school's attempts running late are counted but do not raise it: the
school's clock is the school's, told to it by `escalate_dropouts`.

One query over the cases in scope, counted in Python: a county has hundreds of cases a term, not
hundreds of thousands."""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.regions.models import Region, School
from shouhu.rules import dropout as D

from .models import DropoutCase, DropoutStep, SchoolBreak

OPEN_STEPS = tuple(s for s in D.STATES if s in D.OPEN_STATES)  # school … returned, in order
OVERDUE_STEPS = ("school", "reported", "township", "legal", "returned")


@dataclass
class Row:
    """The figures of one township, one school, or the whole scope (`kind`: township, school, total)."""
    kind: str
    key: str
    label: str
    open_by_step: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OPEN_STEPS, 0))
    overdue_by_step: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OVERDUE_STEPS, 0))
    opened_month: int = 0
    opened_term: int = 0
    returned: int = 0  # of the cases opened this term, how many returned to school
    days: list[int] = field(default_factory=list, repr=False)  # opening → return, each returned case
    township_late: int = 0  # past the township's start deadline
    missing: int = 0  # whereabouts unknown, case open
    schools: list["Row"] = field(default_factory=list)

    @property
    def open(self) -> int:
        return sum(self.open_by_step.values())

    @property
    def overdue(self) -> int:
        return sum(self.overdue_by_step.values())

    @property
    def return_rate(self) -> float | None:
        """Percent, one decimal; None when no case was opened this term."""
        return round(100 * self.returned / self.opened_term, 1) if self.opened_term else None

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None

    @property
    def veto(self) -> bool:
        return bool(self.township_late or self.missing)

    def add(self, c: dict, *, today: date, month_start: date, term_start: date) -> None:
        if c["state"] in D.OPEN_STATES:
            self.open_by_step[c["state"]] += 1
            if c["due_on"] is not None and c["due_on"] < today:
                self.overdue_by_step[c["state"]] += 1
                if c["due_kind"] == "start":
                    self.township_late += 1
            if c["whereabouts_unknown"]:
                self.missing += 1
        if c["opened_on"] >= month_start:
            self.opened_month += 1
        if c["opened_on"] >= term_start:
            self.opened_term += 1
            if c["returned_on"] is not None:
                self.returned += 1
                self.days.append((c["returned_on"] - c["opened_on"]).days)


@dataclass
class Figures:
    today: date
    month_start: date
    term_start: date
    total: Row
    townships: list[Row]


def term_start(on: date) -> date:
    """The first day of the term `on` falls in: the day after the last break ended; without the
    county's breaks entered, 1 September or 1 March (the usual start of the two terms)."""
    end = SchoolBreak.objects.filter(end__lt=on).order_by("-end").values_list("end", flat=True).first()
    if end is not None:
        return end + timedelta(days=1)
    if on.month >= 9:
        return date(on.year, 9, 1)
    return date(on.year, 3, 1) if on.month >= 3 else date(on.year - 1, 9, 1)


def dropout_figures(actor, *, today: date | None = None) -> Figures:
    """The figures of the cases the actor's figures roles reach (a township supervisor: the
    township; county education: the county's schools; the county admin: the county)."""
    today = today or timezone.localdate()
    month_start, start = today.replace(day=1), term_start(today)
    cases = (DropoutCase.objects.filter(scope_of(actor).children_q_with("dropout_figures", "child_id"))
             .values("state", "township_code", "school_id", "opened_on", "returned_on", "due_on", "due_kind", "whereabouts_unknown"))
    total = Row("total", "", "合计")
    townships: dict[str, Row] = {}
    schools: dict[tuple[str, int], Row] = {}
    for c in cases.iterator(chunk_size=2000):
        t = townships.get(c["township_code"]) or townships.setdefault(c["township_code"], Row("township", c["township_code"], ""))
        rows = [total, t]
        if c["school_id"]:
            k = (c["township_code"], c["school_id"])
            s = schools.get(k) or schools.setdefault(k, Row("school", str(c["school_id"]), ""))
            rows.append(s)
            if s not in t.schools:
                t.schools.append(s)
        for r in rows:
            r.add(c, today=today, month_start=month_start, term_start=start)
    names = dict(Region.objects.filter(code__in=townships).values_list("code", "name"))
    school_names = dict(School.objects.filter(pk__in={pk for _, pk in schools}).values_list("pk", "name"))
    for code, t in townships.items():
        t.label = names.get(code, code)
        for s in t.schools:
            s.label = school_names.get(int(s.key), s.key)
        t.schools.sort(key=lambda s: (not s.veto, -s.open, s.label))
    return Figures(today, month_start, start, total, sorted(townships.values(), key=lambda t: t.key))


HEADERS = ["乡镇（街道）", "学校", *[f"进行中·{D.STATES[s]}" for s in OPEN_STEPS], "进行中合计", "本月立案", "本学期立案", "本学期立案中已复学",
           "复学率（%）", "立案至复学天数（中位数）", *[f"逾期·{D.STATES[s]}" for s in OVERDUE_STEPS], "乡镇逾期未启动", "下落不明", "一票否决"]


def row_cells(township: str, school: str, r: Row) -> list:
    """One row of the download (HEADERS)."""
    return [township, school, *r.open_by_step.values(), r.open, r.opened_month, r.opened_term, r.returned,
            "" if r.return_rate is None else r.return_rate, "" if r.median_days is None else r.median_days, *r.overdue_by_step.values(),
            r.township_late, r.missing, "是" if r.veto else ""]


def figure_rows(f: Figures):
    """The download's rows: each township, then its schools, then the total."""
    for t in f.townships:
        yield row_cells(t.label, "（全乡镇）", t)
        for s in t.schools:
            yield row_cells(t.label, s.label, s)
    yield row_cells("合计", "", f.total)


def chart_data(f: Figures) -> dict:
    """For the bar chart (static/js/dropout-figures.js): per township, open cases by step and overdue."""
    return {"labels": [t.label for t in f.townships],
            "series": [{"name": D.STATES[s], "data": [t.open_by_step[s] for t in f.townships]} for s in OPEN_STEPS],
            "overdue": [t.overdue for t in f.townships]}


# -- the monthly report's 控辍保学 table (registered with `registry.hooks.register_report_section`)
def _by_case(steps, *, first: date, last: date) -> dict:
    """{key: {MONTH_COLUMNS key: n}} from `steps`: (case id, key, action, state, on) in the case's time order."""
    out: dict = {}
    timeline: list = []
    current = key = None

    def flush():
        if timeline:
            counts = out.setdefault(key, dict.fromkeys((k for k, _ in D.MONTH_COLUMNS), 0))
            for k, n in D.month_counts(timeline, first=first, last=last).items():
                counts[k] += n

    for case_id, k, action, state, on in steps.iterator(chunk_size=2000):
        if case_id != current:
            flush()
            timeline, current, key = [], case_id, k
        timeline.append((action, state, on))
    flush()
    return out


def _steps(*, first: date, last: date, known_at: datetime, key: str, **where):
    return (DropoutStep.objects.filter(case__opened_on__lte=last, on__lte=last, at__lte=known_at, **where)
            .order_by("case_id", "at", "id").values_list("case_id", f"case__{key}", "action", "state", "on"))


def month_by_place(*, village_range: tuple[str, str], first: date, last: date, known_at: datetime) -> dict[str, dict[str, int]]:
    """{place code: {`rules.dropout.MONTH_COLUMNS` key: n}} for the cases placed in `village_range`,
    each read from its timeline as known at `known_at` (`rules.dropout.month_counts`). A pupil
    without a record sits at the school's township (its code padded to twelve digits)."""
    return _by_case(_steps(first=first, last=last, known_at=known_at, key="village_code", case__village_code__range=village_range),
                    first=first, last=last)


def veto_counts(*, first: date, last: date, today: date) -> dict:
    """The 考核's one-vote veto (`rules.evaluation.INDICATORS["dropout"]`): per place and per school,
    the cases whose township was late to start within the period, or whose pupil was missing at its
    end — counted from the timelines like the monthly table."""
    now = timezone.now()
    out = {}
    for part, key in (("places", "village_code"), ("schools", "school_id")):
        counts = _by_case(_steps(first=first, last=last, known_at=now, key=key), first=first, last=last)
        out[part] = {k: (c["township_late"] + c["missing"], 0) for k, c in counts.items() if k is not None}
    return out


# -- open cases by place (the leaders' screen) --------------------------------------------------------
def open_by_unit(*, village_range: tuple[str, str], unit_length: int, today: date | None = None) -> dict[str, dict[str, int]]:
    """{unit: {"open", "overdue"}} of the 控辍保学 cases in progress placed in `village_range` (a
    pupil without a record at the school's township): counts only."""
    today = today or timezone.localdate()
    rows = (DropoutCase.objects.filter(village_code__range=village_range, state__in=list(D.OPEN_STATES))
            .annotate(unit=Substr("village_code", 1, unit_length)).values("unit")
            .annotate(open=Count("*"), overdue=Count("pk", filter=Q(due_on__lt=today))).order_by())
    return {r.pop("unit"): r for r in rows}
