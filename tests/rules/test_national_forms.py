"""The 统计表 of 民发〔2016〕42号 附件3: its columns and 勾稽关系, over any children."""
from datetime import date

import pytest
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


# -- 附件1: 实际监护情况, restated from the parents' situations and the carer ----------------------------
@pytest.mark.parametrize(("father", "mother", "carer", "both", "one", "unable", "entrusted"), [
    ("外出务工", "外出务工", "陆国华", "是", "否", [], "是"),
    ("外出务工", "重病", "", "否", "是", ["母亲"], "否"),
    ("重残", "外出务工", "陆国华", "否", "是", ["父亲"], "是"),
    ("外出务工", "在家", "", "否", "否", [], "否"),
    ("重病", "重残", "", "否", "否", ["父亲", "母亲"], "否"),
    (None, None, None, "否", "否", [], "否"),
])
def test_the_actual_care_lines(father, mother, carer, both, one, unable, entrusted):
    assert N.actual_care(father, mother, carer) == {
        "父母双方同时外出": [both], "父母一方外出、另一方无监护能力": [one], "无监护能力": unable, "父母外出有无委托其他监护人": [entrusted],
    }


def test_the_actual_care_lines_are_form_rows_with_ticks():
    labels = {label for row in N.FORM_ROWS for label in row}
    assert set(N.ACTUAL_CARE) <= labels and set(N.ACTUAL_CARE) <= set(N.FORM_TICKS)
    assert N.tick_text("无监护能力", ["母亲"]) == "父亲（ ） 母亲（√）"
