"""Background jobs of data quality (Django Tasks)."""
from django_tasks import task

from shouhu.core import progress

from .models import DuplicateRun
from .services import recheck_all, run_duplicate_part, start_duplicate_run

PROGRESS_KEY = "quality-check"


@task()
def recheck(village_codes: list[str] | None = None) -> int:
    """Check these villages' children (None: the whole county, with the group checks), then
    queue the duplicate run's parts: each a job of its own, for as many workers as there are."""

    def tick(done: int, total: int, phase: str = "正在检查") -> None:
        progress.report(PROGRESS_KEY, done=done, total=total, phase=phase)

    n = recheck_all(village_codes=village_codes, progress=tick, duplicates=False)
    run = start_duplicate_run()
    progress.report(PROGRESS_KEY, done=0, total=len(run.parts), phase="正在查找重复档案")
    for part in run.parts:
        duplicate_part.enqueue(run.pk, part)
    if not run.parts:
        progress.report(PROGRESS_KEY, done=n, total=n, phase="完成")
    return n


@task()
def duplicate_part(run_id: int, part: int) -> int:
    """One part (birth years `part` and `part + 1`) of a duplicate run; the last one closes it."""
    found = run_duplicate_part(run_id, part)
    run = DuplicateRun.objects.get(pk=run_id)
    done, total = len(run.parts_done), len(run.parts)
    progress.report(PROGRESS_KEY, done=done, total=total, phase="完成" if run.finished_at else "正在查找重复档案")
    return found
