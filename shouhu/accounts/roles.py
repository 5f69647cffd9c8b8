"""Roles (DOMAIN §2) and what each may do. Pure data: the scope selector and views read it."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    line: str  # "admin" (a region), "education" (a school, a class or a region's schools), "pairing", "none"
    sees_children: bool
    can_edit: bool
    full_id: bool  # sees ID numbers unmasked
    limited_fields: bool = False  # helpers see a reduced child page
    manages_county: bool = False
    can_care: bool = False  # records visits, family contact, wishes for the children in scope
    can_pair: bool = False  # registers helpers and pairs them with the children in scope
    counsellor: bool = False  # reads and writes counselling notes (心理辅导), nobody else does


ROLES: dict[str, Role] = {
    r.code: r
    for r in [
        Role("county_admin", "县级管理员", "admin", True, True, True, manages_county=True, can_care=True, can_pair=True),
        Role("county_education", "县教育局", "education", True, False, True),
        Role("county_partner", "县级协作部门", "none", False, False, False),
        Role("township_supervisor", "儿童督导员", "admin", True, True, True, can_care=True, can_pair=True),
        Role("village_director", "儿童主任", "admin", True, True, True, can_care=True, can_pair=True),
        Role("school_staff", "学校业务人员", "education", True, False, False, can_care=True, can_pair=True),
        Role("head_teacher", "班主任", "education", True, False, False, can_care=True),
        Role("counsellor", "心理辅导员", "education", True, False, False, can_care=True, counsellor=True),
        Role("helper", "帮扶人", "pairing", True, False, False, limited_fields=True, can_care=True),
        Role("inspector", "督查组", "admin", True, False, False),
    ]
}
ROLE_CHOICES = [(r.code, r.label) for r in ROLES.values()]
