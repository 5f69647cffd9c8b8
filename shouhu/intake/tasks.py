"""Background jobs of the register sheet (Django Tasks; the database backend by default)."""
from django_tasks import task


@task()
def check_import(batch_id: int) -> str:
    from .models import ImportBatch
    from .services import import_check

    return import_check(ImportBatch.objects.get(pk=batch_id)).status


@task()
def write_import(batch_id: int) -> str:
    from .models import ImportBatch
    from .services import import_write

    return import_write(ImportBatch.objects.get(pk=batch_id)).status


@task()
def run_export(job_id: int) -> str:
    from .export import export_run
    from .models import ExportJob

    return export_run(ExportJob.objects.get(pk=job_id)).status
