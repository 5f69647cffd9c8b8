"""Child records at rest: ID numbers are ciphertext in the table and its history; exact search,
the last-four search, matching and uniqueness go through the keyed blind indexes."""
import pytest
from django.db import IntegrityError, connection, transaction

from shouhu.core.errors import Conflict
from shouhu.registry import selectors
from shouhu.registry.models import Child
from shouhu.registry.services import children_bulk_write
from tests.factories import child_values, make_child

NUMBER_COLUMNS = ("id_number", "father_id_number", "mother_id_number", "carer_id_number")


def raw(table: str, columns=NUMBER_COLUMNS) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM {table}")
        return repr(cur.fetchall())


def people(world, **over):
    return dict(father_id_number="421088198001011234", mother_id_number="421088198202022345",
                carer_id_number="421088195003033456", **over)


def test_table_and_history_hold_no_clear_id_number(world):
    """Reproduces "ID numbers are stored in clear": a SQL read of registry_child (and of its
    history) showed the child's, parents' and carer's numbers as typed."""
    child = make_child(world.zhuren, world.guangrong, **people(world))
    child.name = "陆金花"
    child.save()
    for table in ("registry_child", "registry_historicalchild"):
        text = raw(table)
        for n in (child.id_number, "421088198001011234", "421088198202022345", "421088195003033456", child.id_number[-6:]):
            assert n not in text, table
    child.refresh_from_db()
    assert child.father_id_number == "421088198001011234"  # read back in clear through the model
    assert {h.id_number for h in child.history.all()} == {child.id_number}


@pytest.mark.django_db(transaction=True)
def test_bulk_writes_encrypt_too(world):
    """The import writes by COPY on PostgreSQL and bulk_update for changed rows: neither may
    bypass the encryption (COPY has its own converters, bulk_update a CASE expression)."""
    with transaction.atomic():
        [(new, _)] = [(Child(**child_values(world.guangrong, **people(world))), world.guangrong.code)]
        children_bulk_write(actor=world.admin, new=[(new, world.guangrong.code)], changed=[], reason="导入")
    child = Child.objects.get()
    child.carer_id_number = "421088195505055678"
    child.id_number = "421088201501011111"
    with transaction.atomic():
        children_bulk_write(actor=world.admin, new=[], changed=[(child, child.village_code, ["carer_id_number", "id_number"])], reason="导入")
    for table in ("registry_child", "registry_historicalchild"):
        text = raw(table)
        for n in ("421088195505055678", "421088201501011111", "421088198001011234", new.id_number):
            assert n not in text
    assert Child.objects.with_id_number("421088201501011111").get().carer_id_number == "421088195505055678"
    assert not Child.objects.with_id_number(new.id_number).exists()  # the index followed the update


def test_search_by_whole_number_and_by_its_end(world):
    child = make_child(world.zhuren, world.guangrong)
    make_child(world.zhuren, world.guangrong)
    number = child.id_number

    def found(q):
        return list(selectors.list_children(world.admin, selectors.ChildFilter(q=q)))

    assert found(number) == [child]
    assert found(number.lower()) == [child]
    assert child in found(number[-4:]) and child in found(number[-7:])
    assert found(number[-7:]) == [c for c in found(number[-4:]) if c.id_number.endswith(number[-7:])]


def test_search_by_number_still_keeps_the_scope(world):
    """Out of scope is not found, by number as by name (the index query is only ids)."""
    child = make_child(world.zhuren_hongxing, world.hongxing)
    assert list(selectors.list_children(world.zhuren, selectors.ChildFilter(q=child.id_number))) == []
    assert list(selectors.list_children(world.zhuren, selectors.ChildFilter(q=child.id_number[-5:]))) == []


def test_one_number_one_record_through_the_index(world):
    """The unique constraint moved from the number (ciphertext differs each time) to its index."""
    child = make_child(world.zhuren, world.guangrong)
    twin = Child(**child_values(world.guangrong, id_number=child.id_number.lower()))
    with pytest.raises(Exception) as e:
        twin.validate_unique()
    assert "id_number" in e.value.message_dict
    with pytest.raises(Conflict) as e:  # the service says it on the field
        make_child(world.zhuren, world.guangrong, id_number=child.id_number)
    assert e.value.field == "id_number"
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database holds it whatever the writer
        Child.objects.create(**child_values(world.guangrong, id_number=child.id_number, village_code=world.guangrong.code,
                                            township_code=world.maoshi.code))
    make_child(world.zhuren, world.guangrong, id_number=None)  # many without a number
    make_child(world.zhuren, world.guangrong, id_number=None)


def test_a_lookup_by_value_on_an_encrypted_column_is_refused(world):
    """Ciphertext never equals a value: such a query would silently find nothing."""
    with pytest.raises(TypeError):
        Child.objects.filter(id_number="421088201501011111").exists()
    assert not Child.objects.filter(father_id_number="").exists()  # "is empty" still works
