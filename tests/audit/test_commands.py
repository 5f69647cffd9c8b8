"""`shouhu audit-verify` and `shouhu audit-purge`."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from shouhu.audit.models import AccessLog
from shouhu.audit.services import log_access


def test_verify_whole(world):
    log_access(actor=world.admin, action="view")
    out = StringIO()
    call_command("audit-verify", stdout=out)
    assert out.getvalue().strip() == "完整"


def test_verify_names_the_tampered_row_and_exits_1(world):
    """Reproduces: a row edited in the database (here bypassing the trigger) was undetectable."""
    rows = [log_access(actor=world.admin, action="view") for _ in range(3)]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_append_only")
        cur.execute("UPDATE audit_accesslog SET username = 'someone' WHERE id = %s", [rows[1].pk])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_append_only")
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("audit-verify", stdout=out)
    assert exc.value.code == 1
    assert f"#{rows[1].pk}" in out.getvalue()


def test_purge_with_days(world):
    log_access(actor=world.admin, action="view")
    out = StringIO()
    call_command("audit-purge", "--days", "0", stdout=out)
    assert "已清理 1 条" in out.getvalue()
    assert list(AccessLog.objects.values_list("action", flat=True)) == ["checkpoint"]
    call_command("audit-verify", stdout=StringIO())
