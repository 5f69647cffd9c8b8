"""The child serializer: fields per role (`registry.fields`), an explicit writable list, and
`merged_into` that neither writes nor reveals."""
import pytest
from django.utils import timezone

from shouhu.api.serializers import WRITABLE, WRITE_ONLY, ChildSerializer
from shouhu.care.helpers.services import pairing_create
from shouhu.care.models import Helper
from shouhu.registry.fields import CARE
from shouhu.registry.models import Child
from tests.api_util import api
from tests.factories import make_child


@pytest.fixture
def girl(world):
    return make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31,
                      father_phone="13900000001", illness="哮喘", carer_name="陆奶奶", carer_phone="13900000002")


@pytest.fixture
def paired(world, girl):
    helper = Helper.objects.create(name="李爱心", user=world.volunteer, region=world.guangrong)
    pairing_create(actor=world.zhuren, child=girl, helper=helper, mode="一对一", start=timezone.localdate())
    return girl


def test_volunteer_gets_exactly_the_care_fields(world, paired):
    """Reproduces: `GET /api/v1/children/?status=all` as zhiyuanzhe returned parents' names and
    phones, illness, disability, abused_or_abandoned, carer_barred …; the page showed only the carer."""
    c = api(world.volunteer)
    rows = c.get("/api/v1/children/?status=all").json()["results"]
    assert len(rows) == 1 and set(rows[0]) == CARE
    detail = c.get(f"/api/v1/children/{paired.uid}/").json()
    assert set(detail) == CARE
    assert detail["carer_phone"] == "13900000002" and "father_phone" not in detail and "illness" not in detail


def test_record_readers_get_the_whole_record(world, girl):
    body = api(world.zhuren).get(f"/api/v1/children/{girl.uid}/").json()
    assert {"father_phone", "illness", "carer_barred", "abused_or_abandoned"} <= set(body)


def test_writable_fields_are_the_explicit_list():
    fields = ChildSerializer().get_fields()
    assert sorted(k for k, f in fields.items() if not f.read_only) == sorted(WRITABLE + WRITE_ONLY)
    for bookkeeping in ("merged_into", "status", "is_left_behind", "category_reasons", "exited_on", "created_at", "id"):
        assert fields[bookkeeping].read_only


def test_merged_into_cannot_be_written(world, girl):
    """Reproduces: a village director PATCHed `merged_into` to a child of another township; the
    record became exited, its page 404 for everyone, and nothing could undo it."""
    other = make_child(world.admin, world.hongxing, name="王浩", sex="男")
    r = api(world.zhuren).patch(f"/api/v1/children/{girl.uid}/", {"merged_into": other.pk}, format="json")
    assert r.status_code == 200
    girl.refresh_from_db()
    assert girl.merged_into_id is None and girl.status == Child.Status.ACTIVE


def test_merged_into_shows_the_kept_record_only_to_those_who_see_it(world, girl):
    """Reproduces: the field answered "does this id exist" for records outside the reader's scope."""
    kept_here = make_child(world.admin, world.guangrong, name="陆金兰", sex="女")
    kept_away = make_child(world.admin, world.hongxing, name="王浩", sex="男")
    Child.objects.filter(pk=girl.pk).update(merged_into=kept_away)
    assert api(world.zhuren).get(f"/api/v1/children/{girl.uid}/").json()["merged_into"] is None
    assert api(world.admin).get(f"/api/v1/children/{girl.uid}/").json()["merged_into"] == str(kept_away.uid)
    Child.objects.filter(pk=girl.pk).update(merged_into=kept_here)
    assert api(world.zhuren).get(f"/api/v1/children/{girl.uid}/").json()["merged_into"] == str(kept_here.uid)
