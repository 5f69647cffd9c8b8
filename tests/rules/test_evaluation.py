"""考核 rules: periods, the score (rate ÷ target capped, weights of what applies), the veto, the
county's overrides, and (hypothesis) that adding villages up is the same as adding townships up."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import evaluation as E


@pytest.mark.parametrize("year, quarter, bounds", [
    (2026, 1, (date(2026, 1, 1), date(2026, 3, 31))),
    (2026, 4, (date(2026, 10, 1), date(2026, 12, 31))),
    (2026, None, (date(2026, 1, 1), date(2026, 12, 31))),
])
def test_periods(year, quarter, bounds):
    assert E.period_bounds(year, quarter) == bounds
    assert E.parse_period(E.period_key(year, quarter)) == (year, quarter)


@pytest.mark.parametrize("text", ["2026Q5", "Q3", "abc", ""])
def test_bad_periods_are_refused_in_words(text):
    with pytest.raises(ValueError, match="2026Q3"):
        E.parse_period(text)


def test_the_score():
    table = E.specs()
    full = {k: (10, 10) for k, s in table.items() if not s.veto}
    assert E.score(full, table).points == 100.0 and not E.score(full, table).veto
    half_quality = {**full, "quality": (475, 1000)}  # 47.5% of a 95% target: half of 20 points (of 110)
    assert E.score(half_quality, table).points == 90.9 and E.score(half_quality, table).parts["quality"] == 10.0
    no_alerts = {k: v for k, v in full.items() if k != "alerts"}  # nothing to count: neither helps nor hurts
    assert E.score(no_alerts, table).points == 100.0 and E.score(no_alerts, table).parts["alerts"] is None
    assert E.score({**full, "dropout": (1, 0)}, table).veto  # one-vote veto whatever the score
    assert E.score({}, table).points is None


def test_the_county_sets_weights_and_targets():
    table = E.specs({"quality": {"weight": 40, "target": 80}, "dropout": {"weight": 50}, "nonsense": {"weight": 1}})
    assert (table["quality"].weight, table["quality"].target) == (40.0, 80.0)
    assert table["dropout"].veto and table["dropout"].weight == 0 and "nonsense" not in table


counts = st.dictionaries(st.sampled_from(list(E.INDICATORS)), st.tuples(st.integers(0, 50), st.integers(0, 50)), max_size=8)


@given(st.lists(st.lists(counts, max_size=4), max_size=4))
def test_villages_add_up_like_townships(townships):
    by_township = [E.add(*villages) for villages in townships]
    assert E.add(*by_township) == E.add(*[v for villages in townships for v in villages])
