"""Home: what the user must do today, and no card of a zero."""
from shouhu.quality.services import find_duplicate_pairs
from shouhu.registry.models import Child
from shouhu.registry.services import child_register
from tests.factories import child_values, own_sitting


def test_the_supervisor_is_told_the_report_is_due_and_duplicates_wait(client, world):
    first = child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰", archive_no="GR-001")))
    own_sitting(child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆晶兰", id_number="",
                                                                              birth_date=first.birth_date, hukou_registered=False))))
    find_duplicate_pairs()
    client.force_login(world.dudao)
    r = client.get("/")
    today = r.context["today"]
    assert any("月报待上报" in t["text"] and "截止" in t["text"] or "逾期" in t["text"] for t in today), today
    assert any("1 对疑似重复档案待处理" in t["text"] for t in today), today
    assert 'id="home-today"' in r.content.decode()
    client.force_login(world.zhuren)
    assert not any("月报" in t["text"] for t in client.get("/").context["today"])  # the village does not submit it


def test_no_zero_statistics_on_the_home_page(client, world):
    child_register(actor=world.admin, child=Child(**child_values(world.guangrong, name="陆金兰")))
    client.force_login(world.zhuren)
    html = client.get("/").content.decode()
    assert '<div class="fs-4 fw-bold">0</div>' not in html
