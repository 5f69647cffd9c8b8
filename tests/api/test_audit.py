"""API list and search reads leave a line in the access log: who, which filter, how many."""
from shouhu.audit.models import AccessLog
from shouhu.care.counselling.services import counselling_record
from tests.api_util import api
from tests.factories import PASSWORD, make_child, make_user


def test_child_list_read_is_logged_with_filter_and_count(world):
    """Reproduces: 1,004 full records read over the API left no trace."""
    for _ in range(3):
        make_child(world.admin, world.guangrong)
    r = api(world.admin).get("/api/v1/children/?region=421088109200&page=1")
    assert r.status_code == 200
    row = AccessLog.objects.get(action="api_list")
    assert row.username == "admin" and row.scope == "/api/v1/children/"
    assert "region=421088109200" in row.detail and "共 3 条" in row.detail


def test_search_text_is_not_logged(world):
    child = make_child(world.admin, world.guangrong, name="陆金兰")
    api(world.admin).post("/api/v1/children/search/", {"q": child.name}, format="json")
    row = AccessLog.objects.get(action="search")
    assert "陆金兰" not in row.detail and "q=<已隐去>" in row.detail and "共 1 条" in row.detail


def test_refused_list_is_not_logged_as_a_read(world):
    assert api(world.partner).get("/api/v1/children/").status_code == 404
    assert not AccessLog.objects.filter(action="api_list").exists()


def test_counselling_list_is_logged_confidential_without_the_child(world):
    """Reproduces: the county admin's API read of counselling notes left no trace."""
    child = make_child(world.admin, world.guangrong, school=world.jinxing, school_class=world.c31)
    xinli = make_user("xinli", "counsellor", school=world.jinxing)
    counselling_record(actor=xinli, child=child, date=world.today, topic="t", notes="n", risk="", next_date=None)
    assert api(xinli).get(f"/api/v1/counselling/?child={child.uid}").status_code == 200
    row = AccessLog.objects.get(action="api_list")
    assert row.confidential and str(child.uid) not in row.detail and "共 1 条" in row.detail


def test_token_sign_in_and_failure_are_logged(world):
    """Reproduces: signing in over the API (token) left no trace."""
    c = api()
    assert c.post("/api/v1/auth/token/", {"username": "zhuren", "password": "wrong-pass-1"}, format="json").status_code == 400
    assert c.post("/api/v1/auth/token/", {"username": "zhuren", "password": PASSWORD}, format="json").status_code == 200
    assert list(AccessLog.objects.order_by("id").values_list("action", "username")) == [("login_failed", "zhuren"), ("login", "zhuren")]
