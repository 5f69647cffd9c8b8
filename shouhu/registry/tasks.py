"""Background jobs (Django Tasks API; database backend by default, replaceable by Celery/RQ)."""
from django_tasks import task


@task()
def recompute_categories() -> int:
    """Recompute every child's categories (after the county changes a threshold; nightly)."""
    from .services import recompute_all

    return recompute_all()
