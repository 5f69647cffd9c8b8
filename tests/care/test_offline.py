"""Working without signal (docs/domain.md): a visit or contact form sent twice with its key is one
record, for its own user only; a record of the same task made by someone else after the form was
opened is a conflict shown with the saved record; the queue's JSON answers; the installable app's
manifest and service worker."""
import re
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from shouhu.care.models import FamilyContact, Visit
from shouhu.care.visits import selectors, services
from shouhu.core.errors import ServiceError
from tests.factories import PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
QUEUE = {"HTTP_X_SHOUHU_QUEUE": "1"}


def visit(world, child, *, actor=None, key=None, **over):
    values = dict(actor=actor or world.zhuren, child=child, date=world.today, mode="入户", areas={"life": "饮食正常"}, client_key=key)
    return services.visit_record(**{**values, **over})


def contact(world, child, *, actor=None, key=None):
    return services.contact_record(actor=actor or world.zhuren, child=child, date=world.today, kind="电话", with_whom="父母双方",
                                   client_key=key)


# -- one key, one record ---------------------------------------------------------------------------
def test_same_key_twice_is_one_visit(world, orphan):
    key = uuid.uuid4()
    first = visit(world, orphan, key=key, photos=[SimpleUploadedFile("a.png", PNG)])
    again = visit(world, orphan, key=key, photos=[SimpleUploadedFile("a.png", PNG)])
    assert (first.replayed, again.replayed) == (False, True) and again.pk == first.pk
    assert Visit.objects.filter(client_key=key).count() == 1 and first.photos.count() == 1


def test_replay_is_not_checked_again(world, orphan):
    """A record already saved is not refused on its second send because a rule now says otherwise."""
    key = uuid.uuid4()
    first = visit(world, orphan, key=key)
    assert visit(world, orphan, key=key, areas={}, mode="??").pk == first.pk


def test_keys_are_per_user(world, orphan):
    key = uuid.uuid4()
    a = visit(world, orphan, key=key)
    b = visit(world, orphan, key=key, actor=world.dudao)
    assert a.pk != b.pk and not b.replayed and Visit.objects.count() == 2


def test_a_key_used_for_another_child_is_refused(world, orphan, girl):
    key = uuid.uuid4()
    visit(world, orphan, key=key)
    with pytest.raises(ServiceError) as exc:
        visit(world, girl, key=key)
    assert exc.value.code == "key_reused" and Visit.objects.count() == 1


def test_without_key_every_send_is_a_record(world, orphan):
    visit(world, orphan)
    visit(world, orphan)
    assert Visit.objects.count() == 2


def test_two_sends_racing_meet_at_the_constraint(world, orphan, monkeypatch):
    """The second of two simultaneous sends passes the first look-up, hits the unique constraint
    and answers with the first's record."""
    key = uuid.uuid4()
    first = visit(world, orphan, key=key)
    real, calls = services._saved, []

    def blind_once(*args):
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "_saved", blind_once)
    again = visit(world, orphan, key=key)
    assert again.pk == first.pk and again.replayed and len(calls) == 2


def test_constraint_error_without_key_is_not_swallowed(world, orphan, monkeypatch):
    def boom(**kw):
        raise IntegrityError("x")
    monkeypatch.setattr(Visit.objects, "create", boom)
    with pytest.raises(IntegrityError):
        visit(world, orphan)


def test_same_key_twice_is_one_contact(world, girl):
    key = uuid.uuid4()
    a, b = contact(world, girl, key=key), contact(world, girl, key=key)
    assert a.pk == b.pk and b.replayed and FamilyContact.objects.count() == 1
    assert not contact(world, girl, key=key, actor=world.dudao).replayed


