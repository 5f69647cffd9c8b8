"""Derived categories (rules.categories, docs/domain.md, "Categories"): every rule and every boundary, table-driven,
plus hypothesis properties. Pure: no database."""
import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from shouhu.rules import choices as C
from shouhu.rules.categories import (
    CategorySettings,
    ChildFacts,
    Derivation,
    ParentFacts,
    age_on,
    derive,
    months_between,
)

AS_OF = date(2025, 9, 1)
BIRTH = date(2015, 5, 8)          # 10 years old on AS_OF
SIX_AGO = date(2025, 3, 1)        # exactly 6 months before AS_OF
ALMOST_SIX = date(2025, 3, 2)     # 5 months 30 days before AS_OF
THREE_AGO = date(2025, 6, 1)      # exactly 3 months before AS_OF
ALMOST_THREE = date(2025, 6, 2)   # 2 months 30 days before AS_OF
LONG_AGO = date(2023, 1, 1)

HOME = ParentFacts()


def P(situation: str, since: date | None = None) -> ParentFacts:
    return ParentFacts(situation, since)


def AWAY(since: date | None = LONG_AGO) -> ParentFacts:
    return P("外出务工", since)


def kid(father: ParentFacts = HOME, mother: ParentFacts = HOME, birth: date = BIRTH, **kw) -> ChildFacts:
    return ChildFacts(birth_date=birth, father=father, mother=mother, **kw)


def case(id, facts, cats=(), *, kind=None, flags=(), difficulty=(), as_of=AS_OF, months=6):
    return pytest.param(facts, as_of, months, set(cats), kind, set(flags), tuple(difficulty), id=id)


def check(d: Derivation, cats, kind, flags, difficulty):
    assert set(d.categories) == cats
    assert d.left_behind_kind == kind
    assert set(d.flags) == flags
    assert d.difficulty_kinds == difficulty
    assert d.active == bool(cats)
    for reason in (*d.categories.values(), *d.flags.values()):
        assert isinstance(reason, str) and reason.strip()


