"""The protection case's steps: every action at every step, the approvals, the timers, and —
with hypothesis — that no sequence of actions skips a required step or strands a case."""
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shouhu.rules import cases as C

T0 = datetime(2026, 12, 5, 9, 0)


@pytest.mark.parametrize("state,action,expected", [
    ("reported", "respond", "responded"),
    ("responded", "place", "placed"),
    ("placed", "assess", "assessed"),
    ("assessed", "submit_plan", "planning"),
    ("planning", "approve_plan", "following"),
    ("planning", "return_plan", "assessed"),
    ("following", "review", "following"),
    ("following", "place", "placed"),  # moved: placed again, then reassessed
    ("following", "request_close", "closing"),
    ("closing", "approve_close", "closed"),
    ("closing", "return_close", "following"),
    ("closed", "revisit", "revisited"),
])
def test_each_step(state, action, expected):
    assert C.apply(state, action) == expected


@pytest.mark.parametrize("state,action", [
    ("reported", "place"), ("reported", "assess"), ("responded", "assess"), ("placed", "submit_plan"), ("assessed", "request_close"),
    ("following", "approve_close"), ("closed", "respond"), ("revisited", "revisit"), ("planning", "request_close"),
])
def test_skipping_a_step_is_refused_in_words(state, action):
    with pytest.raises(C.CaseRuleError) as e:
        C.apply(state, action)
    assert C.STATES[state] in str(e.value) and C.ACTION_LABELS[action] in str(e.value)


def test_nobody_approves_their_own_request():
    with pytest.raises(C.CaseRuleError, match="提交人以外"):
        C.apply("planning", "approve_plan", actor_is_requester=True)
    with pytest.raises(C.CaseRuleError):
        C.apply("closing", "approve_close", actor_is_requester=True)
    assert C.apply("following", "review", actor_is_requester=True) == "following"  # not an approval


@pytest.mark.parametrize("state,entered,expected", [
    ("reported", T0, ("respond", T0 + timedelta(hours=2))),
    ("responded", T0 + timedelta(hours=5), ("place", T0 + timedelta(hours=24))),  # from the opening, not the late response
    ("placed", T0 + timedelta(hours=6), ("assess", T0 + timedelta(days=7))),
    ("following", T0 + timedelta(days=10), ("review", T0 + timedelta(days=40))),
    ("closed", T0 + timedelta(days=60), ("revisit", T0 + timedelta(days=90))),
    ("planning", T0, None), ("closing", T0, None), ("revisited", T0, None),
])
def test_timers(state, entered, expected):
    assert C.due(state, opened=T0, entered=entered) == expected


def test_no_step_is_a_dead_end_and_every_step_can_reach_the_end():
    for state in C.STATES:
        if state != C.END:
            assert C.allowed_actions(state), state
    reach = {C.END}
    changed = True
    while changed:
        changed = False
        for sources, target, _ in C.ACTIONS.values():
            for s in sources:
                if target in reach and s not in reach:
                    reach.add(s)
                    changed = True
    assert reach == set(C.STATES)


REQUIRED_BEFORE = {"following": {"responded", "placed", "assessed", "planning"}, "closed": {"following", "closing"},
                   "revisited": {"closed"}, "assessed": {"placed"}, "placed": {"responded"}}


@given(st.lists(st.sampled_from(list(C.ACTIONS)), max_size=40), st.lists(st.booleans(), min_size=40, max_size=40))
def test_no_sequence_skips_a_required_step(actions, requester):
    state, seen = "reported", {"reported"}
    for action, by_requester in zip(actions, requester[:len(actions)], strict=True):
        try:
            state = C.apply(state, action, actor_is_requester=by_requester and C.ACTIONS[action][2])
        except C.CaseRuleError:
            continue  # refused: the case stays where it was
        assert REQUIRED_BEFORE.get(state, set()) <= seen, (state, seen)
        seen.add(state)
    # wherever it stopped: ended, or open with something to do next
    assert state == C.END or C.allowed_actions(state)
    assert (state in C.OPEN_STATES) == (state not in ("closed", "revisited"))
