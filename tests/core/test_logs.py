"""No name or ID number in a log line (core.logs, core.searches, the API's POSTed searches)."""
import logging

from django.contrib.sessions.models import Session
from django.urls import reverse

from shouhu.core.logs import NoQueryString
from tests.api_util import api
from tests.factories import PASSWORD, make_child

NAME, NUMBER = "陆金兰", "42108820200423892X"


def test_runserver_request_line_loses_its_query_string():
    """Reproduces runserver's `"GET /children/?q=42108820200423892X HTTP/1.1" 200` log line."""
    logger = logging.getLogger("django.server")
    record = logger.makeRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET /children/?q={NUMBER}&name={NAME} HTTP/1.1", "200", "512"), None)
    NoQueryString().filter(record)
    assert record.getMessage() == '"GET /children/ HTTP/1.1" 200 512'


def test_the_settings_put_the_filter_on_runserver_lines():
    assert any(isinstance(f, NoQueryString) for f in logging.getLogger("django.server").filters)


def test_searching_by_name_and_number_leaves_neither_in_any_log_line_or_url(client, world, caplog):
    """After searching the web list and the API by a child's name and number (and a refused GET
    with them), no captured log line and no redirect URL holds either."""
    child = make_child(world.admin, world.guangrong, name=NAME)
    number = child.id_number
    caplog.set_level(logging.DEBUG)
    assert client.login(username="admin", password=PASSWORD)
    urls = []
    for q in (NAME, number, number[-6:]):
        r = client.post(reverse("registry:list"), {"q": q, "status": "active"})
        assert r.status_code == 302
        urls.append(r["Location"])
        page = client.get(r["Location"])
        assert NAME in page.content.decode()
    assert client.get(reverse("registry:list"), {"q": number}).status_code == 400
    a = api(world.admin)
    for q in (NAME, number):
        assert a.post("/api/v1/children/search/", {"q": q}, format="json").json()["count"] == 1
        assert a.get("/api/v1/children/", {"q": q}).status_code == 400
    text = caplog.text + " ".join(urls) + " ".join(r.getMessage() for r in caplog.records)
    assert caplog.records  # the refused GETs were logged (as "Bad Request: /children/"): the path only
    for secret in (NAME, number, number[-6:]):
        assert secret not in text


def test_the_search_text_kept_in_the_session_is_encrypted(client, world):
    """The session table is readable by a database reader: the text behind the token is ciphertext."""
    assert client.login(username="admin", password=PASSWORD)
    client.post(reverse("registry:list"), {"q": NUMBER})
    [session] = Session.objects.all()
    assert NUMBER not in repr(session.get_decoded()) and NUMBER not in session.session_data
