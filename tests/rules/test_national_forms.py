"""The 统计表 of 民发〔2016〕42号 附件3: its columns and 勾稽关系, over any children."""
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import choices as C
from shouhu.rules import national_forms as N

CUTOFF = date(2016, 7, 31)

children = st.fixed_dictionaries({
    "birth_date": st.dates(min_value=date(2000, 8, 1), max_value=CUTOFF),
    "sex": st.sampled_from(C.SEX),
    "schooling": st.sampled_from(C.SCHOOLING),
    "boarding": st.booleans(),
    "left_behind_kind": st.sampled_from(C.LEFT_BEHIND_KIND),
    "carer_name": st.sampled_from(["", "陆国华"]),
    "carer_relation": st.sampled_from(("",) + C.CARER_RELATION),
    "guardianship": st.sampled_from(C.GUARDIANSHIP),
})


def test_thirty_two_columns_numbered_as_the_notice():
    assert [c.no for c in N.COLUMNS] == list(range(1, 33))
    assert len(N.RELATIONS) == 10


@given(st.lists(children, max_size=60))
def test_every_relation_holds_for_any_children(kids):
    counts = dict.fromkeys((c.key for c in N.COLUMNS), 0)
    for kid in kids:
        if N.counted(kid, CUTOFF):
            for k, v in N.row_of(kid, CUTOFF).items():
                counts[k] += v
    assert all(r["holds"] for r in N.relations(counts)), N.relations(counts)


def test_age_bands_at_the_cut_off():
    kid = {"birth_date": date(2010, 7, 31), "sex": "男"}  # turns 6 on the cut-off date itself: 6（含）—13
    assert N.BY_NO[5].counts(kid, CUTOFF) and N.BY_NO[6].counts(kid, CUTOFF) and not N.BY_NO[2].counts(kid, CUTOFF)
    assert not N.counted({"birth_date": date(2000, 7, 31)}, CUTOFF)  # 16 on the cut-off date: not counted
    assert N.counted({"birth_date": date(2000, 8, 1)}, CUTOFF)


def test_a_broken_relation_is_reported_with_both_sides():
    counts = {"c1": 3, "c2": 1, "c5": 1, "c8": 0}
    first = N.relations(counts)[0]
    assert first == {"text": "1列=2列+5列+8列", "left": 3, "right": 2, "holds": False}


# -- 附件1: the 监护类型 part as tick boxes --------------------------------------------------------------
def test_the_guardianship_choices_are_the_national_forms_and_ours():
    assert N.FORM_TICKS["监护类型"] == C.GUARDIANSHIP and "监护类型" in N.FORM_BOXES


@given(st.sampled_from(C.GUARDIANSHIP))
def test_every_guardianship_choice_prints_as_a_box_and_one_is_ticked(value):
    text = N.tick_text("监护类型", [value])
    assert text.split() == [f"{'☑' if c == value else '□'}{c}" for c in C.GUARDIANSHIP]
