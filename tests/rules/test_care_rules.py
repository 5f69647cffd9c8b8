"""Care-work rules (rules.care, docs/domain.md, "Care work"): visit dues at their boundaries, the one-to-one rule,
family contact, the care month's measures. Pure: no database."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import care as R

TODAY = date(2026, 11, 23)
SINCE = date(2026, 1, 1)
RULES = R.rules_from(R.DEFAULT_VISIT_RULES)


def dues(groups, *, last=None, pairings=(), active=True, rules=RULES, since=SINCE, today=TODAY):
    return {(d.role, d.helper_id): d for d in R.visit_dues(groups=frozenset(groups), active=active, since=since, rules=rules,
                                                           pairings=pairings, last_visits=last or {}, today=today)}


# -- who owes a visit ------------------------------------------------------------------------------
@pytest.mark.parametrize("groups, roles", [
    ({"left_behind"}, {"village_director", "head_teacher"}),
    ({"orphan"}, {"village_director", "township_supervisor"}),
    ({"difficulty"}, {"village_director", "township_supervisor"}),
    ({"parents_imprisoned"}, {"township_supervisor"}),
    ({"poor_guardianship"}, {"village_director"}),
    ({"de_facto", "left_behind"}, {"village_director", "township_supervisor", "head_teacher"}),
    (set(), set()),
])
def test_roles_owed_a_visit_follow_the_groups(groups, roles):
    assert {r for r, _ in dues(groups)} == roles


def test_shortest_interval_wins_and_is_explained():
    d = dues({"left_behind", "poor_guardianship"})[("village_director", None)]
    assert d.interval_days == 30 and d.reason == "监护差"
    assert dues({"left_behind"})[("village_director", None)].interval_days == 90


def test_exited_child_owes_nothing():
    assert dues({"orphan"}, active=False) == {}


@pytest.mark.parametrize("last, expected", [
    (None, SINCE + timedelta(days=30)),                      # never visited: counted from registration
    (date(2026, 11, 1), date(2026, 12, 1)),                  # last visit + 30 days
])
def test_due_date_from_last_visit_or_registration(last, expected):
    lv = {("village_director", None): last} if last else {}
    assert dues({"orphan"}, last=lv)[("village_director", None)].due == expected


def test_a_visit_by_another_role_does_not_count():
    d = dues({"orphan"}, last={("township_supervisor", None): TODAY})[("village_director", None)]
    assert d.last_visit is None and d.due == SINCE + timedelta(days=30)


@pytest.mark.parametrize("due, state", [
    (TODAY - timedelta(days=1), "overdue"),
    (TODAY, "today"),
    (TODAY + timedelta(days=1), "soon"),
    (TODAY + timedelta(days=7), "soon"),
    (TODAY + timedelta(days=8), "ok"),
    (None, "ok"),
])
def test_due_state_boundaries(due, state):
    assert R.due_state(due, TODAY, 7) == state


def test_visit_exactly_interval_days_ago_is_due_today_not_overdue():
    lv = {("village_director", None): TODAY - timedelta(days=30)}
    d = dues({"orphan"}, last=lv)[("village_director", None)]
    assert R.due_state(d.due, TODAY) == "today"
    lv = {("village_director", None): TODAY - timedelta(days=31)}
    assert R.due_state(dues({"orphan"}, last=lv)[("village_director", None)].due, TODAY) == "overdue"


# -- helpers ---------------------------------------------------------------------------------------
def test_each_active_helper_owes_a_visit_from_the_pairing_start():
    ps = [R.PairingFact(7, "一对一", date(2026, 10, 1)), R.PairingFact(8, "一对多", date(2026, 11, 1)),
          R.PairingFact(9, "一对多", date(2026, 1, 1), end=date(2026, 6, 1))]  # ended: owes nothing
    d = dues(set(), pairings=ps)
    assert set(d) == {("helper", 7), ("helper", 8)}
    assert d[("helper", 7)].due == date(2026, 10, 31)
    assert d[("helper", 8)].due == date(2026, 12, 1)


def test_a_helper_visit_before_the_pairing_does_not_count():
    ps = [R.PairingFact(7, "一对一", date(2026, 10, 1))]
    d = dues(set(), pairings=ps, last={("helper", 7): date(2026, 9, 1)})[("helper", 7)]
    assert d.due == date(2026, 10, 31)
    d = dues(set(), pairings=ps, last={("helper", 7): date(2026, 11, 20)})[("helper", 7)]
    assert d.due == date(2026, 12, 20)


def test_future_pairing_owes_nothing_yet():
    assert dues(set(), pairings=[R.PairingFact(7, "一对一", TODAY + timedelta(days=1))]) == {}


def test_rules_without_a_role_or_zero_interval_are_ignored():
    rules = R.rules_from([("village_director", "orphan", 0)])
    assert dues({"orphan"}, rules=rules) == {}


# -- one-to-one --------------------------------------------------------------------------------------
@pytest.mark.parametrize("groups, needed", [
    ({"orphan"}, True), ({"de_facto"}, True), ({"unguarded", "left_behind"}, True),
    ({"left_behind"}, False), ({"difficulty"}, False), ({"poor_guardianship"}, False), (set(), False),
])
def test_one_to_one_is_needed_for_key_children(groups, needed):
    assert R.needs_one_to_one(groups) is needed
    assert R.needs_one_to_one(groups, active=False) is False


@pytest.mark.parametrize("pairings, has", [
    ([R.PairingFact(1, "一对一", TODAY)], True),
    ([R.PairingFact(1, "一对多", TODAY - timedelta(days=9))], False),
    ([R.PairingFact(1, "一对一", TODAY - timedelta(days=9), end=TODAY - timedelta(days=1))], False),
    ([R.PairingFact(1, "一对一", TODAY - timedelta(days=9), end=TODAY)], True),   # ends today: still active
    ([R.PairingFact(1, "一对一", TODAY + timedelta(days=1))], False),
    ([], False),
])
def test_has_one_to_one(pairings, has):
    assert R.has_one_to_one(pairings, TODAY) is has


def test_pairing_warning_only_for_key_children_not_one_to_one():
    assert "孤儿" in R.pairing_warning({"orphan"}, "一对多")
    assert R.pairing_warning({"orphan"}, "一对一") == ""
    assert R.pairing_warning({"left_behind"}, "一对多") == ""


# -- family contact ----------------------------------------------------------------------------------
def test_contact_is_expected_from_parents_away():
    assert R.needs_contact({"left_behind"}) and not R.needs_contact({"orphan"}) and not R.needs_contact({"left_behind"}, active=False)


@pytest.mark.parametrize("last, due", [(None, SINCE + timedelta(days=7)), (date(2026, 11, 20), date(2026, 11, 27))])
def test_contact_due(last, due):
    assert R.contact_due(last_contact=last, since=SINCE) == due


# -- care month --------------------------------------------------------------------------------------
FULL = {"id_number": "x", "hukou_registered": True, "father_situation": "外出务工", "mother_situation": "外出务工",
        "carer_name": "陆国华", "father_phone": "13800000000", "guardianship": "监护情况一般"}


@pytest.mark.parametrize("change, missing", [
    ({}, []),
    ({"id_number": None}, ["公民身份号码"]),
    ({"id_number": None, "hukou_registered": False}, []),       # unregistered children have no ID
    ({"carer_name": ""}, ["委托照护人"]),
    ({"carer_name": "", "mother_situation": "在家"}, []),        # a parent at home is the carer
    ({"father_phone": ""}, ["联系电话"]),
    ({"father_phone": "", "carer_phone": "13900000000"}, []),
    ({"guardianship": ""}, ["监护情况"]),
])
def test_ledger_missing(change, missing):
    assert R.ledger_missing({**FULL, **change}) == missing


S, E = date(2026, 11, 1), date(2026, 11, 30)


@pytest.mark.parametrize("groups, pairings, ticked", [
    ({"left_behind"}, [R.PairingFact(1, "一对多", date(2026, 1, 1))], True),
    ({"orphan"}, [R.PairingFact(1, "一对多", date(2026, 1, 1))], False),          # key child: only one-to-one counts
    ({"orphan"}, [R.PairingFact(1, "一对一", date(2026, 11, 30))], True),         # starts on the last day
    ({"left_behind"}, [R.PairingFact(1, "一对一", date(2026, 1, 1), end=date(2026, 10, 31))], False),  # ended the day before
    ({"left_behind"}, [R.PairingFact(1, "一对一", date(2026, 12, 1))], False),
    ({"left_behind"}, [], False),
])
def test_pairing_measure(groups, pairings, ticked):
    assert R.pairing_measure(groups, pairings, S, E) is ticked


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=1, max_value=400),
       st.one_of(st.none(), st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1))))
def test_due_is_always_interval_after_the_clock_start(since, n, last):
    rules = R.rules_from([("village_director", "orphan", n)])
    lv = {("village_director", None): last} if last else {}
    d = R.visit_dues(groups={"orphan"}, active=True, since=since, rules=rules, pairings=(), last_visits=lv, today=TODAY)[0]
    assert d.due - (last or since) == timedelta(days=n)
    assert R.due_state(d.due, d.due) == "today"
    assert R.due_state(d.due, d.due + timedelta(days=1)) == "overdue"


@given(st.sets(st.sampled_from(sorted(set(R.GROUPS) - {"paired"}))))
def test_every_owed_visit_comes_from_a_rule_that_matches(groups):
    for d in R.visit_dues(groups=groups, active=True, since=SINCE, rules=RULES, pairings=(), last_visits={}, today=TODAY):
        assert any(r.role == d.role and r.group in groups and r.interval_days == d.interval_days for r in RULES)
