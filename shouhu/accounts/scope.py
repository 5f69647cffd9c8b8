"""The one place that decides what a user may see (docs/domain.md, "Users and scopes").

A user holds (role, node) assignments. A node on the administrative line is a region (its
subtree by code range); on the education line a school or a class; a helper's node is the set
of children paired with them. A child is visible when any assignment reaches it. Everything —
pages, API, exports, search — starts from `Scope.children_q()` via the registry selectors.

How a role's assignment reaches children is its `reach` in the role table, answered by `LINES`.
The pairing line belongs to the care app (pairings are its records): it registers itself with
`register_line` when it loads, so this base layer never imports it. A reach nobody registered
reaches nothing (fails closed).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from shouhu.regions.models import School, code_range
from shouhu.rules.idcard import mask_id

from .roles import ROLES

NOTHING = Q(pk__in=[])

# reach → (scope, assignment, child_field) → Q over the children it reaches
LINES: dict[str, Callable[["Scope", object, str], Q]] = {
    "region": lambda scope, a, f: Q(village_code__range=code_range(a.region.code)) if a.region_id else NOTHING,
    "region_schools": lambda scope, a, f: (
        Q(school_id__in=School.objects.filter(region_code__range=code_range(a.region.code)).values("id")) if a.region_id else NOTHING),
    "school": lambda scope, a, f: Q(school_id=a.school_id) if a.school_id else NOTHING,
    "class": lambda scope, a, f: Q(school_class_id=a.school_class_id) if a.school_class_id else NOTHING,
}


def register_line(reach: str, children_q: Callable[["Scope", object, str], Q]) -> None:
    """A feature app answers for a reach of the role table (the care app: "pairing")."""
    LINES[reach] = children_q


@dataclass
class Scope:
    user: object
    assignments: list = field(default_factory=list)

    # -- what the user may do -------------------------------------------------
    @cached_property
    def roles(self) -> set[str]:
        return {a.role for a in self.assignments}

    @property
    def is_county_admin(self) -> bool:
        return any(ROLES[r].manages_county for r in self.roles)

    def managed_root(self) -> str | None:
        """The region code of the county the user manages (users, schools, settings), else None."""
        codes = [a.region.code for a in self.assignments if ROLES[a.role].manages_county and a.region_id]
        return min(codes, key=len) if codes else None

    @property
    def full_id(self) -> bool:
        """ID numbers unmasked only for roles that register or match children by ID."""
        return any(ROLES[r].full_id for r in self.roles)

    def show_id(self, value: str | None) -> str:
        """An ID number as this user may see it: whole for roles that register or match children
        by ID, masked for everyone else. Pages, API, exports and search all show IDs through here."""
        return (value or "") if self.full_id else mask_id(value)

    @property
    def limited_fields(self) -> bool:
        """Helpers (and only helpers) see the reduced child page."""
        return bool(self.roles) and all(ROLES[r].limited_fields for r in self.roles)

    @property
    def sees_children(self) -> bool:
        return any(ROLES[r].sees_children for r in self.roles)

    @property
    def reads_records(self) -> bool:
        """Sees whole records, lists and their pages (quality, rosters, imports, care month):
        everyone who sees children except helpers, who see their paired children's reduced page."""
        return self.sees_children and not self.limited_fields

    def edit_regions(self) -> list:
        return [a.region for a in self.assignments if ROLES[a.role].can_edit and a.region_id]

    def can_edit_village(self, village_code: str) -> bool:
        return any(lo <= village_code <= hi for lo, hi in (code_range(r.code) for r in self.edit_regions()))

    def can_edit(self, child) -> bool:
        """A merged duplicate is history: nobody edits it (its care records moved to the kept one)."""
        return self.can_edit_village(child.village_code) and not getattr(child, "merged_into_id", None)

    # -- what the user may see --------------------------------------------------
    def children_q(self, child_field: str = "id") -> Q:
        """Over Child; or over a table that carries the child's village_code, school_id and
        school_class_id next to a `child_field` (the care app's maintained tables)."""
        q = NOTHING
        for a in self.assignments:
            q |= self.assignment_children_q(a, child_field)
        return q

    def assignment_children_q(self, a, child_field: str = "id") -> Q:
        """The children one assignment reaches (a user's scope is the union of these)."""
        role = ROLES[a.role]
        line = LINES.get(role.reach)
        if not role.sees_children or line is None:
            return NOTHING
        return line(self, a, child_field)

    def assignments_with(self, flag: str) -> list:
        """Assignments whose role has `flag` (can_care, can_pair, counsellor)."""
        return [a for a in self.assignments if getattr(ROLES[a.role], flag)]

    def children_q_with(self, flag: str, child_field: str = "id") -> Q:
        """Children reached through roles with `flag`: e.g. whom the user may record visits for."""
        q = NOTHING
        for a in self.assignments_with(flag):
            q |= self.assignment_children_q(a, child_field)
        return q

    def has(self, flag: str) -> bool:
        return bool(self.assignments_with(flag))

    def region_nodes(self) -> list:
        """Regions the user answers for (admin line, county education, partners)."""
        return [a.region for a in self.assignments if a.region_id]

    def regions_q(self) -> Q:
        q = NOTHING
        for a in self.assignments:
            if a.region_id:
                lo, hi = a.region.code, a.region.code + "9" * (12 - len(a.region.code))
                q |= Q(code__gte=lo, code__lte=hi)
            node_school = a.school or (a.school_class.school if a.school_class_id else None)
            if node_school is not None:
                q |= Q(code=node_school.region_code)
        return q

    def schools_q(self) -> Q:
        q = NOTHING
        for a in self.assignments:
            if a.region_id and ROLES[a.role].line in ("admin", "education"):
                q |= Q(region_code__range=(a.region.code, a.region.code + "9" * (9 - len(a.region.code))) if len(a.region.code) <= 9 else Q(pk__in=[]))
            if a.school_id:
                q |= Q(pk=a.school_id)
            if a.school_class_id:
                q |= Q(pk=a.school_class.school_id)
        return q

    def classes_q(self) -> Q:
        q = NOTHING
        for a in self.assignments:
            if a.role == "head_teacher" and a.school_class_id:
                q |= Q(pk=a.school_class_id)
            elif a.school_id:
                q |= Q(school_id=a.school_id)
            elif a.region_id and ROLES[a.role].line in ("admin", "education") and len(a.region.code) <= 9:
                q |= Q(school__region_code__range=(a.region.code, a.region.code + "9" * (9 - len(a.region.code))))
        return q


def records_scope(user) -> Scope:
    """The scope of a user who reads records (see `Scope.reads_records`); else the 404 of a missing page."""
    scope = scope_of(user)
    if not scope.reads_records:
        raise Http404
    return scope


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return Scope(user=user)
    cached = getattr(user, "_shouhu_scope", None)
    if cached is None:
        assignments = list(user.assignments.select_related("region", "school", "school_class__school"))
        cached = Scope(user=user, assignments=assignments)
        user._shouhu_scope = cached
    return cached