# -- conflicts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("who, role_same, after, conflict", [
    ("other", True, True, True),     # someone else, same due, after the form opened
    ("self", True, True, False),     # my own earlier visit is not a conflict
    ("other", True, False, False),   # before the form was opened: the user saw it
    ("other", False, True, False),   # another role's visit does not clear this role's due
])
def test_visit_conflict(world, orphan, who, role_same, after, conflict):
    opened = timezone.now() - timedelta(minutes=30)
    other = Visit.objects.create(child=orphan, date=world.today, mode="入户", visitor=world.zhuren if who == "self" else world.dudao,
                                 visitor_role="village_director" if role_same else "township_supervisor", visitor_name="李督导", life="好")
    Visit.objects.filter(pk=other.pk).update(created_at=opened + timedelta(minutes=10 if after else -10))
    mine = visit(world, orphan)
    text = selectors.visit_conflict(mine, opened_at=opened)
    assert bool(text) == conflict
    if conflict:
        assert "李督导" in text and "儿童主任走访" in text and "也已保存" in text
    assert selectors.visit_conflict(mine, opened_at=None) == ""


def test_contact_conflict(world, girl):
    opened = timezone.now() - timedelta(minutes=5)
    contact(world, girl, actor=world.dudao)
    mine = contact(world, girl)
    assert "亲情联系" in selectors.contact_conflict(mine, opened_at=opened)
    assert selectors.contact_conflict(mine, opened_at=timezone.now()) == ""


# -- pages and the queue's answers ----------------------------------------------------------------------
def visit_post(world, key, **over):
    return {"date": world.today.isoformat(), "mode": "入户", "life": "与祖父同住", "client_key": str(key),
            "opened_at": timezone.localtime().isoformat(), "next": "/care/tasks/", **over}


def test_queued_visit_answers_json_and_saves_once(client, world, orphan):
    client.login(username="zhuren", password=PASSWORD)
    key = uuid.uuid4()
    url = f"/care/visits/new/{orphan.uid}/"
    r = client.post(url, {**visit_post(world, key), "photos": [SimpleUploadedFile("a.png", PNG)]}, **QUEUE)
    data = r.json()
    assert r.status_code == 200 and data["saved"] and not data["replayed"] and data["next"] == "/care/tasks/" and data["conflict"] == ""
    r = client.post(url, {**visit_post(world, key), "photos": [SimpleUploadedFile("a.png", PNG)]}, **QUEUE)
    assert r.json()["replayed"] and r.json()["id"] == data["id"]
    v = Visit.objects.get(client_key=key)
    assert v.photos.count() == 1 and Visit.objects.count() == 1


def test_queued_visit_with_conflict(client, world, orphan):
    client.login(username="zhuren", password=PASSWORD)
    form = client.get(f"/care/visits/new/{orphan.uid}/").content.decode()
    opened = re.search(r'name="opened_at" value="([^"]+)"', form).group(1)
    visit(world, orphan, actor=world.dudao, role="township_supervisor")
    Visit.objects.update(visitor_role="village_director")  # as if a second village director had been
    r = client.post(f"/care/visits/new/{orphan.uid}/", {**visit_post(world, uuid.uuid4()), "opened_at": opened}, **QUEUE)
    assert r.json()["saved"] and "您打开表单后" in r.json()["conflict"]
    assert Visit.objects.count() == 2
    # the next page says so
    assert "冲突：" in client.get("/care/tasks/").content.decode()


def test_queued_invalid_visit_answers_errors(client, world, orphan):
    client.login(username="zhuren", password=PASSWORD)
    r = client.post(f"/care/visits/new/{orphan.uid}/", visit_post(world, uuid.uuid4(), life="", date=(world.today + timedelta(days=2)).isoformat()),
                    **QUEUE)
    assert r.status_code == 400 and not r.json()["saved"] and "不能晚于今天" in r.json()["errors"]["date"][0]
    r = client.post(f"/care/visits/new/{orphan.uid}/", visit_post(world, uuid.uuid4(), life=""), **QUEUE)
    assert r.status_code == 400 and "至少填写一项" in r.json()["errors"]["life"][0]
    assert Visit.objects.count() == 0


def test_plain_form_twice_is_one_visit(client, world, orphan):
    """Without scripts: the key is the hidden field the server rendered."""
    client.login(username="zhuren", password=PASSWORD)
    form = client.get(f"/care/visits/new/{orphan.uid}/").content.decode()
    key = re.search(r'name="client_key" value="([^"]+)"', form).group(1)
    for _ in range(2):
        r = client.post(f"/care/visits/new/{orphan.uid}/", visit_post(world, key))
        assert r.status_code == 302 and r.url == "/care/tasks/"
    assert Visit.objects.filter(client_key=key).count() == 1
    assert "此前已上传保存" in client.get("/care/tasks/").content.decode()


