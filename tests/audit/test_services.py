"""The access log holds: append-only, hash-chained, names kept when users go, purge keeps the chain."""
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from shouhu.accounts.models import User
from shouhu.audit.models import AccessLog, AppendOnlyError, ChainHead
from shouhu.audit.services import describe_filter, log_access, purge_expired, verify_chain
from tests.factories import make_child, make_user


def _rows(world, n=3):
    return [log_access(actor=world.admin, action="view", detail=f"第{i}条") for i in range(n)]


def test_rows_chain_and_verify(world):
    """Appending keeps the chain whole: each row links to the previous row's hash."""
    rows = _rows(world)
    assert rows[0].prev_hash == "" and rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash
    assert all(AccessLog.objects.get(pk=r.pk).compute_hash() == r.hash for r in rows)
    assert verify_chain() is None
    assert ChainHead.objects.get(pk=1).last_id == rows[-1].pk


def test_orm_refuses_update_and_delete(world):
    """Reproduces: the log was an ordinary table; any code could edit or delete rows."""
    row = _rows(world, 1)[0]
    row.detail = "改过"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(detail="x")


def _raw(sql, params):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL shouhu.audit_purge = 'on'")
            cur.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_append_only")


def test_tampered_row_is_the_first_broken_link(world):
    """Reproduces: a row changed in the database went unnoticed; now verify names it."""
    rows = _rows(world, 4)
    _raw("UPDATE audit_accesslog SET detail = %s WHERE id = %s", ["改过", rows[1].pk])
    assert verify_chain().pk == rows[1].pk


def test_deleted_row_breaks_the_chain(world):
    rows = _rows(world, 4)
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [rows[2].pk])
    assert verify_chain().pk == rows[3].pk


def test_deleted_last_row_is_noticed_through_the_head(world):
    rows = _rows(world, 3)
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [rows[2].pk])
    assert verify_chain() is not None


def test_deleting_a_user_keeps_the_row_and_username(world):
    """Reproduces: the user link was nulled (SET_NULL) when a user was deleted, losing who it was."""
    u = make_user("linshi", "village_director", region=world.guangrong)
    user_pk = u.pk
    row = log_access(actor=u, action="view")
    u.delete()
    row = AccessLog.objects.get(pk=row.pk)
    assert (row.username, row.user_id) == ("linshi", user_pk)
    assert not User.objects.filter(username="linshi").exists()
    assert verify_chain() is None


def test_deleting_a_child_keeps_the_row(world):
    child = make_child(world.admin, world.guangrong)
    row = log_access(actor=world.admin, action="view", child=child)
    child_pk = child.pk
    child.history.all().delete()
    child.delete()
    assert AccessLog.objects.get(pk=row.pk).child_id == child_pk
    assert verify_chain() is None


def test_purge_removes_old_rows_and_chain_still_verifies(world, settings):
    settings.SHOUHU_AUDIT_RETENTION_DAYS = 30
    rows = _rows(world, 5)
    later = timezone.now() + timedelta(days=31)
    # a month on, all five are past the 30 days
    assert purge_expired(now=later) == 5
    assert not AccessLog.objects.filter(pk__in=[r.pk for r in rows]).exists()
    checkpoint = AccessLog.objects.get()
    assert checkpoint.action == "checkpoint" and "5 条" in checkpoint.detail
    new = log_access(actor=world.admin, action="view")
    assert new.prev_hash == checkpoint.hash
    assert verify_chain() is None


def test_purge_keeps_recent_rows(world):
    _rows(world, 2)
    assert purge_expired(days=1095) == 0
    assert AccessLog.objects.count() == 2 and verify_chain() is None


def test_purge_of_some_rows_then_removing_the_oldest_left_is_noticed(world):
    """After a purge the oldest remaining row must chain to the last purged one: removing it is a break."""
    rows = _rows(world, 3)
    # cutoff = row 1's time: only row 0 is older
    assert purge_expired(now=rows[1].at, days=0) == 1
    assert verify_chain() is None
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [rows[1].pk])
    assert verify_chain().pk == rows[2].pk


def test_filter_description_hides_search_text():
    """Names and ID numbers typed into a search never reach the log in clear."""
    from django.http import QueryDict

    d = describe_filter(QueryDict("q=陆金兰&region=421088&page=2&name=张三"))
    assert "陆金兰" not in d and "张三" not in d and "q=<已隐去>" in d and "region=421088" in d and "page" not in d


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL only")
def test_postgresql_trigger_refuses_update_and_delete(world):
    row = _rows(world, 1)[0]
    for sql in ("UPDATE audit_accesslog SET detail = 'x' WHERE id = %s", "DELETE FROM audit_accesslog WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [row.pk])
    assert AccessLog.objects.get(pk=row.pk).detail == row.detail


def test_a_nul_in_what_is_logged_is_dropped_not_refused(world):
    """A query string with a NUL (a fuzzer's, an attacker's) is logged without it: PostgreSQL refuses NUL in text."""

    row = log_access(actor=world.admin, action="api_list", scope="/api/v1/benefits/", detail="\x00=null 共 0 条")
    assert AccessLog.objects.get(pk=row.pk).detail == "=null 共 0 条"
