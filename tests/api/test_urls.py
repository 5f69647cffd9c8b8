"""The API's description and docs are for signed-in users; the docs come from our own static files.
Reproduces `/api/schema/` answering anyone (every endpoint, filter and field, to a scraper)."""
import re

from rest_framework.test import APIClient

from shouhu.accounts.models import ApiToken
from tests.api_util import api


def test_the_schema_and_docs_refuse_anonymous_callers(db):
    c = APIClient()
    for url in ("/api/schema/", "/api/docs/", "/api/docs/?script="):
        assert c.get(url).status_code in (401, 403), url


def test_the_schema_answers_a_token_or_a_session(world, client):
    token = ApiToken.issue(world.volunteer)[1]
    r = APIClient().get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token}")
    assert r.status_code == 200 and b"/api/v1/children/" in r.content
    client.force_login(world.volunteer)
    assert client.get("/api/schema/").status_code == 200


def test_swagger_ui_is_served_without_a_cdn_and_without_inline_script(world, client):
    client.force_login(world.admin)
    page = client.get("/api/docs/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # the start-up script is a file (?script)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
    assert api(world.admin).get("/api/schema/").status_code == 200
    # its template's inline <style> is allowed on this page only
    assert "style-src 'self' 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]
