"""The labelled generator of the data-quality benchmark (bench/checks_data.py): deterministic for
a seed, clean records and visits raise no finding (so the labels are sound), and every injected
error type is caught at least once on a small sample. Pure: no database."""
from collections import Counter

import pytest

from bench.checks_data import ERRORS, TODAY, generate
from shouhu.rules import quality as Q

N = 3000


@pytest.fixture(scope="module")
def data():
    return generate(N, seed=11, visits_per_child=4)


@pytest.fixture(scope="module")
def found(data):
    out = [f for r in data.records for f in Q.record_findings(r, today=TODAY)]
    out += Q.cross_line_findings(data.pairs)
    out += Q.shared_parent_findings(data.records)
    out += Q.visit_note_findings(data.visits) + Q.visit_burst_findings(data.visits)
    out += Q.visit_date_findings(data.visits, data.registered, TODAY)
    return out


def test_deterministic_for_a_seed():
    a, b = generate(400, seed=3, visits_per_child=2), generate(400, seed=3, visits_per_child=2)
    assert a.records == b.records and a.visits == b.visits and a.pairs == b.pairs
    assert a.record_errors == b.record_errors and a.visit_errors == b.visit_errors
    assert generate(400, seed=4, visits_per_child=2).records != a.records


def test_records_are_keyed_as_the_service_makes_them(data):
    keys = set(data.records[0])
    assert {"id", "village", "school", "school_class", "grade", "school_stage", "class_school", "entered_on"} <= keys
    assert all(set(r) == keys for r in data.records[:200])
    assert set(data.visits[0]) == {"id", "child_id", "visitor", "date", "created_at", "life", "study", "mind", "safety", "carer"}


def test_clean_records_raise_no_record_finding(data):
    clean = [r for r in data.records if r["id"] not in data.record_errors]
    assert len(clean) > N * 0.8
    got = [(f.code, f.field, f.message) for r in clean for f in Q.record_findings(r, today=TODAY)]
    assert got == []


def test_clean_rosters_agree(data):
    clean = [(v, s) for v, s in data.pairs if v["id"] not in data.record_errors]
    assert clean and Q.cross_line_findings(clean) == []


def test_clean_visits_raise_no_visit_finding(data):
    # Alone, the honest visits (traps included) raise nothing: their findings in the full run are
    # only those of honest visits entered in the middle of an injected burst or catch-up day.
    clean = [v for v in data.visits if v["id"] not in data.visit_errors]
    got = Q.visit_burst_findings(clean) + Q.visit_date_findings(clean, data.registered, TODAY)
    assert got == []
    notes = Q.visit_note_findings(clean)
    assert len(notes) <= len(clean) * 0.001, notes[:3]   # a rare honest note matching two others but the name


def test_clean_households_share_nothing(data):
    touched = {i for i, e in data.record_errors.items()}
    clean = [r for r in data.records if r["id"] not in touched]
    assert Q.shared_parent_findings(clean) == []


def test_every_finding_code_is_in_the_catalogue_and_the_mapping(found):
    mapped = {c for e in ERRORS.values() for c in e.primary + e.secondary}
    assert mapped <= set(Q.CATALOGUE)
    assert {f.code for f in found} <= mapped


def test_each_injected_type_is_caught_at_least_once(data, found):
    injected = Counter(t for ts in [*data.record_errors.values(), *data.visit_errors.values()] for t in ts)
    assert set(injected) == set(ERRORS), set(ERRORS) - set(injected)
    caught = set()
    for f in found:
        subject = Q.CATALOGUE[f.code].subject
        labels = data.visit_errors.get(f.record_id, ()) if subject == "visit" else data.record_errors.get(f.child_id, ())
        caught |= {t for t in labels if f.code in ERRORS[t].primary}
    assert caught == set(ERRORS), set(ERRORS) - caught
