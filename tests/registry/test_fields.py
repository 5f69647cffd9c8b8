"""The role → field-set table."""
from shouhu.accounts.roles import ROLES
from shouhu.accounts.scope import Scope
from shouhu.registry.fields import CARE, FIELD_SETS, visible_fields


class A:  # an assignment, as far as the table reads it
    def __init__(self, role):
        self.role = role


def test_every_role_names_a_field_set():
    assert {r.child_fields for r in ROLES.values()} <= set(FIELD_SETS)


def test_sets_by_role_and_the_widest_wins():
    assert visible_fields(Scope(user=None, assignments=[A("helper")])) == CARE
    assert visible_fields(Scope(user=None, assignments=[A("county_partner")])) == frozenset()
    assert visible_fields(Scope(user=None, assignments=[A("village_director")])) is None
    assert visible_fields(Scope(user=None, assignments=[A("helper"), A("head_teacher")])) is None
    assert visible_fields(Scope(user=None, assignments=[])) == frozenset()
