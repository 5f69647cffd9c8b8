"""`shouhu import-register` against a hostile workbook, as a real process: it used to die with
exit status 134 (SIGABRT from calamine's failed 549 GB allocation); now it exits 1 with the reason."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from shouhu.intake.models import ImportBatch
from tests.sheet_util import far_cell_xlsx


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("shouhu")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shouhu.manage"]


def test_cli_exits_1_with_the_message_not_134(tmp_path):
    db = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SHOUHU_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "shouhu.settings"}
    env.pop("PYTEST_XDIST_WORKER", None)
    subprocess.run([*_cli(), "migrate", "-v0"], env=env, check=True)
    for dimension in (True, False):
        done = subprocess.run([*_cli(), "import-register", str(far_cell_xlsx(tmp_path / "h.xlsx", dimension=dimension))],
                              env=env, capture_output=True, timeout=120)
        err = done.stderr.decode()
        assert done.returncode == 1, err
        assert "表格范围异常" in err and "Traceback" not in err
    assert not list((tmp_path / "var" / "media" / "imports").glob("*"))  # the failed batches' files are deleted


@pytest.mark.django_db
def test_command_raises_command_error_with_the_message(tmp_path):
    with pytest.raises(CommandError, match="表格范围异常"):
        call_command("import-register", str(far_cell_xlsx(tmp_path / "h.xlsx")))
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED
