"""Early-warning rules: which facts raise which alert, at every boundary, and the escalation clock."""
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import alerts as A

TODAY = date(2026, 12, 5)
HOME = {"father_situation": "在家", "mother_situation": "在家", "carer_name": ""}
AWAY = {"father_situation": "外出务工", "mother_situation": "外出务工", "carer_name": ""}


def codes(facts, today=TODAY):
    return [(a.code, a.key) for a in A.child_alerts(facts, today=today)]


def born_years_ago(years: int, today=TODAY, days: int = 0) -> date:
    return date(today.year - years, today.month, today.day) + timedelta(days=days)


@pytest.mark.parametrize("facts,expected", [
    ({}, []),
    ({"flag_unguarded": True}, [("unguarded", "")]),
    ({"living_alone": True}, [("unguarded", "")]),
    # under 8 with nobody at home: the one, more specific alert (未保法 Art. 21)
    ({"flag_unguarded": True, "birth_date": born_years_ago(7), **AWAY}, [("unattended_under_8", "")]),
    # the 8th birthday itself: no longer under 8
    ({"flag_unguarded": True, "birth_date": born_years_ago(8), **AWAY}, [("unguarded", "")]),
    ({"birth_date": born_years_ago(8, days=1), **AWAY}, [("unattended_under_8", "")]),  # the day before
    ({"birth_date": born_years_ago(5), **AWAY, "carer_name": "王奶奶"}, []),
    ({"birth_date": born_years_ago(5), **AWAY, "mother_situation": "在家"}, []),
    ({"birth_date": born_years_ago(5), **HOME}, []),
    ({"visit_concerns": [(7, date(2026, 12, 5), ["疑似受伤", "营养不良"])]}, [("visit_harm", "visit:7")]),
    # a pupil out of school whose whereabouts nobody knows (the schooling app's fact)
    ({"pupil_missing": date(2026, 12, 1)}, [("pupil_missing", "")]),
    # a day later and no mandatory report: flagged to the township; a report that day or later clears it
    ({"visit_concerns": [(7, date(2026, 12, 4), ["疑似受伤"])]}, [("visit_harm", "visit:7"), ("harm_unreported", "visit:7")]),
    ({"visit_concerns": [(7, date(2026, 12, 4), ["疑似受伤"])], "reports": [(2, date(2026, 12, 4))]},
     [("visit_harm", "visit:7"), ("report_received", "report:2")]),
    ({"visit_concerns": [(7, date(2026, 12, 4), ["疑似受伤"])], "reports": [(2, date(2026, 12, 3))]},
     [("visit_harm", "visit:7"), ("report_received", "report:2"), ("harm_unreported", "visit:7")]),
    ({"visit_concerns": [(7, date(2026, 12, 1), ["营养不良", "辍学迹象"])]}, []),
    ({"visit_concerns": [(7, date(2026, 12, 5), ["自伤或轻生言语"]), (9, date(2026, 12, 5), ["疑似受虐待或欺凌"])]},
     [("visit_harm", "visit:7"), ("visit_harm", "visit:9")]),
    ({"counselling_high": [(3, date(2026, 12, 2))]}, [("counselling_high", "counselling:3")]),
    ({"reports": [(4, date(2026, 12, 2))]}, [("report_received", "report:4")]),
    ({"carer_name": "张三", "carer_barred": True}, [("carer_unfit", "")]),
    ({"carer_name": "张三", "carer_birth_date": born_years_ago(18, days=1)}, [("carer_unfit", "")]),  # 17 today
    ({"carer_name": "张三", "carer_birth_date": born_years_ago(18)}, []),  # 18 today
    ({"carer_name": "", "carer_barred": True}, []),  # no carer: the unguarded rules speak
    ({"is_left_behind": True, "agreement_date": None}, [("no_agreement", "")]),
    ({"is_left_behind": True, "agreement_date": date(2026, 1, 1)}, []),
    ({"is_left_behind": True}, []),  # not known: no alert
    ({"is_left_behind": False, "agreement_date": None}, []),
    ({"housing_unsafe": (5, date(2026, 11, 30))}, [("housing_unsafe", "")]),
    ({"contact_gap_days": 29}, []),
    ({"contact_gap_days": 30}, [("no_contact", "")]),
    ({"contact_gap_days": None}, []),
    ({"visit_overdue_days": 29}, []),
    ({"visit_overdue_days": 30}, [("visit_overdue", "")]),
    ({"poor_household": True, "benefits": []}, [("poor_no_benefit", "")]),
    ({"poor_household": True, "benefits": ["低保"]}, []),
    ({"poor_household": False, "benefits": []}, []),
])
def test_which_alerts(facts, expected):
    assert codes(facts) == expected


def test_unguarded_says_why():
    (a,) = A.child_alerts({"flag_unguarded": True, "unguarded_reason": "父母均不在家且无委托照护人"}, today=TODAY)
    assert a.facts == "父母均不在家且无委托照护人"
    (a,) = A.child_alerts({"living_alone": True}, today=TODAY)
    assert a.facts == "独居"


def test_most_urgent_first_and_facts_in_plain_chinese():
    found = A.child_alerts({"visit_overdue_days": 40, "contact_gap_days": 45, "living_alone": True}, today=TODAY)
    assert [a.level for a in found] == ["red", "orange", "yellow"]
    assert [a.facts for a in found] == ["独居", "已45天没有父母的亲情联系记录", "应走访日期已过40天"]


