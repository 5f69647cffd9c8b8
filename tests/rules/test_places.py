"""阵地 rules: a place's steps (申报 only with every "六个一" item ticked; 退回 and 停用 say why), which
host holds which kind, when a carer under a care agreement is due for family-education training, and
reading a pasted sign-in list (hypothesis: every child found is a candidate, once, and every name
written is either found, unknown or ambiguous)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import places as P

ALL = dict.fromkeys(P.DEFAULT_CHECKLIST, True)
ITEMS = P.DEFAULT_CHECKLIST


@pytest.mark.parametrize("state, action, kw, target", [
    ("draft", "declare", {"checklist": ALL, "items": ITEMS}, "declared"),
    ("draft", "declare", {"checklist": {}, "items": ()}, "declared"),  # a county with no items asks nothing
    ("declared", "accept", {}, "running"),
    ("declared", "return", {"note": "缺标识牌"}, "draft"),
    ("running", "close", {"note": "房屋维修"}, "closed"),
    ("closed", "reopen", {}, "running"),
])
def test_steps(state, action, kw, target):
    assert P.apply(state, action, **kw) == target


@pytest.mark.parametrize("state, action, kw, field, words", [
    ("draft", "declare", {"checklist": {**ALL, ITEMS[1]: False}, "items": ITEMS}, "checklist", "一块标识牌"),
    ("draft", "declare", {"checklist": {}, "items": ITEMS}, "checklist", "一处固定场所"),
    ("declared", "return", {}, "note", "原因"),
    ("running", "close", {"note": "  "}, "note", "原因"),
    ("draft", "accept", {}, "action", "不能验收通过"),
    ("running", "declare", {"checklist": ALL, "items": ITEMS}, "action", "不能申报验收"),
    ("closed", "close", {"note": "x"}, "action", "不能停用"),
    ("draft", "fly", {}, "action", "未知"),
])
def test_refusals(state, action, kw, field, words):
    with pytest.raises(P.PlaceRuleError) as e:
        P.apply(state, action, **kw)
    assert words in str(e.value) and e.value.field == field


@pytest.mark.parametrize("state, actions", [
    ("draft", ["declare"]), ("declared", ["accept", "return"]), ("running", ["close"]), ("closed", ["reopen"]),
])
def test_allowed_actions(state, actions):
    assert P.allowed_actions(state) == actions


def test_every_action_is_labelled_and_every_state_reachable():
    assert set(P.ACTION_LABELS) == set(P.ACTIONS) and P.COUNTY_ACTIONS < set(P.ACTIONS)
    assert {t for _, t in P.ACTIONS.values()} | {"draft"} == set(P.STATES)


@pytest.mark.parametrize("kind, host, fits", [
    ("station", "township", True), ("station", "village", False), ("children_home", "village", True),
    ("children_home", "school", False), ("counselling_room", "school", True), ("counselling_room", "village", False),
    ("parent_school", "school", True), ("parent_school", "township", True), ("home", "village", True), ("nope", "village", False),
])
def test_hosts(kind, host, fits):
    assert P.host_fits(kind, host) is fits


TODAY = date(2026, 12, 6)


@pytest.mark.parametrize("carer, agreement, last, due", [
    (True, date(2026, 1, 1), None, True),  # never came
    (True, TODAY, None, True),  # signed today: the training belongs to taking the child on
    (True, date(2025, 1, 1), date(2026, 3, 1), False),  # within the year
    (True, date(2025, 1, 1), date(2025, 12, 7), False),  # 364 days ago
    (True, date(2025, 1, 1), date(2025, 12, 5), True),  # past the year
    (False, date(2025, 1, 1), None, False),  # no entrusted carer
    (True, None, None, False),  # no agreement
])
def test_training_due(carer, agreement, last, due):
    assert P.training_due(has_carer=carer, agreement_date=agreement, last_attended=last, today=TODAY) is due


CANDS = [P.Candidate(1, "陆金兰", "42108820180101002X"), P.Candidate(2, "陈小明"), P.Candidate(3, "王芳"), P.Candidate(4, "王芳")]


@pytest.mark.parametrize("text, found, unknown, ambiguous", [
    ("陆金兰\n陈小明", (1, 2), (), ()),
    ("1. 陈小明，2、陆金兰；陈小明", (2, 1), (), ()),  # 序号 skipped, a name twice counted once
    ("42108820180101002x", (1,), (), ()),  # an ID number (lower-case x) finds its child
    ("421088201801010011", (), ("421088…0011",), ()),  # an unknown ID number is shown masked
    ("王芳 张三", (), ("张三",), ("王芳",)),
    ("", (), (), ()),
    ("  ,， 、", (), (), ()),
])
def test_read_list(text, found, unknown, ambiguous):
    assert P.read_list(text, CANDS) == P.ListMatch(found, unknown, ambiguous)


names = st.sampled_from(["陆金兰", "陈小明", "王芳", "张三", "李四", "1.", "2、"])


@given(st.lists(names, max_size=12), st.sampled_from(["\n", "，", " ", "、"]))
def test_read_list_accounts_for_every_name(words, sep):
    m = P.read_list(sep.join(words), CANDS)
    assert len(set(m.found)) == len(m.found) and set(m.found) <= {c.key for c in CANDS}
    written = {w for w in words if not w.rstrip(".、").isdigit()}
    named = {c.name for c in CANDS if c.key in m.found} | set(m.unknown) | set(m.ambiguous)
    assert named == written
