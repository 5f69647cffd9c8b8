"""Background jobs (Django Tasks API; database backend by default, replaceable by Celery/RQ)."""
from django_tasks import task

from .services import recompute_all


@task()
def recompute_categories() -> int:
    """Recompute every child's categories (after the county changes a threshold; nightly)."""
    return recompute_all()
