"""registry.services and versions: every write of a child raises its version — form, API, import,
merge — and a save over a version the user did not read is refused."""
import pytest

from shouhu.core.versions import Stale
from shouhu.intake.services import import_check, import_confirm, import_create, import_write
from shouhu.registry.history import changes_since
from shouhu.registry.models import Child
from shouhu.registry.services import child_merge, child_update, recompute_all
from shouhu.rules.idcard import mask_id
from tests.factories import make_child
from tests.intake_util import sheet_row, write_xlsx


def test_update_over_an_older_version_is_refused_and_changes_nothing(world):
    """Reproduces the lost update: two people opened the record; the second save put the first's
    change back. Now the second is refused and the first's change stays."""
    child = make_child(world.admin, world.guangrong)
    a, b = Child.objects.get(pk=child.pk), Child.objects.get(pk=child.pk)
    a.carer_phone = "13800000001"
    child_update(actor=world.zhuren, child=a, expected_version=1)
    b.address_detail = "三组12号"
    with pytest.raises(Stale):
        child_update(actor=world.zhuren, child=b, expected_version=1)
    child.refresh_from_db()
    assert child.version == 2 and child.carer_phone == "13800000001" and child.address_detail == ""
    assert child.history.count() == 2


def test_update_without_a_version_checks_the_one_it_loaded(world):
    child = make_child(world.admin, world.guangrong)
    stale = Child.objects.get(pk=child.pk)
    child_update(actor=world.zhuren, child=Child.objects.get(pk=child.pk))
    with pytest.raises(Stale):
        child_update(actor=world.zhuren, child=stale)


def test_import_update_raises_the_version(world, tmp_path):
    """Reproduces: a form opened before an import saved over it (the import left the version)."""
    row = sheet_row()
    batch = import_check(import_create(actor=world.zhuren, path=write_xlsx(tmp_path / "a.xlsx", [row]), filename="a.xlsx", run=False))
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    import_write(batch)
    child = Child.objects.get()
    assert child.version == 1
    opened = Child.objects.get(pk=child.pk)  # a form opened now
    path = write_xlsx(tmp_path / "b.xlsx", [{**row, "委托照护人电话": "13700000009"}])
    batch = import_check(import_create(actor=world.zhuren, path=path, filename="b.xlsx", run=False))
    import_confirm(actor=world.zhuren, batch=batch, run=False)
    import_write(batch)
    child.refresh_from_db()
    assert child.version == 2 and child.carer_phone == "13700000009"
    assert child.history.order_by("-history_id").first().version == 2
    opened.address_detail = "x"
    with pytest.raises(Stale):
        child_update(actor=world.zhuren, child=opened, expected_version=1)


def test_merge_raises_both_versions(world):
    """Reproduces: a form opened before a merge (quality's pair merge calls child_merge) saved over it."""
    keep = make_child(world.admin, world.guangrong, name="陆金兰")
    other = make_child(world.admin, world.guangrong, name="陆晶兰", id_number="", birth_date=keep.birth_date)
    opened = Child.objects.get(pk=keep.pk)
    child_merge(actor=world.zhuren, keep=keep, other=other)
    keep.refresh_from_db()
    other.refresh_from_db()
    assert keep.version == 2 and other.version == 2
    with pytest.raises(Stale):
        child_update(actor=world.zhuren, child=opened, expected_version=1)


def test_nightly_recompute_keeps_the_version(world):
    child = make_child(world.admin, world.guangrong)
    recompute_all()
    child.refresh_from_db()
    assert child.version == 1


def test_changes_since_lists_the_other_edit_masked(world):
    child = make_child(world.admin, world.guangrong)
    a = Child.objects.get(pk=child.pk)
    a.carer_phone, a.father_id_number = "13800000001", "421088198001011234"
    child_update(actor=world.dudao, child=a)
    stale = changes_since(Child.objects.get(pk=child.pk), 1, mask=mask_id)
    assert stale.who == str(world.dudao) and stale.version == 2
    shown = {c.field: (c.old, c.new) for c in stale.changes}
    assert shown["委托照护人电话"] == ("13712345678", "13800000001")
    assert shown["父亲身份号码"] == ("—", mask_id("421088198001011234"))
    assert "版本" not in shown
    only = changes_since(Child.objects.get(pk=child.pk), 1, fields=frozenset({"name"}))
    assert only.changes == []
