"""使用说明: a page per role, linked from the menu and the home page for every role, each opening
the page of the user's own role; every picture it names is committed; the screenshot plan names
only pages that exist."""
import importlib.util
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from shouhu.accounts.models import Assignment
from shouhu.accounts.roles import ROLES
from shouhu.web.help import HELP, STATIC_HELP
from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[2]


def _screens():
    spec = importlib.util.spec_from_file_location("screens", ROOT / "tools" / "screens.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_role_has_a_help_page_with_tasks_and_a_demo_user():
    assert set(HELP) == set(ROLES)
    screens = _screens()
    assert set(screens.USERS.values()) == set(ROLES)
    for h in HELP.values():
        assert h.tasks and all(t.steps for t in h.tasks), h.role
        assert screens.USERS[h.user] == h.role


def test_the_screenshot_plan_names_pages_that_exist_and_its_pictures_are_committed():
    shots = _screens().plan()
    assert len({s["out"] for s in shots}) == len(shots)  # no picture overwrites another
    for s in shots:
        try:
            resolve(s["path"].split("?")[0].replace("{child}", "0123456789abcdef0123456789abcdef"))
        except Resolver404:
            pytest.fail(f"{s['path']} is no page")
        assert s["out"].exists(), f"{s['out']} missing: run `make screens` and commit the pictures"
    for role in HELP:
        for t in HELP[role].tasks:
            assert (STATIC_HELP / role / f"{t.shot.name}.png").exists()


@pytest.mark.parametrize("who,role", [("admin", "county_admin"), ("dudao", "township_supervisor"), ("zhuren", "village_director"),
                                      ("xiaozhang", "school_staff"), ("banzhuren", "head_teacher"), ("volunteer", "helper"),
                                      ("inspector", "inspector"), ("edu", "county_education"), ("partner", "county_partner")])
def test_the_menu_and_the_home_page_open_the_users_own_help(client, world, who, role):
    client.force_login(getattr(world, who))
    home = client.get("/").content.decode()
    assert 'href="/help/" id="help-link"' in home and 'href="/help/" id="home-help"' in home
    r = client.get("/help/")
    assert r.status_code == 302 and r["Location"] == f"/help/{role}/"
    page = client.get(r["Location"]).content.decode()
    assert f"{ROLES[role].label}使用说明" in page
    for t in HELP[role].tasks:
        assert t.title in page
        if t.shot:
            assert f"/static/help/{role}/{t.shot.name}.png" in page  # the picture is there (no dead image)


def test_every_role_page_renders_for_anyone_signed_in_and_an_unknown_one_is_404(client, world):
    client.force_login(world.zhuren)
    for role in HELP:
        assert client.get(f"/help/{role}/").status_code == 200
    assert client.get("/help/nobody/").status_code == 404
    client.logout()
    assert client.get("/help/").status_code in (302, 404)


def test_a_user_with_two_roles_chooses(client, world):
    u = make_user("two", "village_director", region=world.guangrong)
    Assignment.objects.create(user=u, role="helper")
    client.force_login(u)
    page = client.get("/help/").content.decode()
    assert "儿童主任使用说明" in page and "帮扶人使用说明" in page
