"""The pure rules of the monthly report: months, deadline, lateness, tables and their sums."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.reports import rules


@pytest.mark.parametrize("d,first,last", [
    (date(2026, 2, 14), date(2026, 2, 1), date(2026, 2, 28)),
    (date(2024, 2, 29), date(2024, 2, 1), date(2024, 2, 29)),
    (date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
    (date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 30)),
])
def test_month_bounds(d, first, last):
    assert rules.month_bounds(d) == (first, last)


@pytest.mark.parametrize("d,n,expected", [
    (date(2026, 1, 31), -1, date(2025, 12, 1)),
    (date(2026, 12, 5), 1, date(2027, 1, 1)),
    (date(2026, 3, 15), -14, date(2025, 1, 1)),
    (date(2026, 3, 15), 0, date(2026, 3, 1)),
])
def test_add_months(d, n, expected):
    assert rules.add_months(d, n) == expected


@pytest.mark.parametrize("text,expected", [
    ("2026-03", date(2026, 3, 1)), ("2026-3", date(2026, 3, 1)), (" 2025-12 ", date(2025, 12, 1)),
    ("2026-13", None), ("2026-00", None), ("202603", None), ("", None), (None, None), ("abcd-ef", None), ("1999-01", None),
])
def test_parse_month(text, expected):
    assert rules.parse_month(text) == expected


@pytest.mark.parametrize("month,day,expected", [
    (date(2026, 3, 1), 5, date(2026, 4, 5)),
    (date(2026, 12, 1), 5, date(2027, 1, 5)),
    (date(2026, 1, 1), 31, date(2026, 2, 28)),   # clamped to February's length
    (date(2026, 1, 1), 0, date(2026, 2, 1)),
])
def test_deadline(month, day, expected):
    assert rules.deadline(month, day) == expected


M = date(2026, 3, 1)


@pytest.mark.parametrize("submitted_on,today,expected", [
    (None, date(2026, 3, 31), "pending"),
    (None, date(2026, 4, 5), "pending"),       # the deadline day itself is not late
    (None, date(2026, 4, 6), "late"),
    (date(2026, 4, 2), date(2026, 4, 20), "submitted"),
    (date(2026, 4, 5), date(2026, 4, 20), "submitted"),
    (date(2026, 4, 6), date(2026, 4, 20), "submitted_late"),
])
def test_submission_status(submitted_on, today, expected):
    assert rules.submission_status(M, submitted_on, today, 5) == expected
    assert expected in rules.STATUS_LABELS


@pytest.mark.parametrize("today,closed", [(date(2026, 3, 31), False), (date(2026, 4, 1), True), (date(2026, 3, 1), False)])
def test_month_closed(today, closed):
    assert rules.month_closed(M, today) is closed


@pytest.mark.parametrize("counts,expected", [
    ({}, [[rules.AWAY_ANY, "有父母外出务工"]]),
    ({"浙江": 2, "广东": 5, "": 1}, [[rules.AWAY_ANY, "有父母外出务工"], ["广东", "广东"], ["浙江", "浙江"], ["", rules.NO_PROVINCE]]),
    ({"浙江": 2, "江苏": 2}, [[rules.AWAY_ANY, "有父母外出务工"], ["江苏", "江苏"], ["浙江", "浙江"]]),
])
def test_province_columns(counts, expected):
    assert rules.province_columns(counts) == expected


def test_build_table_fills_zeros_and_totals():
    t = rules.build_table("categories", [["total", "在册"], ["orphan", "孤儿"]], [["a", "甲村"], ["b", "乙村"]],
                          {"a": {"total": 3, "orphan": 1}, "x": {"total": 9}}, node=["t", "某镇"], unit_label="村（社区）")
    assert t["rows"] == [{"code": "a", "label": "甲村", "counts": {"total": 3, "orphan": 1}},
                         {"code": "b", "label": "乙村", "counts": {"total": 0, "orphan": 0}}]
    assert t["total"] == {"code": "t", "label": "合计", "counts": {"total": 3, "orphan": 1}}
    assert rules.sum_mismatches(t) == []
    assert rules.total_mismatches(t, {"total": 12, "orphan": 1}) == ["分类统计·在册：合计 3 ≠ 直接统计 12"]
    t["total"]["counts"]["orphan"] = 2
    assert rules.sum_mismatches(t) == ["分类统计·孤儿：合计 2 ≠ 各行之和 1"]


counts_st = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.dictionaries(st.sampled_from(["x", "y"]), st.integers(0, 10_000)))


@given(counts_st)
def test_build_table_total_is_always_the_row_sum(counts):
    t = rules.build_table("k", [["x", "X"], ["y", "Y"]], [["a", "A"], ["b", "B"], ["c", "C"]], counts, node=["n", "N"], unit_label="u")
    assert rules.sum_mismatches(t) == []
    for k in ("x", "y"):
        assert t["total"]["counts"][k] == sum(c.get(k, 0) for c in counts.values())


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)), st.integers(1, 31))
def test_month_properties(d, day):
    first, last = rules.month_bounds(d)
    assert first <= d <= last and (last + timedelta(days=1)).day == 1 and first.day == 1
    assert rules.parse_month(rules.format_month(d)) == first
    assert rules.previous_month(d) < first <= rules.add_months(d, 0)
    due = rules.deadline(d, day)
    assert rules.add_months(d, 1) <= due < rules.add_months(d, 2)
    assert rules.submission_status(d, None, due, day) == "pending"
    assert rules.submission_status(d, None, due + timedelta(days=1), day) == "late"
