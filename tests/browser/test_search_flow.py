"""Searching on a phone never puts the name or number in the address bar: the township supervisor
looks up a pupil on the roster page by name and then the child by the last six digits of the ID
number; each time the list shows the child and the URL carries only a token."""
from tests.factories import make_child

from ..schooling.test_services import row, upload
from .test_register_flow import login


def test_supervisor_searches_by_name_and_number_and_the_url_stays_clean(live_server, world, phone):
    child = make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)
    upload(world.admin, world.jinxing, [row(name="钱未建", birth="2016-03-01"), row(name="孙休学", birth="2016-04-01")])
    page, base = phone, live_server.url
    login(page, base, "admin")

    page.goto(f"{base}/schooling/schools/{world.jinxing.pk}/")
    page.fill("#filters input[name=q]", "钱未建")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**s=*")
    assert "钱未建" in page.inner_text("#rows") and "孙休学" not in page.inner_text("#rows")
    assert "钱" not in page.url and "%E9%92%B1" not in page.url

    page.goto(base + "/children/")
    page.fill("#q", child.id_number[-6:])
    page.click("#filters button[type=submit] >> nth=0")
    page.wait_for_url("**s=*")
    assert "陆金兰" in page.inner_text("main")
    assert child.id_number[-6:] not in page.url
