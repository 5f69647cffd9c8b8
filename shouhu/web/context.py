from shouhu.accounts.scope import scope_of


def nav(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_of(user)
    return {"nav": {
        "children": scope.sees_children,
        "can_create": bool(scope.edit_regions()),
        "schools": not scope.limited_fields and scope.sees_children,
        "county_admin": scope.is_county_admin,
        # import needs a village to write to; export is open to every role that sees a register
        "intake": scope.sees_children and not scope.limited_fields,
        "reports": bool(scope.region_nodes()) and not scope.limited_fields,
        "tasks": scope.has("can_care") or scope.has("can_pair"),
        "care": scope.sees_children and not scope.limited_fields,
        "counsellor": scope.has("counsellor"),
    }}
