"""What of a child's record each role may read, declared once (docs/domain.md, "Users and scopes").

A role's `child_fields` (the role table) names one of the sets below. Pages, the API's child
serializer and exports read the set through `visible_fields(scope)`; nothing else decides which
columns a reader gets. A user with several roles reads the widest of their sets (decision 9).

- "full": the whole record (everyone who reads records: the village, township, county and school).
- "care": what a helper (帮扶人) needs to look after the children paired with them and reach their
  family: who the child is, where they live and study, the carer and the emergency contacts. Not
  the parents' details, health, disability, ID numbers, protection flags or the carer's record
  (未成年人保护法 第4条: 保护未成年人隐私权和个人信息; need-to-know).
- "none": no personal data at all (statistics-only partners read counts).
"""
from shouhu.accounts.roles import ROLES

CARE = frozenset({
    "id", "name", "sex", "age", "village", "school", "school_class", "schooling",
    "carer_name", "carer_relation", "carer_phone", "emergency_contacts",
})
FIELD_SETS: dict[str, frozenset[str] | None] = {"full": None, "care": CARE, "none": frozenset()}
WIDTH = {"none": 0, "care": 1, "full": 2}  # wider set wins for a user with several roles


def field_set_name(scope) -> str:
    """The widest set among the user's roles; "none" for a user with no role."""
    names = [ROLES[r].child_fields for r in scope.roles]
    return max(names, key=WIDTH.__getitem__) if names else "none"


def visible_fields(scope) -> frozenset[str] | None:
    """The field names this reader may see of a child; None = all of them."""
    return FIELD_SETS[field_set_name(scope)]


def statistics_only(scope) -> bool:
    """Reads figures, not people: small counts are shown to it as "<5" (`rules.small_counts`)."""
    return field_set_name(scope) == "none"
