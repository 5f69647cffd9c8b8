"""Backups (core/backup.py and `shouhu backup` / `shouhu restore`): before them a county had no
backup or restore at all. The round trip restores into an empty database of the same engine
(SQLite: a fresh file; PostgreSQL: a fresh database) and compares every table's row count and a
checksum of the children; it runs on whichever database the suite runs on."""
import hashlib
import io
import os
import sqlite3
import time

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from shouhu.core import backup
from shouhu.core.errors import ServiceError
from tests.factories import make_child

KEY = backup.parse_key(backup.new_key())


def _tables(conn, engine):
    if engine == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    return [r[0] for r in conn.execute(sql).fetchall()]


def fingerprint(conn, engine):
    """Every table's row count, and sha256 over the children's rows in id order."""
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in _tables(conn, engine)}
    digest = hashlib.sha256()
    for row in conn.execute("SELECT * FROM registry_child ORDER BY id").fetchall():
        digest.update(repr(row).encode())
    return counts, digest.hexdigest()


def _pg_connect(db, name):
    return psycopg.connect(dbname=name, user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or None,
                           port=db["PORT"] or None, autocommit=True)


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the suite's engine, and a way to open it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        target = {**db, "NAME": str(tmp_path / "restored.sqlite3")}
        yield target, lambda: sqlite3.connect(target["NAME"])
        return
    name = f"{db['NAME']}_restore"[:63]
    with _pg_connect(db, "postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**db, "NAME": name}, lambda: _pg_connect(db, name)
    finally:
        with _pg_connect(db, "postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _source():
    """The suite's database through a plain DB-API connection (so values compare with the target's):
    SQLite's in-memory test database is copied out with the same online backup API."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        plain = sqlite3.connect(":memory:")
        connection.connection.backup(plain)
        return plain
    return _pg_connect(connection.settings_dict, connection.settings_dict["NAME"])


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_every_row_into_an_empty_database(world, tmp_path, empty_target):
    """Reproduces the missing restore: backup, restore into an empty database, same counts and children."""
    for i in range(5):
        make_child(world.zhuren, world.guangrong, name=f"陆{'一二三四五'[i]}兰")
    make_child(world.zhuren_hongxing, world.hongxing, sex="男", name="张小军")
    media = tmp_path / "media"
    (media / "visits" / "2026").mkdir(parents=True)
    (media / "visits" / "2026" / "a.jpg").write_bytes(b"\xff\xd8photo")
    out = tmp_path / "county.backup"

    manifest = backup.backup(out, key=KEY, media_root=media)
    target, open_target = empty_target
    restored_media = tmp_path / "restored-media"
    backup.restore(out, key=KEY, db=target, media_root=restored_media)

    engine = manifest["engine"]
    source = _source()
    try:
        before = fingerprint(source, engine)
    finally:
        source.close()
    restored = open_target()
    try:
        after = fingerprint(restored, engine)
    finally:
        restored.close()
    assert before[0]["registry_child"] == 6
    assert after == before
    assert (restored_media / "visits" / "2026" / "a.jpg").read_bytes() == b"\xff\xd8photo"
    # the file is ciphertext: no child's name or the photo's bytes in the clear
    blob = out.read_bytes()
    assert "陆一兰".encode() not in blob and b"\xff\xd8photo" not in blob

    # a second restore into the now-populated database is refused without --force
    with pytest.raises(ServiceError) as err:
        backup.restore(out, key=KEY, db=target)
    assert err.value.code == backup.BackupErrorCode.NOT_EMPTY


@pytest.mark.django_db(transaction=True)
def test_wrong_key_is_a_clear_error(world, tmp_path, empty_target):
    out = tmp_path / "county.backup"
    backup.backup(out, key=KEY)
    with pytest.raises(ServiceError) as err:
        backup.restore(out, key=os.urandom(32), db=empty_target[0])
    assert err.value.code == backup.BackupErrorCode.BAD_KEY
    assert "密钥" in err.value.message


def _encrypt(data: bytes) -> bytes:
    raw = io.BytesIO()
    w = backup.EncryptingWriter(raw, KEY)
    w.write(data)
    w.close()
    return raw.getvalue()


def _decrypt(blob: bytes) -> bytes:
    return backup.DecryptingReader(io.BytesIO(blob), KEY).read()


@pytest.mark.parametrize("size", [0, 1, backup.CHUNK - 1, backup.CHUNK, backup.CHUNK + 1, 3 * backup.CHUNK + 17])
def test_chunked_encryption_round_trips_every_size(size):
    data = os.urandom(size)
    assert _decrypt(_encrypt(data)) == data


def test_a_cut_or_edited_file_is_refused():
    """A backup cut at a record boundary must not restore as a shorter county."""
    blob = _encrypt(os.urandom(3 * backup.CHUNK))
    record = 5 + 12 + backup.CHUNK + 16
    with pytest.raises(ServiceError):
        _decrypt(blob[: len(backup.MAGIC) + record])
    edited = bytearray(blob)
    edited[-1] ^= 1
    with pytest.raises(ServiceError):
        _decrypt(bytes(edited))
    with pytest.raises(ServiceError) as err:
        _decrypt(b"PGDMP" + blob)
    assert err.value.code == backup.BackupErrorCode.NOT_A_BACKUP


@pytest.mark.parametrize("text", [None, "", "short", "!!!not base64!!!", "QUJD"])
def test_a_missing_or_malformed_key_is_refused(text):
    with pytest.raises(ServiceError):
        backup.parse_key(text)


@pytest.mark.django_db(transaction=True)
def test_commands_back_up_into_a_directory_and_prune_old_ones(world, tmp_path, settings):
    settings.SHOUHU_BACKUP_KEY = backup.new_key()
    old = tmp_path / "shouhu-20200101-000000.backup"
    old.write_bytes(b"old")
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    call_command("backup", "--dir", str(tmp_path), "--keep-days", "30", "--no-media", stdout=io.StringIO())
    left = sorted(p.name for p in tmp_path.glob("shouhu-*.backup"))
    assert len(left) == 1 and left[0] != old.name
    settings.SHOUHU_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="SHOUHU_BACKUP_KEY"):
        call_command("backup", str(tmp_path / "x.backup"))
