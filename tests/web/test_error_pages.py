"""The 400/403/404/500 pages are ours, in Chinese, with a way back; none needs more than a template
(the 500 page renders with an empty context after something failed). Reproduces Django's English
pages (and, with DEBUG on by default, the debug 404 listing every URL)."""
import re
from pathlib import Path

import pytest
from django.core.exceptions import BadRequest, PermissionDenied
from django.template.loader import render_to_string
from django.urls import path

from shouhu.accounts.permissions import public
from shouhu.urls import urlpatterns as site


@public
def boom(request):
    raise RuntimeError("kaboom: a bug")


@public
def forbidden(request):
    raise PermissionDenied


@public
def bad(request):
    raise BadRequest


urlpatterns = [*site, path("boom/", boom), path("forbidden/", forbidden), path("bad/", bad)]


@pytest.fixture
def anon(client, settings, db):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url, status, heading", [
    ("/no-such-page/", 404, "页面不存在"), ("/forbidden/", 403, "无权访问"), ("/bad/", 400, "请求有误"), ("/boom/", 500, "系统出错"),
])
def test_error_pages_are_chinese_with_a_way_back(anon, url, status, heading):
    r = anon.get(url)
    body = r.content.decode()
    assert r.status_code == status
    assert heading in body and 'href="/"' in body and "data-back" in body
    assert "kaboom" not in body and "Traceback" not in body and "urlpatterns" not in body.lower()


def test_a_logged_in_users_404_is_the_same_page(anon, world):
    anon.force_login(world.admin)
    assert "页面不存在" in anon.get("/no-such-page/").content.decode()


def test_the_500_page_needs_no_request_or_context():
    assert "系统出错" in render_to_string("500.html")


def test_no_template_carries_inline_script():
    """The CSP allows scripts and styles only from our files: no <script> body, no on…= handler, no
    javascript: URL, no style= attribute or <style> element."""
    root = Path(__file__).resolve().parents[2] / "shouhu"
    bad = []
    for f in root.rglob("templates/**/*.html"):
        text = f.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text \
                or re.search(r"\sstyle=|<style", text):
            bad.append(str(f.relative_to(root)))
    assert bad == []
