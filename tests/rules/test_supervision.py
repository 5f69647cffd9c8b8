"""督查 rules: a finding's steps (an answer needs a note and evidence, a return a reason), 逾期 by
itself, the seeded sample (the same seed, the same children; hypothesis: always a subset of the
right size), and when a unit's findings call for accountability."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import supervision as S


@pytest.mark.parametrize("state, action, kw, target", [
    ("open", "answer", {"evidence": True, "note": "已补签协议"}, "answered"),
    ("returned", "answer", {"evidence": True, "note": "重新走访并拍照"}, "answered"),
    ("answered", "pass", {}, "passed"),
    ("answered", "return", {"note": "照片看不清签字"}, "returned"),
])
def test_steps(state, action, kw, target):
    assert S.apply(state, action, **kw) == target


@pytest.mark.parametrize("state, action, kw, field, words", [
    ("open", "answer", {"evidence": True}, "note", "请说明整改情况"),
    ("open", "answer", {"note": "改了"}, "files", "佐证材料"),
    ("answered", "return", {}, "note", "退回原因"),
    ("open", "pass", {}, "action", "不能复核通过"),
    ("passed", "answer", {"evidence": True, "note": "x"}, "action", "不能提交整改"),
])
def test_refusals(state, action, kw, field, words):
    with pytest.raises(S.SupervisionRuleError) as e:
        S.apply(state, action, **kw)
    assert words in str(e.value) and e.value.field == field


@pytest.mark.parametrize("state, due, today, late", [
    ("open", date(2026, 10, 19), date(2026, 10, 19), False),  # the last day is still in time
    ("open", date(2026, 10, 19), date(2026, 10, 20), True),
    ("returned", date(2026, 10, 19), date(2026, 10, 20), True),
    ("answered", date(2026, 10, 19), date(2026, 10, 25), False),  # waiting for the review is not the unit's delay
    ("passed", date(2026, 10, 19), date(2026, 10, 25), False),
])
def test_overdue(state, due, today, late):
    assert S.is_overdue(state, due, today) is late


def test_the_deadline_is_eight_days():
    assert S.deadline(date(2026, 10, 11)) == date(2026, 10, 19)  # 002: found 11 October, 整改到位 by the 19th


def test_the_same_seed_draws_the_same_children():
    ids = list(range(100, 160))
    assert S.draw_sample(ids, 5, 42) == S.draw_sample(reversed(ids), 5, 42)
    assert S.draw_sample(ids, 5, 42) != S.draw_sample(ids, 5, 43)
    assert S.draw_sample([3, 1], 5, 1) == [1, 3]


@given(st.sets(st.integers(1, 10_000), max_size=80), st.integers(1, 20), st.integers(0, 2**48))
def test_a_sample_is_a_subset_of_the_right_size(ids, size, seed):
    out = S.draw_sample(ids, size, seed)
    assert set(out) <= ids and len(out) == min(size, len(ids)) and out == sorted(set(out))


def test_mismatches_in_order():
    assert S.mismatches({"agreement": "no", "present": "no", "carer": "yes", "visits": "unknown"}) == ["present", "agreement"]


@pytest.mark.parametrize("records, why", [
    ([], []),
    ([S.UnitRecord("协议未签", "passed", False)], []),
    ([S.UnitRecord("协议未签", "open", True)], ["1项问题逾期未整改"]),
    ([S.UnitRecord("走访不实", "passed", False), S.UnitRecord("走访不实", "open", False)], ["同类问题“走访不实”被发现2次"]),
])
def test_accountability(records, why):
    assert S.calls_for_accountability(records) == why
