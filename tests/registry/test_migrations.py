"""The migration that encrypts the ID numbers already in the database (registry 0006)."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shouhu.registry.models import Child

BEFORE, AFTER = ("registry", "0006_version"), ("registry", "0007_encrypted_fields")


@pytest.mark.django_db(transaction=True)
def test_existing_numbers_are_encrypted_and_indexed(world):
    """Reproduces the clear numbers of a county upgraded from the version before encryption."""
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    OldChild = executor.loader.project_state([BEFORE]).apps.get_model("registry", "Child")
    old = OldChild.objects.create(name="陆金兰", sex="女", birth_date="2016-05-01", id_number="42108820160501002X",
                                  father_id_number="421088198001011234", village_id=world.guangrong.pk,
                                  village_code=world.guangrong.code, township_code=world.maoshi.code)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([AFTER])
    with connection.cursor() as cur:
        cur.execute("SELECT id_number, father_id_number FROM registry_child")
        text = repr(cur.fetchall())
    assert "42108820160501002X" not in text and "421088198001011234" not in text
    child = Child.objects.with_id_number("42108820160501002X").only("id", "father_id_number").get()  # columns of 0007
    assert child.pk == old.pk and child.father_id_number == "421088198001011234"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