def test_counselling_alert_carries_no_counselling_text_and_stays_confidential():
    (a,) = A.child_alerts({"counselling_high": [(3, date(2026, 12, 2))]}, today=TODAY)
    assert a.facts == "2026-12-02 心理辅导风险评估：高"
    assert a.rule.confidential and A.owner_at(a.rule, 0) == ("counsellor", "school")
    assert all(role in ("counsellor", "protection") for role, _ in a.rule.chain)


def test_every_rule_is_fired_by_some_facts_and_has_a_basis():
    fired = {c for facts in [
        {"flag_unguarded": True}, {"birth_date": born_years_ago(3), **AWAY},
        {"visit_concerns": [(1, TODAY - timedelta(days=2), ["疑似受伤"])]}, {"counselling_high": [(1, TODAY)]}, {"reports": [(1, TODAY)]},
        {"carer_name": "x", "carer_barred": True}, {"is_left_behind": True, "agreement_date": None},
        {"housing_unsafe": (1, TODAY)}, {"contact_gap_days": 31}, {"visit_overdue_days": 31},
        {"poor_household": True, "benefits": []}, {"pupil_missing": TODAY}, {"benefit_missing": "孤儿基本生活保障"},
    ] for c, _ in codes(facts)}
    assert fired == set(A.RULES)
    assert all(r.basis and r.title and r.level in A.LEVELS for r in A.RULES.values())


T0 = datetime(2026, 12, 5, 9, 0)
H = timedelta(hours=1)


@pytest.mark.parametrize("level,ack,act,now,expected", [
    # 红: acknowledge within 2 h, act within 24 h
    ("red", None, None, T0 + 2 * H - timedelta(minutes=1), (0, T0 + 2 * H)),
    ("red", None, None, T0 + 2 * H, (0, T0 + 2 * H)),  # the deadline minute itself is still in time
    ("red", None, None, T0 + 2 * H + timedelta(seconds=1), (1, T0 + 24 * H)),
    ("red", T0 + H, None, T0 + 3 * H, (0, T0 + 24 * H)),
    ("red", T0 + 3 * H, None, T0 + 4 * H, (1, T0 + 24 * H)),  # acknowledged late: it did climb
    ("red", T0 + H, None, T0 + 25 * H, (1, None)),
    ("red", None, None, T0 + 25 * H, (2, None)),
    ("red", T0 + H, T0 + 5 * H, T0 + 100 * H, (0, None)),
    ("red", None, T0 + H, T0 + 100 * H, (0, None)),  # acting is acknowledging
    # 橙: act within 3 days, then one more period to the county
    ("orange", None, None, T0 + 72 * H, (0, T0 + 72 * H)),
    ("orange", None, None, T0 + 73 * H, (1, T0 + 144 * H)),
    ("orange", None, None, T0 + 145 * H, (2, None)),
    ("orange", T0 + H, T0 + 80 * H, T0 + 200 * H, (1, None)),
    # 黄: 7 days
    ("yellow", None, None, T0 + timedelta(days=7, seconds=1), (1, T0 + timedelta(days=14))),
    ("yellow", None, T0 + timedelta(days=6), T0 + timedelta(days=30), (0, None)),
])
def test_escalation_at_every_boundary(level, ack, act, now, expected):
    assert A.escalation(level, T0, acknowledged=ack, acted=act, now=now) == expected


def test_owner_chain_climbs_and_stops_at_the_county():
    rule = A.RULES["visit_harm"]
    assert [A.owner_at(rule, s) for s in range(4)] == [
        ("village_director", "village"), ("township_supervisor", "township"), ("protection", "county"), ("protection", "county")]
    assert A.owner_at(A.RULES["report_received"], 0) == ("township_supervisor", "township")


def test_settings_refuse_nonsense():
    with pytest.raises(ValueError):
        A.AlertSettings(red_ack=timedelta(0))
    with pytest.raises(ValueError):
        A.AlertSettings(red_ack=timedelta(hours=30))


moments = st.integers(min_value=0, max_value=400).map(lambda h: T0 + timedelta(hours=h, minutes=7))


@given(level=st.sampled_from(list(A.LEVELS)), ack=st.none() | moments, act=st.none() | moments, a=moments, b=moments)
def test_escalation_never_goes_back_and_stops_once_acted(level, ack, act, a, b):
    early, late = sorted((a, b))
    s1, _ = A.escalation(level, T0, acknowledged=ack, acted=act, now=early)
    s2, nxt = A.escalation(level, T0, acknowledged=ack, acted=act, now=late)
    assert 0 <= s1 <= s2 <= 2
    if act is not None and act <= late:
        assert nxt is None  # an acted-on alert has no further deadline
    if nxt is not None:
        assert nxt >= late  # the next step is not in the past: a periodic job can wait for it


def test_once_the_county_keeps_grants_the_ledger_decides_the_benefit_alert():
    """The record's 已享受救助 raises 困难家庭未享受救助 until the county keeps grants; then the ledger's
    应享未享 does, and a poor household's child gets one alert for one fact."""
    poor = {"poor_household": True, "benefits": []}
    assert [a.code for a in A.child_alerts(poor, today=TODAY)] == ["poor_no_benefit"]
    assert [a.code for a in A.child_alerts({**poor, "benefit_missing": "低保或特困供养（低保户、特困户）"}, today=TODAY)] == ["benefit_missing"]
    assert A.child_alerts({**poor, "benefit_missing": ""}, today=TODAY) == []