def test_queued_contact(client, world, girl):
    client.login(username="zhuren", password=PASSWORD)
    key = uuid.uuid4()
    post = {"date": world.today.isoformat(), "kind": "电话", "with_whom": "父母双方", "client_key": str(key), "next": "/care/tasks/"}
    for replayed in (False, True):
        r = client.post(f"/care/contacts/new/{girl.uid}/", post, **QUEUE)
        assert r.json()["saved"] and r.json()["replayed"] is replayed
    assert FamilyContact.objects.filter(client_key=key).count() == 1


@pytest.mark.parametrize("url", ["/care/visits/new/{uid}/", "/care/contacts/new/{uid}/"])
def test_queued_send_for_another_village_is_404(client, world, orphan, url):
    client.login(username="zhuren2", password=PASSWORD)
    r = client.post(url.format(uid=orphan.uid), visit_post(world, uuid.uuid4(), kind="电话", with_whom="父母双方"), **QUEUE)
    assert r.status_code == 404 and Visit.objects.count() == 0 and FamilyContact.objects.count() == 0


def test_queue_page_and_token(client, world):
    r = client.get("/care/queue/token/")
    assert r.status_code == 302 and "/login/" in r.url  # not signed in: the queue waits
    client.login(username="zhuren", password=PASSWORD)
    data = client.get("/care/queue/token/").json()
    assert data["user"] == world.zhuren.pk and data["csrf"]
    page = client.get("/care/queue/").content.decode()
    assert 'id="queue-list"' in page and 'id="queue-badge"' in page
    # a role without care work has neither the page nor the badge
    client.login(username="ducha", password=PASSWORD)
    assert client.get("/care/queue/").status_code == 404
    assert 'id="queue-badge"' not in client.get("/").content.decode()


def test_forms_carry_a_key_and_the_time(client, world, orphan):
    client.login(username="zhuren", password=PASSWORD)
    for url in (f"/care/visits/new/{orphan.uid}/", f"/care/contacts/new/{orphan.uid}/"):
        page = client.get(url).content.decode()
        assert re.search(r'name="client_key" value="[0-9a-f-]{36}"', page) and 'name="opened_at"' in page and "data-offline=" in page


# -- the installable app ----------------------------------------------------------------------------
def test_service_worker_at_the_root(client):
    r = client.get("/sw.js")
    body = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("application/javascript")
    assert r["Service-Worker-Allowed"] == "/" and "no-cache" in r["Cache-Control"]
    assert "/static/js/offline.js" in body and "/static/css/shouhu.css" in body and '"tasks": "/care/tasks/"' in body
    assert re.search(r'"version": "[0-9a-f]{16}"', body)


def test_manifest(client):
    r = client.get("/manifest.webmanifest")
    data = r.json()
    assert r["Content-Type"] == "application/manifest+json" and data["name"] == "守护" and data["display"] == "standalone"
    for icon in data["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and b"".join(got.streaming_content)[:4] == b"\x89PNG"


# -- the API takes the same key ---------------------------------------------------------------------
def test_api_key_makes_one_record(client, world, orphan):
    client.login(username="zhuren", password=PASSWORD)
    key = str(uuid.uuid4())
    ids = set()
    for _ in range(2):
        r = client.post("/api/v1/visits/", {"child": str(orphan.uid), "date": world.today.isoformat(), "life": "好", "client_key": key},
                        content_type="application/json")
        assert r.status_code == 201, r.content
        ids.add(r.json()["id"])
    assert len(ids) == 1 and Visit.objects.count() == 1
    ids = set()
    for _ in range(2):
        r = client.post("/api/v1/contacts/", {"child": str(orphan.uid), "date": world.today.isoformat(), "client_key": key},
                        content_type="application/json")
        assert r.status_code == 201, r.content
        ids.add(r.json()["id"])
    assert len(ids) == 1 and FamilyContact.objects.count() == 1
