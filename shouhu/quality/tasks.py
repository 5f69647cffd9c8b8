"""Background jobs of data quality (Django Tasks)."""
from django_tasks import task

from shouhu.core import progress

from .services import recheck_all

PROGRESS_KEY = "quality-check"


@task()
def recheck(village_codes: list[str] | None = None) -> int:
    """Check these villages' children (None: the whole county, with the group checks)."""

    def tick(done: int, total: int, phase: str = "正在检查") -> None:
        progress.report(PROGRESS_KEY, done=done, total=total, phase=phase)

    n = recheck_all(village_codes=village_codes, progress=tick)
    progress.report(PROGRESS_KEY, done=n, total=n, phase="完成")
    return n
