"""Per-action permissions for the API, from the same needs as the pages (`accounts.permissions`).

A viewset declares `needs = {action: (need, …)}` for every action it has, `@action`s included.
The default permission class (settings) reads it and fails closed: an action nobody declared
answers 404, as does one whose needs the user lacks — "not allowed" looks like "not there"."""
from rest_framework import exceptions, permissions

from shouhu.accounts.permissions import NEEDS, allowed

READ = ("list", "retrieve")
WRITE = ("create", "update", "partial_update")


def declare(actions, *needs: str) -> dict[str, tuple[str, ...]]:
    """`{**declare(READ, "sees_children"), **declare(WRITE, "edits_records")}`."""
    unknown = [n for n in needs if n not in NEEDS]
    if unknown or not needs:
        raise ValueError(f"unknown needs {unknown}" if unknown else "declare() needs at least one need")
    return dict.fromkeys(actions, tuple(needs))


class Declared(permissions.BasePermission):
    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401/403: not signed in is not a secret
        # a viewset's action; a plain API view (the API root) declares per HTTP method
        action = getattr(view, "action", None) or request.method.lower()
        declared = getattr(view, "needs", None)
        if action in ("metadata", "options"):  # OPTIONS: the schema of an endpoint, no data
            return True
        if declared is None or action not in declared:
            raise exceptions.NotFound()  # fail closed: an undeclared action does not exist
        if not allowed(request.user, *declared[action]):
            raise exceptions.NotFound()
        return True
