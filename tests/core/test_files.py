"""core.files: owner-only files and directories whatever the umask; the sweep by age."""
import os
import stat
import time
from datetime import datetime, timedelta

from shouhu.core.files import private_dir, private_file, sweep


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_private_modes_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        d = private_dir(tmp_path / "a" / "b")
        f = private_file(d / "x.csv")
        with open(f, "w") as out:  # a writer opening it again keeps the mode
            out.write("data")
    finally:
        os.umask(old)
    assert mode(d) == 0o700 and mode(f) == 0o600 and f.read_text() == "data"
    loose = tmp_path / "loose"
    loose.write_text("x")
    loose.chmod(0o644)
    assert mode(private_file(loose)) == 0o600


def test_sweep_deletes_old_keeps_named_and_tightens(tmp_path):
    old, kept, new = tmp_path / "old", tmp_path / "kept", tmp_path / "new"
    for p in (old, kept, new):
        p.write_text("x")
        p.chmod(0o644)
    then = time.time() - 90000
    for p in (old, kept):
        os.utime(p, (then, then))
    assert sweep(tmp_path, before=datetime.now() - timedelta(hours=24), keep={kept}) == 1
    assert not old.exists() and kept.exists() and new.exists()
    assert mode(kept) == 0o600 and mode(new) == 0o600 and mode(tmp_path) == 0o700
    assert sweep(tmp_path / "missing", before=datetime.now()) == 0