# ── date arithmetic ─────────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("birth,on,age", [
    pytest.param(date(2010, 6, 15), date(2026, 6, 14), 15, id="day-before-16th"),
    pytest.param(date(2010, 6, 15), date(2026, 6, 15), 16, id="16th-birthday"),
    pytest.param(date(2010, 6, 15), date(2026, 6, 16), 16, id="day-after-16th"),
    pytest.param(date(2008, 2, 29), date(2024, 2, 28), 15, id="feb29-leap-16th-day-before"),
    pytest.param(date(2008, 2, 29), date(2024, 2, 29), 16, id="feb29-leap-16th-on"),
    pytest.param(date(2008, 2, 29), date(2026, 2, 28), 17, id="feb29-common-18th-feb28"),
    pytest.param(date(2008, 2, 29), date(2026, 3, 1), 18, id="feb29-common-18th-mar1"),
    pytest.param(date(2015, 5, 8), date(2015, 5, 8), 0, id="day-of-birth"),
    pytest.param(date(2015, 5, 8), date(2015, 5, 7), -1, id="before-birth"),
])
def test_age_on(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize("start,end,months", [
    pytest.param(date(2024, 1, 31), date(2024, 2, 29), 1, id="jan31-to-leap-feb-end-clamped"),
    pytest.param(date(2024, 1, 31), date(2024, 2, 28), 0, id="jan31-to-feb28-in-leap-year"),
    pytest.param(date(2023, 1, 31), date(2023, 2, 28), 1, id="jan31-to-common-feb-end-clamped"),
    pytest.param(date(2024, 3, 31), date(2024, 9, 30), 6, id="31st-to-30-day-month-end"),
    pytest.param(date(2024, 3, 31), date(2024, 9, 29), 5, id="31st-to-day-before-month-end"),
    pytest.param(date(2024, 2, 29), date(2025, 2, 28), 12, id="feb29-to-common-feb28"),
    pytest.param(date(2024, 3, 1), date(2024, 8, 31), 5, id="one-day-short-of-6"),
    pytest.param(date(2024, 3, 1), date(2024, 9, 1), 6, id="exactly-6"),
    pytest.param(ALMOST_SIX, AS_OF, 5, id="5-months-30-days"),
    pytest.param(SIX_AGO, AS_OF, 6, id="6-months-to-as-of"),
    pytest.param(date(2024, 3, 1), date(2024, 3, 1), 0, id="same-day"),
    pytest.param(date(2024, 3, 2), date(2024, 3, 1), 0, id="end-before-start"),
    pytest.param(date(2023, 12, 15), date(2024, 1, 15), 1, id="across-new-year"),
])
def test_months_between(start, end, months):
    assert months_between(start, end) == months


# ── the rule table ──────────────────────────────────────────────────────────────────────────

B16 = date(2010, 6, 15)   # 16th birthday 2026-06-15, 18th birthday 2028-06-15
LEAP = date(2012, 2, 29)  # 16th birthday 2028-02-29 (leap), 18th birthday 2030-03-01 (2030 is common)
DOUBLE = dict(father=AWAY(), mother=AWAY())
ORPHAN = dict(father=P("死亡"), mother=P("死亡"))

CASES = [
    # 农村留守儿童: both away / single / duration threshold / county setting
    case("double-long-ago", kid(**DOUBLE), ["left_behind"], kind="双亲留守"),
    case("double-exactly-6-months", kid(AWAY(SIX_AGO), AWAY(SIX_AGO)), ["left_behind"], kind="双亲留守"),
    case("double-5-months-30-days", kid(AWAY(ALMOST_SIX), AWAY(SIX_AGO))),
    case("double-one-parent-short", kid(AWAY(LONG_AGO), AWAY(ALMOST_SIX))),
    case("double-since-in-future", kid(AWAY(LONG_AGO), AWAY(AS_OF + timedelta(days=1)))),
    case("double-since-missing-counts", kid(AWAY(None), AWAY(None)), ["left_behind"], kind="双亲留守"),
    case("county-3-exactly-3-months", kid(AWAY(THREE_AGO), AWAY(THREE_AGO)), ["left_behind"], kind="双亲留守", months=3),
    case("county-3-2-months-30-days", kid(AWAY(ALMOST_THREE), AWAY(THREE_AGO)), months=3),
    case("county-6-3-months", kid(AWAY(THREE_AGO), AWAY(THREE_AGO)), months=6),
    case("county-3-5-months-30-days", kid(AWAY(ALMOST_SIX), AWAY(ALMOST_SIX)), ["left_behind"], kind="双亲留守", months=3),
    case("single-father-away-mother-ill", kid(AWAY(), P("重病")), ["left_behind"], kind="单亲留守"),
    case("single-mother-away-father-disabled", kid(P("重残"), AWAY()), ["left_behind"], kind="单亲留守"),
    case("single-away-too-short", kid(AWAY(ALMOST_SIX), P("重病"))),
    case("single-away-since-missing", kid(AWAY(None), P("重残")), ["left_behind"], kind="单亲留守"),
    case("one-away-other-home", kid(AWAY(), HOME)),
    case("one-away-other-other", kid(AWAY(), P("其他"))),
    # docs/domain.md, "Categories": one dead + one away is not 留守 (death is not "无监护能力" in 国发〔2016〕13号)
    case("one-dead-one-away-not-left-behind", kid(P("死亡"), AWAY())),
    case("one-declared-missing-one-away", kid(AWAY(), P("宣告失踪"))),
    case("one-away-other-imprisoned", kid(AWAY(), P("服刑在押", LONG_AGO)), flags=["parents_imprisoned"]),
    case("both-home", kid()),
    # 16th birthday
    case("16-day-before", kid(birth=B16, **DOUBLE), ["left_behind"], kind="双亲留守", as_of=date(2026, 6, 14)),
    case("16-on-birthday", kid(birth=B16, **DOUBLE), as_of=date(2026, 6, 15)),
    case("16-day-after", kid(birth=B16, **DOUBLE), as_of=date(2026, 6, 16)),
    case("16-feb29-day-before", kid(birth=LEAP, **DOUBLE), ["left_behind"], kind="双亲留守", as_of=date(2028, 2, 28)),
    case("16-feb29-on", kid(birth=LEAP, **DOUBLE), as_of=date(2028, 2, 29)),
    case("16-but-difficulty-stays", kid(birth=B16, poor_household=True, **DOUBLE), ["difficulty"],
         difficulty=["家庭贫困"], as_of=date(2026, 6, 15)),
    # 18th birthday: everything stops, flags too
    case("18-day-before-orphan", kid(birth=B16, **ORPHAN), ["orphan"], as_of=date(2028, 6, 14)),
    case("18-on-orphan", kid(birth=B16, **ORPHAN), as_of=date(2028, 6, 15)),
    case("18-day-after-orphan", kid(birth=B16, **ORPHAN), as_of=date(2028, 6, 16)),
    case("18-day-before-all", kid(P("服刑在押", LONG_AGO), P("重病"), birth=B16, health="残疾", guardianship="无人监护"),
         ["de_facto", "difficulty"], flags=["parents_imprisoned", "unguarded"], difficulty=["残疾或重病", "监护缺失或不当"],
         as_of=date(2028, 6, 14)),
    case("18-on-all", kid(P("服刑在押", LONG_AGO), P("重病"), birth=B16, health="残疾", guardianship="无人监护"),
         as_of=date(2028, 6, 15)),
    case("18-feb29-feb28-still-17", kid(birth=LEAP, poor_household=True), ["difficulty"], difficulty=["家庭贫困"],
         as_of=date(2030, 2, 28)),
    case("18-feb29-mar1-is-18", kid(birth=LEAP, poor_household=True), as_of=date(2030, 3, 1)),
    case("not-yet-born", kid(birth=AS_OF + timedelta(days=1), **ORPHAN)),
    # 孤儿, and it excludes 事实无人抚养
    case("orphan-both-dead", kid(**ORPHAN), ["orphan"]),
    case("orphan-declared-dead-and-missing", kid(P("宣告死亡"), P("宣告失踪")), ["orphan"]),
    case("orphan-dead-and-declared-missing", kid(P("死亡"), P("宣告失踪")), ["orphan"]),
    case("orphan-age-17-not-left-behind", kid(birth=date(2008, 1, 1), **ORPHAN), ["orphan"]),
    case("one-dead-other-home", kid(P("死亡"), HOME)),
    # 事实无人抚养: each S situation, at once or after 6 months
    *[case(f"de-facto-both-{s}", kid(P(s), P(s)), ["de_facto"]) for s in ("重残", "重病", "被撤销监护资格", "被遣送出境")],
    *[case(f"de-facto-dead-and-{s}", kid(P("死亡"), P(s)), ["de_facto"])
      for s in ("重残", "重病", "被撤销监护资格", "被遣送出境")],
    *[c for s in ("服刑在押", "强制隔离戒毒", "其他限制人身自由", "失联") for c in (
        case(f"de-facto-{s}-exactly-6-months", kid(P(s, SIX_AGO), P("重病")), ["de_facto"],
             flags=["parents_imprisoned"] if s == "服刑在押" else []),
        case(f"de-facto-{s}-5-months-30-days", kid(P(s, ALMOST_SIX), P("重病")),
             flags=["parents_imprisoned"] if s == "服刑在押" else []),
        case(f"de-facto-{s}-no-since", kid(P(s), P("重病")),
             flags=["parents_imprisoned"] if s == "服刑在押" else []),
        case(f"de-facto-declared-missing-and-{s}-6-months", kid(P(s, SIX_AGO), P("宣告失踪")), ["de_facto"],
             flags=["parents_imprisoned"] if s == "服刑在押" else []),
        case(f"de-facto-dead-and-{s}-too-short", kid(P("死亡"), P(s, ALMOST_SIX)),
             flags=["parents_imprisoned"] if s == "服刑在押" else []),
    )],
    case("de-facto-6-months-fixed-not-county-3", kid(P("失联", THREE_AGO), P("重病")), months=3),
    case("de-facto-one-parent-home", kid(P("重病"), HOME)),
    case("de-facto-one-parent-other", kid(P("重病"), P("其他"))),
    case("de-facto-one-parent-away-is-single-left-behind", kid(P("重病"), AWAY()), ["left_behind"], kind="单亲留守"),
    case("de-facto-both-imprisoned", kid(P("服刑在押", LONG_AGO), P("服刑在押", SIX_AGO)), ["de_facto"],
         flags=["parents_imprisoned"]),
    # 困境儿童: each kind
    case("difficulty-poor-household", kid(poor_household=True), ["difficulty"], difficulty=["家庭贫困"]),
    case("difficulty-dibao", kid(benefits=frozenset({"低保"})), ["difficulty"], difficulty=["家庭贫困"]),
    case("difficulty-tekun", kid(benefits=frozenset({"特困供养"})), ["difficulty"], difficulty=["家庭贫困"]),
    case("difficulty-other-benefits-only", kid(benefits=frozenset({"临时救助", "教育资助"}))),
    case("difficulty-disabled", kid(health="残疾"), ["difficulty"], difficulty=["残疾或重病"]),
    case("difficulty-seriously-ill", kid(health="患病", serious_illness=True), ["difficulty"], difficulty=["残疾或重病"]),
    case("difficulty-ill-not-serious", kid(health="患病")),
    case("difficulty-healthy-flag-ignored", kid(health="健康", serious_illness=True)),
    case("difficulty-unguarded-rating", kid(guardianship="无人监护"), ["difficulty"], difficulty=["监护缺失或不当"],
         flags=["unguarded"]),
    case("difficulty-living-alone", kid(living_alone=True), ["difficulty"], difficulty=["监护缺失或不当"], flags=["unguarded"]),
    case("difficulty-abused", kid(abused_or_abandoned=True), ["difficulty"], difficulty=["监护缺失或不当"]),
    case("difficulty-all-three", kid(health="残疾", living_alone=True, benefits=frozenset({"低保"})), ["difficulty"],
         difficulty=["家庭贫困", "残疾或重病", "监护缺失或不当"], flags=["unguarded"]),
    case("several-categories", kid(health="残疾", poor_household=True, **DOUBLE), ["left_behind", "difficulty"],
         kind="双亲留守", difficulty=["家庭贫困", "残疾或重病"]),
    # flags; `active` stays false when only flags apply
    case("flag-imprisoned-only-not-active", kid(P("服刑在押", THREE_AGO), HOME), flags=["parents_imprisoned"]),
    case("flag-mother-imprisoned-no-since", kid(HOME, P("服刑在押")), flags=["parents_imprisoned"]),
    case("flag-no-carer-both-away", kid(**DOUBLE, has_carer=False), ["left_behind"], kind="双亲留守", flags=["unguarded"]),
    case("flag-no-carer-parents-away-short-not-active", kid(AWAY(THREE_AGO), AWAY(THREE_AGO), has_carer=False),
         flags=["unguarded"]),
    case("flag-no-carer-but-parent-home", kid(AWAY(), HOME, has_carer=False)),
    case("flag-poor-guardianship-parent-unable", kid(AWAY(), P("重病"), guardianship="父或母无监护能力"), ["left_behind"],
         kind="单亲留守", flags=["poor_guardianship"]),
    case("flag-poor-guardianship-carer-not-active", kid(AWAY(ALMOST_SIX), AWAY(), guardianship="受委托监护人监护能力不足"),
         flags=["poor_guardianship"]),
    case("flag-guardianship-average", kid(guardianship="监护情况一般")),
]


@pytest.mark.parametrize("facts,as_of,months,cats,kind,flags,difficulty", CASES)
def test_rules(facts, as_of, months, cats, kind, flags, difficulty):
    d = derive(facts, as_of=as_of, settings=CategorySettings(left_behind_min_months=months))
    check(d, cats, kind, flags, difficulty)


def test_default_settings_are_6_months():
    assert CategorySettings().left_behind_min_months == 6
    assert "left_behind" not in derive(kid(AWAY(ALMOST_SIX), AWAY(ALMOST_SIX)), as_of=AS_OF).categories
    assert "left_behind" in derive(kid(AWAY(SIX_AGO), AWAY(SIX_AGO)), as_of=AS_OF).categories


# ── exact reason texts ──────────────────────────────────────────────────────────────────────

@pytest.mark.parametrize("facts,months,code,reason", [
    pytest.param(kid(AWAY(date(2025, 3, 1)), AWAY(date(2024, 11, 10))), 6, "left_behind",
                 "父亲外出务工（自2025-03-01，已满6个月）、母亲外出务工（自2024-11-10，已满6个月）；未满16周岁", id="double"),
    pytest.param(kid(AWAY(THREE_AGO), AWAY(None)), 3, "left_behind",
                 "父亲外出务工（自2025-06-01，已满3个月）、母亲外出务工（外出时间未填）；未满16周岁", id="double-since-missing"),
    pytest.param(kid(P("重残"), AWAY(date(2024, 1, 5))), 6, "left_behind",
                 "父亲重残（无监护能力）、母亲外出务工（自2024-01-05，已满6个月）；未满16周岁", id="single"),
    pytest.param(kid(P("死亡"), P("宣告失踪")), 6, "orphan", "父亲死亡、母亲宣告失踪；未满18周岁", id="orphan"),
    pytest.param(kid(P("服刑在押", date(2024, 2, 1)), P("死亡")), 6, "de_facto",
                 "父亲服刑在押（自2024-02-01，已满6个月）、母亲死亡；未满18周岁", id="de-facto"),
    pytest.param(kid(P("重病"), P("被撤销监护资格")), 6, "de_facto", "父亲重病、母亲被撤销监护资格；未满18周岁",
                 id="de-facto-at-once"),
    pytest.param(kid(health="患病", serious_illness=True, living_alone=True, abused_or_abandoned=True,
                     benefits=frozenset({"特困供养", "低保", "医疗救助"})), 6, "difficulty",
                 "家庭贫困（享受低保、特困供养）；本人患重病；监护缺失或不当（独居、遭受虐待或遗弃）；未满18周岁", id="difficulty"),
    pytest.param(kid(poor_household=True), 6, "difficulty", "家庭贫困（低保户/特困户，尚未享受救助）；未满18周岁",
                 id="difficulty-poor-household"),
    pytest.param(kid(P("服刑在押", date(2024, 2, 1)), P("服刑在押")), 6, "parents_imprisoned",
                 "父亲服刑在押（自2024-02-01）、母亲服刑在押", id="flag-imprisoned"),
    pytest.param(kid(AWAY(), AWAY(), guardianship="无人监护", has_carer=False), 6, "unguarded",
                 "监护情况为无人监护、父母均不在家且无委托照护人", id="flag-unguarded"),
    pytest.param(kid(guardianship="受委托监护人监护能力不足"), 6, "poor_guardianship",
                 "监护情况为受委托监护人监护能力不足", id="flag-poor-guardianship"),
])
def test_reason_texts(facts, months, code, reason):
    d = derive(facts, as_of=AS_OF, settings=CategorySettings(months))
    assert {**d.categories, **d.flags}[code] == reason


# ── validation and enumerations ─────────────────────────────────────────────────────────────

@pytest.mark.parametrize("make", [
    pytest.param(lambda: P("外出打工"), id="unknown-situation"),
    pytest.param(lambda: kid(health="良好"), id="unknown-health"),
    pytest.param(lambda: kid(guardianship="好"), id="unknown-guardianship"),
    pytest.param(lambda: kid(benefits=frozenset({"五保"})), id="unknown-benefit"),
    pytest.param(lambda: kid(benefits="低保"), id="benefits-as-string"),
    pytest.param(lambda: CategorySettings(-1), id="negative-threshold"),
])
def test_invalid_facts_are_rejected(make):
    with pytest.raises(ValueError):
        make()


def test_benefits_accept_any_iterable():
    assert kid(benefits=["低保"]).benefits == frozenset({"低保"})


def test_enumerations():
    assert list(C.CATEGORIES.items()) == [("left_behind", "农村留守儿童"), ("orphan", "孤儿"),
                                          ("de_facto", "事实无人抚养儿童"), ("difficulty", "困境儿童")]
    assert list(C.FLAGS.items()) == [("parents_imprisoned", "父母服刑"), ("unguarded", "无人监护"),
                                     ("poor_guardianship", "监护差")]
    assert C.LEFT_BEHIND_KIND == ("双亲留守", "单亲留守")
    assert C.DIFFICULTY_KIND == ("家庭贫困", "残疾或重病", "监护缺失或不当")
    assert len(C.PARENT_SITUATION) == 14 and C.PARENT_SITUATION[:2] == ("在家", "外出务工")
    for enum in (C.SEX, C.HEALTH, C.HUKOU, C.SCHOOLING, C.PARENT_SITUATION, C.GUARDIANSHIP, C.INCOME_SOURCES,
                 C.BENEFITS, C.CARER_RELATION):
        assert isinstance(enum, tuple) and len(set(enum)) == len(enum)


# ── properties ──────────────────────────────────────────────────────────────────────────────

dates = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))
parents = st.builds(ParentFacts, st.sampled_from(C.PARENT_SITUATION), st.none() | dates)
children = st.builds(
    ChildFacts, birth_date=dates, father=parents, mother=parents,
    health=st.sampled_from(C.HEALTH), serious_illness=st.booleans(), guardianship=st.sampled_from(C.GUARDIANSHIP),
    has_carer=st.booleans(), living_alone=st.booleans(), abused_or_abandoned=st.booleans(),
    benefits=st.frozensets(st.sampled_from(C.BENEFITS)), poor_household=st.booleans(),
)
county = st.builds(CategorySettings, st.integers(min_value=0, max_value=24))


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


