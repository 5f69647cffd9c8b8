"""The import streams rows into the database while it derives the next ones (`bulk.insert(prepare=…)`):
a row refused half-way through a COPY must still leave nothing behind, and the import can be retried."""
from shouhu.intake.models import ImportBatch
from shouhu.intake.services import import_check, import_confirm, import_create, import_write
from shouhu.registry.models import Child
from tests.intake_util import boy, sheet_row, write_xlsx


def test_refusal_in_the_middle_of_a_copy_writes_nothing(world, tmp_path, monkeypatch):
    from shouhu.accounts import scope

    path = write_xlsx(tmp_path / "a.xlsx", [sheet_row(), boy(), boy(**{"姓名": "陈小龙"})])
    batch = import_check(import_create(actor=world.zhuren, path=path, filename=path.name, run=False))
    assert batch.status == ImportBatch.Status.PREVIEW, batch.message
    calls = []
    real = scope.Scope.can_edit_village

    def refuses_the_second(self, code):  # the scope changes after the first child's row was sent
        calls.append(code)
        return len(calls) < 2

    monkeypatch.setattr(scope.Scope, "can_edit_village", refuses_the_second)
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    batch = import_write(batch)
    assert batch.status == ImportBatch.Status.PREVIEW and "没有写入任何数据" in batch.message, batch.message
    assert Child.objects.count() == 0 and Child.history.count() == 0
    monkeypatch.setattr(scope.Scope, "can_edit_village", real)
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    assert import_write(batch).status == ImportBatch.Status.DONE
    assert Child.objects.count() == 3 and Child.history.count() == 3
