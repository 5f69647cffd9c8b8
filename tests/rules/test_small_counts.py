"""Suppression of small counts for statistics-only readers."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhu.rules.small_counts import SMALL, WITHHELD, suppress_column, suppress_count, suppress_table


@pytest.mark.parametrize("n, shown", [(0, 0), (1, SMALL), (2, SMALL), (4, SMALL), (5, 5), (17, 17)])
def test_suppress_count(n, shown):
    assert suppress_count(n) == shown


@pytest.mark.parametrize(
    "rows, total, shown_rows, shown_total",
    [
        # the finding: 无人监护 = 1 in 光荣村, 0 elsewhere → the total is 1 as well
        ([1, 0, 0], 1, [SMALL, 0, 0], SMALL),
        # one small cell and a shown total: the smallest other non-zero row goes with it
        ([1, 8, 12], 21, [SMALL, WITHHELD, 12], 21),
        # two small cells already hide each other
        ([2, 3, 9], 14, [SMALL, SMALL, 9], 14),
        ([0, 0, 0], 0, [0, 0, 0], 0),
        ([5, 6], 11, [5, 6], 11),
    ],
)
def test_suppress_column(rows, total, shown_rows, shown_total):
    assert suppress_column(rows, total) == (shown_rows, shown_total)


def test_suppress_table_keeps_other_keys():
    rows, total = suppress_table([{"total": 3, "x": 0}, {"total": 9, "x": 0}], {"total": 12, "x": 0}, ["total", "x"])
    assert rows == [{"total": SMALL, "x": 0}, {"total": WITHHELD, "x": 0}] and total == {"total": 12, "x": 0}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=8))
def test_no_small_count_can_be_recovered_from_the_total(rows):
    """Whatever the column, a 1–4 never shows, and never follows from the total minus the
    shown rows: the hidden cells are at least two, or the total is hidden too."""
    shown, total = suppress_column(rows, sum(rows))
    assert all(not (isinstance(v, int) and 0 < v < 5) for v in [*shown, total])
    hidden = [i for i, v in enumerate(shown) if not isinstance(v, int)]
    if any(v == SMALL for v in shown) and isinstance(total, int):
        assert len(hidden) >= 2
