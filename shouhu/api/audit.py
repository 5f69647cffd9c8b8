"""Every API list or search of children or personal records leaves a line in the access log:
who, which resource, the filter and how many records (docs/domain.md, "Privacy"). Search text
(names, ID numbers) is never written in clear: the log says a search was made, not for whom."""
from shouhu.audit.models import AccessLog
from shouhu.audit.services import HIDDEN_PARAMS, describe_filter, log_access


def count_of(data) -> int | None:
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict):
        if "count" in data:
            return data["count"]
        return sum(len(v) for v in data.values() if isinstance(v, list))
    return None


class LoggedListMixin:
    """Put first in a viewset's bases: after a successful list (and the actions named in
    `audit_list_actions`), one access-log line. Works on the response, so a viewset's own
    `list()` is logged too. `audit_confidential`: that a child has such records at all is
    confidential (counselling): the child filter is hidden too and the row is marked, so the
    county's log page does not name children to non-counsellors."""

    audit_confidential = False
    audit_list_actions = ("list",)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) in self.audit_list_actions and response.status_code == 200:
            params = getattr(self, "params", None) or request.query_params  # a POSTed search: its body
            hide = {"child"} if self.audit_confidential else set()
            searched = any(params.get(k) for k in HIDDEN_PARAMS)
            n = count_of(getattr(response, "data", None))
            log_access(actor=request.user, action=AccessLog.Action.SEARCH if searched else AccessLog.Action.API_LIST,
                       scope=request.path, detail=f"{describe_filter(params, hide=hide)} 共 {n if n is not None else '?'} 条".strip(),
                       confidential=self.audit_confidential, request=request)
        return response