@given(dates, dates)
def test_months_between_is_largest_n_with_start_plus_n_not_after_end(start, end):
    n = months_between(start, end)
    assert n >= 0
    if end >= start:
        assert _add_months(start, n) <= end < _add_months(start, n + 1)
    else:
        assert n == 0


@given(dates, dates, st.integers(min_value=0, max_value=400))
def test_months_between_is_monotone_in_end(start, end, days):
    assert months_between(start, end) <= months_between(start, end + timedelta(days=days))


@given(dates, dates)
def test_age_on_matches_birthday_count(birth, on):
    # birthdays passed: the anniversary of 29 Feb in a common year is 1 Mar
    def anniversary(year):
        try:
            return birth.replace(year=year)
        except ValueError:
            return date(year, 3, 1)
    expected = sum(1 for y in range(birth.year + 1, on.year + 1) if anniversary(y) <= on)
    if on >= birth:
        assert age_on(birth, on) == expected


@hsettings(max_examples=300)
@given(children, dates, county)
def test_derivation_invariants(facts, as_of, county_settings):
    d = derive(facts, as_of=as_of, settings=county_settings)
    age = age_on(facts.birth_date, as_of)
    if age >= 18 or facts.birth_date > as_of:
        assert d == Derivation()
    if age >= 16:
        assert "left_behind" not in d.categories
    assert not ("orphan" in d.categories and "de_facto" in d.categories)
    assert set(d.categories) <= set(C.CATEGORIES) and set(d.flags) <= set(C.FLAGS)
    assert list(d.categories) == [c for c in C.CATEGORIES if c in d.categories]
    assert list(d.flags) == [c for c in C.FLAGS if c in d.flags]
    for reason in (*d.categories.values(), *d.flags.values()):
        assert isinstance(reason, str) and reason.strip()
    assert (d.left_behind_kind is not None) == ("left_behind" in d.categories)
    assert d.left_behind_kind in (None, *C.LEFT_BEHIND_KIND)
    assert bool(d.difficulty_kinds) == ("difficulty" in d.categories)
    assert set(d.difficulty_kinds) <= set(C.DIFFICULTY_KIND)
    assert d.active == bool(d.categories)
    if "orphan" in d.categories:
        assert {facts.father.situation, facts.mother.situation} <= {"死亡", "宣告死亡", "宣告失踪"}


@given(children, dates, st.integers(min_value=0, max_value=3000), county)
def test_time_moving_forward(facts, as_of, days, county_settings):
    later = as_of + timedelta(days=days)
    before = derive(facts, as_of=as_of, settings=county_settings)
    after = derive(facts, as_of=later, settings=county_settings)
    if facts.birth_date <= as_of and age_on(facts.birth_date, as_of) >= 16:
        # once the child is 16, time never makes them left-behind again
        assert "left_behind" not in after.categories
    if facts.birth_date <= as_of and age_on(facts.birth_date, later) < 16 and "left_behind" in before.categories:
        # absences only grow: a left-behind child stays so until 16 while the facts hold
        assert "left_behind" in after.categories
    if facts.birth_date <= as_of and age_on(facts.birth_date, later) < 18 and "de_facto" in before.categories:
        assert "de_facto" in after.categories
