"""Search text that names a person (a child's name, an ID number) never travels in a URL: a URL
ends up in server and proxy logs, browser history and Referer headers (docs/decisions.md 51).

A page's search form is POSTed; the text is kept in the session under a random token and the
page redirects to a URL carrying only the token (`?s=…`) and the other, non-personal filters,
which stay bookmarkable. The same text in a GET's query string (an old bookmark, a hand-typed
URL) is a 400 that says to use the search box, rather than a list silently unfiltered."""
import secrets
from urllib.parse import urlencode

from django.http import HttpResponseRedirect

from . import crypto
from .errors import BadParameter, ErrorCode

SESSION_KEY = "searches"
KEEP = 20  # the last searches of a session: the back button still works, the session stays small
NOT_CARRIED = ("csrfmiddlewaretoken", "page", "s")


def refuse_in_url(request, personal: tuple[str, ...] = ("q",)) -> None:
    for name in personal:
        if request.GET.get(name, "").strip():
            raise BadParameter("为保护个人信息，姓名和身份证号不能放在网址中：请在页面的搜索框中输入后点“搜索”", code=ErrorCode.SEARCH_BY_POST,
                               field=name)


def redirect_to_search(request, url: str, personal: tuple[str, ...] = ("q",), drop: tuple[str, ...] = ()) -> HttpResponseRedirect:
    """The answer to a POSTed search form: `url` with the form's other fields as its query string
    and the personal ones behind a token."""
    params = {k: v for k, v in request.POST.items() if k not in NOT_CARRIED and k not in drop and v}
    texts = {name: params.pop(name).strip() for name in personal if name in params}
    texts = {k: v for k, v in texts.items() if v}
    if texts:
        token = secrets.token_urlsafe(6)
        kept = request.session.get(SESSION_KEY, {})
        kept = dict(list(kept.items())[-(KEEP - 1):])
        # encrypted like the records (core.crypto): the session table is readable by a database reader too
        kept[token] = {k: crypto.encrypt(v) for k, v in texts.items()}
        request.session[SESSION_KEY] = kept
        params["s"] = token
    return HttpResponseRedirect(url + ("?" + urlencode(params) if params else ""))


def searched(request, name: str = "q") -> str:
    """The text searched for under the URL's token ("" without one, or once the session forgot it)."""
    token = request.GET.get("s", "")
    found = request.session.get(SESSION_KEY, {}).get(token, {}) if token else {}
    if not isinstance(found, dict):
        return ""
    try:
        return crypto.decrypt(found.get(name, "")) or ""
    except crypto.DecryptionError:  # saved under a key since removed: as if forgotten
        return ""
