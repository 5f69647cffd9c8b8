"""控辍保学 rules: the calendar (the 5th school day across a weekend and a holiday, the 1-working-day
report over a weekend and a holiday), the unexcused streak, the case's steps and deadlines — and,
with hypothesis, that no sequence of actions reaches a report without two failed attempts or closes
a returned case before its follow-up."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import dropout as D

# 2026: 10-01..10-07 National Day holiday, 10-10 (Saturday) a make-up school day; 07-11..08-31 summer break
CAL = D.SchoolCalendar(holidays=frozenset(date(2026, 10, d) for d in range(1, 8)), makeup_days=frozenset({date(2026, 10, 10)}),
                       breaks=((date(2026, 7, 11), date(2026, 8, 31)),))
SETTINGS = D.DropoutSettings(calendar=CAL)


@pytest.mark.parametrize("day, school, working", [
    (date(2026, 9, 30), True, True),     # a Wednesday
    (date(2026, 10, 1), False, False),   # National Day
    (date(2026, 10, 3), False, False),   # a Saturday in the holiday
    (date(2026, 10, 10), True, True),    # a Saturday made a working and school day
    (date(2026, 10, 11), False, False),  # a Sunday
    (date(2026, 8, 3), False, True),     # a Monday in the summer break: the township works, the school does not
])
def test_calendar(day, school, working):
    assert (CAL.is_school_day(day), CAL.is_working_day(day)) == (school, working)


def marks(*days, excused=()):
    return {**{d: False for d in days}, **{d: True for d in excused}}


@pytest.mark.parametrize("absent, excused, through, expected", [
    # Thu 09-24, Fri 09-25, (weekend), Mon 09-28, Tue 09-29, Wed 09-30: the 5th school day is the Wednesday
    ([date(2026, 9, 24), date(2026, 9, 25), date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30)], [], date(2026, 9, 30), 5),
    # the same through the Tuesday: 4
    ([date(2026, 9, 24), date(2026, 9, 25), date(2026, 9, 28), date(2026, 9, 29)], [], date(2026, 9, 29), 4),
    # across the National Day holiday: Tue 09-29, Wed 09-30, (10-01..10-07), Thu 10-08, Fri 10-09, Sat 10-10 (make-up day)
    ([date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)], [], date(2026, 10, 10), 5),
    # through a Sunday: counted up to the Saturday make-up day
    ([date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9), date(2026, 10, 10)], [], date(2026, 10, 11), 5),
    # a day present (no mark) ends the streak
    ([date(2026, 9, 24), date(2026, 9, 25), date(2026, 9, 29), date(2026, 9, 30)], [], date(2026, 9, 30), 2),
    # a day of sick leave neither counts nor breaks
    ([date(2026, 9, 24), date(2026, 9, 25), date(2026, 9, 29), date(2026, 9, 30)], [date(2026, 9, 28)], date(2026, 9, 30), 4),
    ([], [], date(2026, 9, 30), 0),
])
def test_unexcused_streak(absent, excused, through, expected):
    s = D.unexcused_streak(marks(*absent, excused=excused), through=through, calendar=CAL)
    assert s.days == expected
    assert (s.since is None) if expected == 0 else (s.since in absent)
    if expected == 5:
        assert s.since == min(absent)  # the streak began on the first day away


@pytest.mark.parametrize("after, n, expected", [
    (date(2026, 9, 25), 1, date(2026, 9, 28)),   # a Friday's next working day is the Monday
    (date(2026, 9, 30), 1, date(2026, 10, 8)),   # across the holiday
    (date(2026, 10, 9), 1, date(2026, 10, 10)),  # the make-up Saturday is a working day
    (date(2026, 9, 30), 3, date(2026, 10, 10)),  # 10-08, 10-09, 10-10
    (date(2026, 8, 3), 1, date(2026, 8, 4)),     # the summer break is working time for the township
])
def test_working_days(after, n, expected):
    assert CAL.add_working_days(after, n) == expected


def test_deadlines():
    opened = date(2026, 9, 30)
    assert D.due("school", entered=opened, settings=SETTINGS) == ("attempts", date(2026, 10, 7))
    assert D.due("school", entered=opened, failed_attempts=1, last_failed_attempt=date(2026, 10, 8), settings=SETTINGS)[0] == "attempts"
    assert D.due("school", entered=opened, failed_attempts=2, last_failed_attempt=date(2026, 10, 9),
                 settings=SETTINGS) == ("report", date(2026, 10, 10))
    assert D.due("reported", entered=date(2026, 9, 30), settings=SETTINGS) == ("start", date(2026, 10, 10))
    assert D.due("township", entered=opened, settings=SETTINGS) is None
    assert D.is_overdue(date(2026, 10, 10), date(2026, 10, 11)) and not D.is_overdue(date(2026, 10, 10), date(2026, 10, 10))


def test_follow_ups_weekly_then_monthly_to_the_term_end():
    sched = D.follow_ups(date(2026, 10, 12), date(2027, 1, 20))
    assert sched[:4] == [date(2026, 10, 19), date(2026, 10, 26), date(2026, 11, 2), date(2026, 11, 9)]
    assert sched[4:] == [date(2026, 12, 9), date(2027, 1, 9)]
    assert D.follow_ups(date(2027, 1, 10), date(2027, 1, 20))[-1] == date(2027, 2, 7)  # the four weekly ones stay
    assert D.follow_up_due(sched, 0) == date(2026, 10, 19) and D.follow_up_due(sched, len(sched)) is None
    assert D.follow_ups(date(2026, 12, 31), date(2027, 6, 30))[4] == date(2027, 2, 28)  # a month after the 28th of January's week


@pytest.mark.parametrize("state, action, kw, expected", [
    ("school", "attempt", {}, "school"),
    ("school", "return", {}, "returned"),
    ("school", "report", {"failed_attempts": 2}, "reported"),
    ("reported", "start", {"heads_named": True}, "township"),
    ("township", "legal", {}, "legal"),
    ("legal", "legal", {}, "legal"),
    ("legal", "return", {}, "returned"),
    ("returned", "follow", {}, "returned"),
    ("returned", "close", {"follow_ups_done": True}, "closed"),
    ("returned", "relapse", {}, "school"),
    ("closed", "relapse", {}, "school"),
    ("township", "resolve", {}, "closed"),
])
def test_each_step(state, action, kw, expected):
    assert D.apply(state, action, **kw) == expected


@pytest.mark.parametrize("state, action, kw, words, field", [
    ("school", "report", {"failed_attempts": 1}, "至少2次（已1次）", "action"),
    ("reported", "start", {}, "七长", "heads"),
    ("returned", "close", {}, "跟踪回访尚未完成", "action"),
    ("school", "start", {"heads_named": True}, "不能启动乡镇劝返", "action"),
    ("closed", "attempt", {}, "不能记录劝返", "action"),
])
def test_refused_in_words(state, action, kw, words, field):
    with pytest.raises(D.DropoutRuleError) as e:
        D.apply(state, action, **kw)
    assert words in str(e.value) and e.value.field == field


@given(st.lists(st.sampled_from(sorted(D.ACTIONS)), max_size=30))
def test_no_sequence_reports_without_two_attempts_or_closes_without_follow_up(actions):
    state, attempts, follows, heads = "school", 0, 0, False
    for a in actions:
        try:
            state2 = D.apply(state, a, failed_attempts=attempts, heads_named=heads, follow_ups_done=follows >= 4)
        except D.DropoutRuleError:
            continue
        if a == "report":
            assert attempts >= 2
        if a == "close":
            assert state == "returned" and follows >= 4
        if a == "start":
            heads = True
        attempts = attempts + 1 if a == "attempt" else (0 if a == "relapse" else attempts)
        follows = follows + 1 if a == "follow" else (0 if a in ("return", "relapse") else follows)
        state = state2
        assert state in D.STATES
        assert D.allowed_actions(state) or state not in D.OPEN_STATES  # an open case always has a way on


def test_every_open_step_can_reach_the_end():
    for state in D.OPEN_STATES:
        assert "return" in D.allowed_actions(state) or "close" in D.allowed_actions(state) or "resolve" in D.allowed_actions(state)
    assert timedelta(days=SETTINGS.attempts_days) == timedelta(days=7)


# -- the month's figures --------------------------------------------------------------------------
OCT1, OCT31 = date(2026, 10, 1), date(2026, 10, 31)


def _d(day, month=10):
    return date(2026, month, day)


@pytest.mark.parametrize("timeline, expected", [
    ([("open", "school", _d(5))], {"opened": 1, "persuading": 1}),
    ([("open", "school", _d(20, 9))], {"persuading": 1}),  # opened before the month, still at school
    ([("open", "school", _d(5)), ("attempt", "school", _d(6)), ("return", "returned", _d(9))], {"opened": 1, "returned": 1, "following": 1}),
    ([("open", "school", _d(1, 9)), ("report", "reported", _d(20, 9)), ("overdue", "reported", _d(3))],
     {"persuading": 1, "overdue": 1, "township_late": 1}),  # the township did not start in time: the veto
    ([("open", "school", _d(1, 9)), ("overdue", "school", _d(3))], {"persuading": 1, "overdue": 1}),  # the school late: no veto
    ([("open", "school", _d(1, 9)), ("missing", "school", _d(8))], {"persuading": 1, "missing": 1}),
    ([("open", "school", _d(1, 9)), ("missing", "school", _d(8)), ("return", "returned", _d(20))], {"returned": 1, "following": 1}),
    ([("open", "school", _d(1, 9)), ("return", "returned", _d(2, 9)), ("close", "closed", _d(15))], {"closed": 1}),
    ([("open", "school", _d(1, 8)), ("resolve", "closed", _d(2, 8))], {}),  # closed before the month: nothing
    ([("open", "school", _d(3, 11))], {}),  # opened after the month: nothing
    ([("open", "school", _d(5)), ("return", "returned", _d(2, 11))], {"opened": 1, "persuading": 1}),  # later steps ignored
    ([("open", "school", _d(1, 9)), ("return", "returned", _d(2, 9)), ("close", "closed", _d(3, 9)), ("relapse", "school", _d(9))],
     {"persuading": 1}),  # a relapse reopens: at school again
])
def test_month_counts(timeline, expected):
    assert D.month_counts(timeline, first=OCT1, last=OCT31) == {k: expected.get(k, 0) for k, _ in D.MONTH_COLUMNS}


@given(st.lists(st.tuples(st.sampled_from([*D.ACTIONS, "open", "overdue", "missing"]), st.sampled_from(sorted(D.STATES)),
                          st.integers(0, 120).map(lambda n: date(2026, 9, 1) + timedelta(days=n))), max_size=12))
def test_month_counts_are_one_case(steps):
    steps.sort(key=lambda s: s[2])
    c = D.month_counts(steps, first=OCT1, last=OCT31)
    assert set(c.values()) <= {0, 1}
    assert c["persuading"] + c["following"] <= 1  # one state at month end
    assert c["missing"] <= c["persuading"] and c["township_late"] <= c["overdue"]
