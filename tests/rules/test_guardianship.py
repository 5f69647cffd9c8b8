"""The guardianship ladder: which rung may come next at every point, refusals in words, and — with
hypothesis — that every accepted sequence climbs in order and nothing follows a ruling of 撤销."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhu.rules import guardianship as G

R = G.Recorded
C, A, F, P = R("criticism"), R("admonition"), R("referral"), R("application")
REVOKED, REJECTED = R("ruling", "revoked"), R("ruling", "rejected")


def test_the_rungs_in_order_with_their_basis():
    assert [r.code for r in G.RUNGS] == ["criticism", "admonition", "referral", "application", "ruling"]
    assert [r.label for r in G.RUNGS][:2] == ["批评教育", "训诫并责令接受家庭教育指导"]
    assert "第118条" in G.RUNG_BY_CODE["admonition"].basis and "家庭教育促进法第49条" in G.RUNG_BY_CODE["admonition"].basis
    assert "民法典第36条" in G.RUNG_BY_CODE["application"].basis and "第108条" in G.RUNG_BY_CODE["application"].basis
    assert set(G.RULING_OUTCOMES.values()) == {"撤销监护资格", "驳回申请"}
    assert set(G.RETURN_OUTCOMES.values()) == {"已返乡", "不愿返回", "无法联系"}


@pytest.mark.parametrize("done,expected", [
    ([], ["criticism"]),
    ([C], ["criticism", "admonition"]),
    ([C, C], ["criticism", "admonition"]),  # repeated
    ([C, A], ["admonition", "referral", "application"]),  # the referral is only for a breach of the law: it may be skipped
    ([C, A, F], ["referral", "application"]),
    ([C, A, P], ["ruling"]),  # the application waits for its ruling
    ([C, A, F, P], ["ruling"]),
    ([C, A, P, REJECTED], ["criticism", "admonition", "referral", "application"]),  # a new round, the required rungs stay done
    ([C, A, P, REJECTED, A], ["admonition", "referral", "application"]),
    ([C, A, P, REVOKED], []),
])
def test_what_may_come_next(done, expected):
    assert G.allowed_next(done) == expected


@pytest.mark.parametrize("done,rung,outcome,words,field", [
    ([], "admonition", "", "须先记录：批评教育", "rung"),
    ([], "application", "", "须先记录：批评教育、训诫并责令接受家庭教育指导", "rung"),
    ([C], "referral", "", "须先记录：训诫并责令接受家庭教育指导", "rung"),
    ([C, A, F], "criticism", "", "不能退回到“批评教育”", "rung"),
    ([C, A, F], "admonition", "", "不能退回", "rung"),
    ([C, A], "ruling", "revoked", "须先记录申请撤销监护资格", "rung"),
    ([C, A, P], "application", "", "请先记录法院判决", "rung"),
    ([C, A, P], "admonition", "", "请先记录法院判决", "rung"),
    ([C, A, P], "ruling", "", "请选择判决结果", "outcome"),
    ([C, A, P], "ruling", "maybe", "请选择判决结果", "outcome"),
    ([C], "admonition", "revoked", "只有法院判决", "outcome"),
    ([C, A, P, REVOKED], "criticism", "", "已被法院撤销", "rung"),
    ([C, A, P, REVOKED], "application", "", "已被法院撤销", "rung"),
    ([], "warning", "", "未知的干预措施", "rung"),
])
def test_refusals_in_words(done, rung, outcome, words, field):
    with pytest.raises(G.GuardianshipRuleError) as e:
        G.check_next(done, rung, outcome)
    assert words in str(e.value) and e.value.field == field


def test_the_whole_ladder_is_accepted():
    assert G.accepts([C, A, F, P, REVOKED])
    assert G.accepts([C, C, A, A, P, REJECTED, P, REVOKED])
    assert not G.accepts([C, P])
    assert not G.accepts([C, A, P, REVOKED, C])


@pytest.mark.parametrize("rung,outcome,expected", [
    ("ruling", "revoked", "被撤销监护资格"), ("ruling", "rejected", None), ("application", "", None), ("criticism", "", None),
])
def test_what_a_record_writes_back(rung, outcome, expected):
    assert G.next_situation(rung=rung, outcome=outcome) == expected


@pytest.mark.parametrize("guardian,outcome,given_date,field", [
    ("other", "returned", True, "guardian"),
    ("father", "", False, "outcome"),
    ("father", "returned", False, "returned_on"),
    ("mother", "refused", True, "returned_on"),
])
def test_return_needs(guardian, outcome, given_date, field):
    with pytest.raises(G.GuardianshipRuleError) as e:
        G.check_return(guardian=guardian, outcome=outcome, returned_on_given=given_date)
    assert e.value.field == field


def test_return_accepted():
    G.check_return(guardian="father", outcome="returned", returned_on_given=True)
    G.check_return(guardian="mother", outcome="unreachable", returned_on_given=False)


RECORDS = st.one_of(st.sampled_from([r.code for r in G.RUNGS if r.code != "ruling"]).map(R),
                    st.sampled_from(list(G.RULING_OUTCOMES)).map(lambda o: R("ruling", o)))


def _respects_the_order(seq: list[G.Recorded]) -> bool:
    """Independent statement of the order: within a round (between rulings) rungs never go down;
    every required rung below one was recorded before it; a ruling follows an application of its
    round; nothing follows a 撤销."""
    seen: set[str] = set()
    floor = 0
    applied = False
    for i, d in enumerate(seq):
        if i and seq[i - 1].rung == "ruling" and seq[i - 1].outcome == "revoked":
            return False
        if d.rung == "ruling":
            if not applied:
                return False
            floor, applied = 0, False
        else:
            if applied or G.ORDER[d.rung] < floor:
                return False
            if any(r.required and r.code not in seen for r in G.RUNGS[:G.ORDER[d.rung]]):
                return False
            floor = G.ORDER[d.rung]
            applied = d.rung == "application"
        seen.add(d.rung)
    return True


@settings(max_examples=400)
@given(st.lists(RECORDS, max_size=12))
def test_random_sequences(seq):
    """Each record is checked against what came before, as the service does: what is accepted keeps
    the order, what respects the order is accepted, and nothing comes after a revocation."""
    done: list[G.Recorded] = []
    for d in seq:
        try:
            G.check_next(done, d.rung, d.outcome)
        except G.GuardianshipRuleError:
            assert not _respects_the_order([*done, d])
            continue
        done.append(d)
        assert _respects_the_order(done)
    if REVOKED in done:
        assert done[-1] == REVOKED and G.allowed_next(done) == []
    assert G.accepts(done)


@given(st.lists(RECORDS, max_size=12))
def test_allowed_next_agrees_with_check_next(done):
    """Over any history (even one the service would not have let through), the page's "next" and the
    service's check agree."""
    allowed = G.allowed_next(done)
    for r in G.RUNGS:
        outcome = "rejected" if r.code == "ruling" else ""
        try:
            G.check_next(done, r.code, outcome)
            assert r.code in allowed
        except G.GuardianshipRuleError:
            assert r.code not in allowed
