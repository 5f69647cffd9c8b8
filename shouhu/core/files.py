"""Files on disk that hold children's data (exports, sheets in work): the service's user alone reads
them (0600 in 0700 directories, whatever the umask), and leftovers are swept by age."""
import os
from datetime import datetime
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: str | Path) -> Path:
    """`path` made (with its missing parents) or tightened to 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    os.chmod(path, PRIVATE_DIR)
    return path


def private_file(path: str | Path) -> Path:
    """An empty file at `path`, 0600 from its creation on: a writer that opens it again with "w"
    keeps the mode, so the data never sits in a file others could read, not even for a moment."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)  # an existing file keeps its old mode through O_CREAT
    return path


def sweep(directory: str | Path, *, before: datetime, keep: set[Path] = frozenset()) -> int:
    """Delete the files under `directory` last changed before `before`, except `keep`; tighten
    what stays (files made before these modes were set). Returns how many were deleted."""
    directory = Path(directory)
    if not directory.is_dir():
        return 0
    private_dir(directory)
    limit = before.timestamp()
    deleted = 0
    for root, dirs, files in os.walk(directory):
        for d in dirs:
            os.chmod(Path(root) / d, PRIVATE_DIR)
        for name in files:
            path = Path(root) / name
            if path not in keep and path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
                deleted += 1
            else:
                os.chmod(path, PRIVATE_FILE)
    return deleted
