"""Small counts for statistics-only readers (docs/domain.md, "Users and scopes").

A statistics-only reader (the county's partner departments) gets figures, never people. A count
of 1 to 4 in one village (无人监护 = 1 in 光荣村) points at a family everyone there knows, so such
counts are shown as "<5". Zero is shown: it says nobody, which tells nothing about anyone.

Hiding one cell is not enough when the column's total is shown: the total minus the other rows
gives it back. When a column has exactly one hidden small cell, the smallest other non-zero row
is hidden too (as "≥5", which is true), so the two are known only together.

Pure: numbers in, numbers or the two strings out.
"""
from collections.abc import Mapping, Sequence

THRESHOLD = 5
SMALL = "<5"
WITHHELD = "≥5"

__all__ = ["THRESHOLD", "SMALL", "WITHHELD", "suppress_count", "suppress_column", "suppress_table"]


def suppress_count(n: int) -> int | str:
    """1..4 → "<5"; 0 and 5 or more as they are."""
    return SMALL if 0 < n < THRESHOLD else n


def suppress_column(rows: Sequence[int], total: int) -> tuple[list[int | str], int | str]:
    """One column of a table with its total row: the values to show."""
    shown: list[int | str] = [suppress_count(n) for n in rows]
    small = [i for i, v in enumerate(shown) if v == SMALL]
    if len(small) == 1 and suppress_count(total) != SMALL:
        # the smallest other non-zero row, hidden with it; none exists only when the small cell
        # is the total itself, and then the total is hidden too
        others = [i for i, n in enumerate(rows) if i != small[0] and n >= THRESHOLD]
        if others:
            shown[min(others, key=lambda i: rows[i])] = WITHHELD
    return shown, suppress_count(total)


def suppress_table(rows: Sequence[Mapping[str, int]], total: Mapping[str, int],
                   columns: Sequence[str]) -> tuple[list[dict], dict]:
    """Rows and total of {column: count} with every column suppressed; other keys left as they are."""
    out_rows = [dict(r) for r in rows]
    out_total = dict(total)
    for k in columns:
        shown, t = suppress_column([int(r.get(k) or 0) for r in rows], int(total.get(k) or 0))
        for r, v in zip(out_rows, shown, strict=True):
            r[k] = v
        out_total[k] = t
    return out_rows, out_total
