"""Key rotation and the encrypting migration (core.rekey, `shouhu rotate-keys`)."""
import io

import pytest
from django.core.management import call_command
from django.db import connection

from shouhu.care.counselling.models import CounsellingSession
from shouhu.core import crypto
from shouhu.core.rekey import rekey
from shouhu.registry.models import Child
from tests.factories import make_child

OLD, NEW = crypto.new_key(), crypto.new_key()


def stored(column="id_number", table="registry_child"):
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} ORDER BY id")
        return [r[0] for r in cur.fetchall()]


def test_rotation_re_encrypts_everything_under_the_new_key_and_is_resumable(world, settings):
    settings.SHOUHU_FIELD_KEYS = [OLD]
    kids = [make_child(world.zhuren, world.guangrong) for _ in range(5)]
    settings.SHOUHU_FIELD_KEYS = [NEW, OLD]
    new_id = crypto.key_id(crypto.parse_key(NEW))
    seen = []

    def stop_after_two(done, changed):
        seen.append(done)
        if done >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # interrupted after the second chunk of one row
        rekey(Child, chunk=1, progress=stop_after_two)
    assert [crypto.encrypted_key_id(v) == new_id for v in stored()] == [True, True, False, False, False]
    out = io.StringIO()
    call_command("rotate-keys", stdout=out)  # carries on: only the rows not yet current are rewritten
    assert "registry.Child: 共 5 行，重写 3 行" in out.getvalue()
    assert all(crypto.encrypted_key_id(v) == new_id for v in stored() + stored(table="registry_historicalchild") if v)
    settings.SHOUHU_FIELD_KEYS = [NEW]  # the old key can go now
    assert [c.id_number for c in Child.objects.order_by("id")] == [k.id_number for k in kids]
    assert rekey(Child) == (5, 0)


def test_a_new_index_key_recomputes_the_indexes(world, settings):
    child = make_child(world.zhuren, world.guangrong)
    settings.SHOUHU_INDEX_KEY = NEW
    assert not Child.objects.with_id_number(child.id_number).exists()
    call_command("rotate-keys", stdout=io.StringIO())
    assert Child.objects.with_id_number(child.id_number).get() == child
    assert Child.objects.filter(id_tail_index=crypto.blind_tail(child.id_number)).exists()


def test_values_in_clear_are_encrypted_and_can_be_decrypted_back(world):
    """What the migration does to rows written before encryption (and its way back)."""
    child = make_child(world.zhuren, world.guangrong)
    CounsellingSession.objects.create(child=child, date=world.today, topic="情绪", notes="想妈妈，夜里哭")
    with connection.cursor() as cur:
        cur.execute("UPDATE registry_child SET id_number = %s, id_number_index = NULL, id_tail_index = NULL", [child.id_number])
        cur.execute("UPDATE care_counsellingsession SET notes = %s", ["想妈妈，夜里哭"])
    call_command("rotate-keys", stdout=io.StringIO())
    assert child.id_number not in repr(stored()) and "想妈妈" not in repr(stored("notes", "care_counsellingsession"))
    assert Child.objects.with_id_number(child.id_number).get() == child
    rekey(CounsellingSession, decrypt=True)
    assert stored("notes", "care_counsellingsession") == ["想妈妈，夜里哭"]
