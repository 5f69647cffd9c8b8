"""兜底保障 rules: needs from the registry's facts (the month a child turns 18, the month a parent comes
home), coverage, what a grant pays for a month, the 兜底率, the application's steps and time limits,
and (hypothesis) that a roll's total is the sum of its lines and that coverage never exceeds eligibility."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import benefits as B
from shouhu.rules.categories import ChildFacts, ParentFacts

DEAD = ParentFacts("死亡")
HOME = ParentFacts("在家")


def facts(father=DEAD, mother=DEAD, birth=date(2010, 5, 20), **kw):
    return ChildFacts(birth_date=birth, father=father, mother=mother, **kw)


@pytest.mark.parametrize("basis, needs", [
    (B.Basis(), ()),
    (B.Basis(is_orphan=True), ("orphan",)),
    (B.Basis(is_de_facto=True), ("de_facto",)),
    (B.Basis(poor=True), ("poor",)),
    (B.Basis(disabled=True, disability="肢体三级"), ()),  # neither poor nor severe: no subsidy
    (B.Basis(disabled=True, disability="肢体二级"), ("disability",)),
    (B.Basis(disabled=True, disability="智力四级", poor=True), ("poor", "disability")),
    (B.Basis(is_orphan=True, poor=True), ("orphan", "poor")),
])
def test_needs(basis, needs):
    assert B.needs_of(basis) == needs


@pytest.mark.parametrize("needs, paid, covered, missing", [
    (("orphan",), {"orphan"}, True, ()),
    (("orphan",), {"tekun"}, True, ()),  # 特困供养 covers basic living: not paid twice
    (("orphan",), {"dibao"}, False, ("orphan",)),
    (("de_facto",), set(), False, ("de_facto",)),
    (("poor", "disability"), {"dibao"}, False, ("disability",)),
    (("poor", "disability"), {"tekun", "disability"}, True, ()),
    ((), {"dibao"}, False, ()),  # not eligible: neither covered nor missing
])
def test_coverage(needs, paid, covered, missing):
    c = B.coverage(needs, paid)
    assert (c.covered, c.missing) == (covered, missing)
    assert c.eligible == bool(needs)


@pytest.mark.parametrize("month, needs", [
    (date(2028, 5, 1), ("orphan",)),   # turns 18 on 20 May 2028: still 17 on the 1st, the month is paid
    (date(2028, 5, 31), ("orphan",)),
    (date(2028, 6, 1), ()),            # the next month is not (停发次月)
])
def test_the_month_a_child_turns_18(month, needs):
    assert B.needs_on(facts(), "", month) == needs


def test_the_month_a_parent_comes_home():
    """De facto while the father is in prison ≥ 6 months and the mother dead; once the record says he
    is home, the next month's needs are gone."""
    jailed = facts(father=ParentFacts("服刑在押", date(2024, 1, 10)))
    assert B.needs_on(jailed, "", date(2026, 3, 1)) == ("de_facto",)
    assert B.needs_on(jailed, "", date(2024, 7, 1)) == ()  # not yet 6 months on the 1st of July
    assert B.needs_on(jailed, "", date(2024, 8, 1)) == ("de_facto",)
    home = facts(father=HOME)
    assert B.needs_on(home, "", date(2026, 4, 1)) == ()


@pytest.mark.parametrize("kw, why", [
    ({}, ""),
    ({"active": False}, "已停发或暂停"),
    ({"start": date(2026, 6, 1)}, "不在发放期内"),
    ({"end": date(2026, 4, 1)}, "不在发放期内"),
    ({"birth_date": date(2008, 4, 30)}, "已年满18周岁"),  # 18 on 30 April: May is not paid
    ({"birth_date": date(2008, 5, 2)}, ""),              # 18 on 2 May: May is paid
    ({"needs": ()}, "已不符合条件"),
    ({"kind": "temporary", "needs": ()}, ""),            # 临时救助 needs no standing entitlement
])
def test_payable(kw, why):
    args = {"kind": "orphan", "month": date(2026, 5, 15), "start": date(2026, 1, 1), "end": None, "active": True, "needs": ("orphan",),
            "birth_date": date(2012, 1, 1), **kw}
    assert B.payable(**args) == why


@pytest.mark.parametrize("covered, eligible, rate", [(0, 0, None), (3, 4, 75.0), (4, 4, 100.0), (1, 3, 33.3), (2, 3, 66.6),
                                                     (24945, 24952, 99.9)])
def test_rate(covered, eligible, rate):
    assert B.rate(covered, eligible) == rate


def test_months_of():
    assert B.months_of(date(2026, 11, 15), None, date(2027, 2, 3)) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)]
    assert B.months_of(date(2026, 11, 15), date(2026, 11, 1), date(2027, 2, 3)) == [date(2026, 11, 1)]


@pytest.mark.parametrize("state, action, to", [
    ("applied", "check", "checked"), ("checked", "confirm", "confirmed"), ("confirmed", "publish", "published"),
    ("applied", "reject", "rejected"), ("checked", "reject", "rejected"), ("applied", "withdraw", "withdrawn"),
])
def test_application_steps(state, action, to):
    assert B.apply(state, action) == to


@pytest.mark.parametrize("state, action", [("applied", "confirm"), ("checked", "publish"), ("published", "reject"), ("confirmed", "withdraw")])
def test_steps_out_of_order_are_refused_in_words(state, action):
    with pytest.raises(ValueError, match="不能"):
        B.apply(state, action)


def test_step_limits_count_working_days():
    s = B.ApplicationSettings(check_days=15, confirm_days=15, publicity_days=7)
    # applied on Friday 4 Dec 2026: 15 working days later is Friday 25 Dec
    assert B.step_due("applied", date(2026, 12, 4), s) == date(2026, 12, 25)
    assert B.step_due("confirmed", date(2026, 12, 4), s) == date(2026, 12, 11)
    assert B.step_due("published", date(2026, 12, 4), s) is None
    with pytest.raises(ValueError):
        B.ApplicationSettings(check_days=0)


@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2), max_size=50))
def test_roll_total_is_the_sum_of_its_lines(amounts):
    assert B.roll_total(amounts) == sum(amounts, Decimal("0"))


@given(st.lists(st.tuples(st.sets(st.sampled_from(list(B.NEEDS))), st.sets(st.sampled_from(list(B.KINDS)))), max_size=40))
def test_covered_never_exceeds_eligible(children):
    covs = [B.coverage(tuple(n for n in B.NEEDS if n in needs), paid) for needs, paid in children]
    covered, eligible = sum(c.covered for c in covs), sum(c.eligible for c in covs)
    assert covered <= eligible
    r = B.rate(covered, eligible)
    assert r is None or 0 <= r <= 100
