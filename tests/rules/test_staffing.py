"""队伍建设 rules: where each post sits, when an appointment is refused, which posts are vacant on a
day (hypothesis: a post is vacant exactly when fewer tenures than required cover the day), and the
turnover figures."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import staffing as R

D = date(2026, 6, 1)
T = R.Tenure


@pytest.mark.parametrize("kind, level, ok", [
    ("village_director", R.VILLAGE, True), ("village_director", R.TOWNSHIP, False),
    ("township_supervisor", R.TOWNSHIP, True), ("township_supervisor", R.VILLAGE, False),
    ("counsellor", R.SCHOOL, True), ("counsellor", R.VILLAGE, False),
    ("social_worker", R.TOWNSHIP, True), ("social_worker", R.COUNTY, True), ("social_worker", R.SCHOOL, False),
])
def test_levels(kind, level, ok):
    if ok:
        R.check_level(kind, level)
    else:
        with pytest.raises(R.StaffingRuleError) as e:
            R.check_level(kind, level)
        assert e.value.field == "place"


def test_unknown_kind():
    with pytest.raises(R.StaffingRuleError, match="请选择岗位"):
        R.check_level("mayor", R.VILLAGE)


@pytest.mark.parametrize("kind, start, others, person, words", [
    ("village_director", D + timedelta(days=1), [], 1, "不能晚于今天"),
    ("village_director", D, [T("village_director", "v", date(2025, 1, 1), None, 2)], 1, "请先办理现任人员离任"),
    ("village_director", D, [T("village_director", "v", date(2025, 1, 1), D + timedelta(days=-1), 2), T("village_director", "v", D, None, 3)], 1,
     "请先办理现任人员离任"),
    ("counsellor", D, [T("counsellor", "s", date(2025, 1, 1), None, 1)], 1, "已有任职记录"),
])
def test_refused_appointments(kind, start, others, person, words):
    with pytest.raises(R.StaffingRuleError, match=words):
        R.check_appointment(kind, start, others, today=D, person=person)


@pytest.mark.parametrize("kind, start, others", [
    ("village_director", D, []),
    ("village_director", D, [T("village_director", "v", date(2025, 1, 1), D, 2)]),  # left the day before: [start, end)
    ("counsellor", D, [T("counsellor", "s", date(2025, 1, 1), None, 2), T("counsellor", "s", date(2025, 3, 1), None, 3)]),  # no limit
    ("social_worker", D - timedelta(days=30), [T("social_worker", "t", date(2025, 1, 1), None, 2)]),
])
def test_allowed_appointments(kind, start, others):
    R.check_appointment(kind, start, others, today=D, person=1)


@pytest.mark.parametrize("start, end, reason, field", [
    (D, D, "", "reason"), (D, D - timedelta(days=1), "resign", "end_on"), (D - timedelta(days=9), D + timedelta(days=1), "resign", "end_on"),
])
def test_refused_ends(start, end, reason, field):
    with pytest.raises(R.StaffingRuleError) as e:
        R.check_end(start, end, reason, today=D)
    assert e.value.field == field


def test_end_on_the_start_day_is_allowed():
    R.check_end(D, D, "transfer", today=D)


@pytest.mark.parametrize("tenures, day, vacant", [
    ([], D, [("village_director", "v1", 1, None), ("township_supervisor", "t1", 1, None), ("counsellor", "school:1", 1, None)]),
    ([T("village_director", "v1", date(2025, 1, 1)), T("township_supervisor", "t1", date(2025, 1, 1)), T("counsellor", "school:1", date(2025, 1, 1))],
     D, []),
    ([T("village_director", "v1", date(2025, 1, 1), date(2026, 5, 1)), T("township_supervisor", "t1", date(2025, 1, 1)),
      T("counsellor", "school:1", date(2025, 1, 1))], D, [("village_director", "v1", 1, date(2026, 5, 1))]),
    # ends on the day: vacant that day; starts after the day: not yet there
    ([T("village_director", "v1", date(2025, 1, 1), D), T("township_supervisor", "t1", D + timedelta(days=1)),
      T("counsellor", "school:1", date(2025, 1, 1))], D, [("village_director", "v1", 1, D), ("township_supervisor", "t1", 1, None)]),
])
def test_vacancies(tenures, day, vacant):
    posts = [("village_director", "v1"), ("township_supervisor", "t1"), ("counsellor", "school:1"), ("social_worker", "t1")]
    assert [(v.kind, v.place, v.short, v.since) for v in R.vacancies(posts, tenures, day)] == vacant


spans = st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(1, 60))).map(
    lambda p: (date(2026, 1, 1) + timedelta(days=p[0]), None if p[1] is None else date(2026, 1, 1) + timedelta(days=p[0] + p[1])))


@given(st.lists(st.tuples(st.sampled_from(["v1", "v2"]), spans), max_size=8), st.integers(0, 90))
def test_a_post_is_vacant_exactly_when_nobody_covers_the_day(rows, offset):
    day = date(2026, 1, 1) + timedelta(days=offset)
    tenures = [T("village_director", place, s, e) for place, (s, e) in rows]
    vacant = {v.place for v in R.vacancies([("village_director", "v1"), ("village_director", "v2")], tenures, day)}
    for place in ("v1", "v2"):
        covered = any(t.place == place and t.start <= day and (t.end is None or day < t.end) for t in tenures)
        assert (place in vacant) == (not covered)


@given(spans, spans)
def test_overlap_is_symmetric(a, b):
    assert R.overlaps(*a, *b) == R.overlaps(*b, *a)


def test_turnover():
    tenures = [T("village_director", "v1", date(2020, 1, 1), date(2026, 3, 1)), T("village_director", "v1", date(2026, 3, 1)),
               T("village_director", "v2", date(2020, 1, 1), date(2025, 12, 31)), T("village_director", "v3", date(2021, 1, 1)),
               T("social_worker", "t1", date(2026, 2, 1), date(2026, 8, 1)), T("social_worker", "t1", date(2026, 1, 1)),
               T("social_worker", "t1", date(2024, 1, 1), date(2025, 6, 1))]
    out = R.turnover(tenures, {"village_director": 4, "township_supervisor": 0}, 2026)
    assert (out["village_director"].ended, out["village_director"].posts, out["village_director"].rate) == (1, 4, 25.0)
    assert out["township_supervisor"].rate is None  # no base
    assert (out["social_worker"].ended, out["social_worker"].posts, out["social_worker"].rate) == (1, 2, 50.0)  # base: held in the year


@given(st.lists(spans, max_size=10), st.integers(1, 20))
def test_turnover_counts_only_the_years_ends(rows, posts):
    tenures = [T("village_director", f"v{i}", s, e) for i, (s, e) in enumerate(rows)]
    t = R.turnover(tenures, {"village_director": posts}, 2026)["village_director"]
    assert t.ended == sum(1 for _, e in rows if e is not None and e.year == 2026)
    assert t.rate == round(100 * t.ended / posts, 1)
