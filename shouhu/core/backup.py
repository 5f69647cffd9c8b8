"""Encrypted backups of the database and the uploaded files (photos, care agreements, visit photos).

A backup file is a tar stream (manifest.json, the database, media/…) encrypted with AES-256-GCM in
64 KiB records, so a dump of a 100,000-children county (hundreds of MB) is never held in memory.
Records are bound to their position and the last one is marked, so a reordered, cut or edited file
fails to decrypt instead of restoring part of a county. The key (SHOUHU_BACKUP_KEY, 32 bytes in
base64) is kept apart from the backups: a stolen backup is then only ciphertext (个人信息保护法
Art. 51: encryption of personal information; children's information is sensitive, Art. 28).

PostgreSQL is dumped with `pg_dump -Fc` and restored with `pg_restore`; the password goes through
PGPASSWORD, never the command line (which every user of the box can read in `ps`). SQLite is
copied with its online backup API, consistent while the server keeps writing. The database member
is written to a private (0700) temporary directory first, because a tar member states its size
before its bytes; the directory is removed before the command returns.
"""
import base64
import binascii
import io
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import tarfile
import tempfile
import time
from enum import StrEnum
from pathlib import Path

import psycopg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connections

from shouhu.core.errors import Conflict, ServiceError

MAGIC = b"SHOUHU-BACKUP-1\n"
CHUNK = 64 * 1024
_RECORD = struct.Struct(">BI")  # last-record flag, ciphertext length


class BackupErrorCode(StrEnum):
    NO_KEY = "backup_no_key"
    BAD_KEY = "backup_bad_key"  # wrong key, or the file was changed or cut
    NOT_A_BACKUP = "backup_not_a_backup"
    WRONG_ENGINE = "backup_wrong_engine"
    NOT_EMPTY = "backup_not_empty"
    TOOL_FAILED = "backup_tool_failed"


def parse_key(text: str | None) -> bytes:
    if not text:
        raise ServiceError("未设置备份密钥 SHOUHU_BACKUP_KEY（32 字节，base64 编码）", code=BackupErrorCode.NO_KEY)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ServiceError("备份密钥应为 32 字节的 base64 编码", code=BackupErrorCode.NO_KEY)
    return key


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _aad(index: int, last: bool) -> bytes:
    return MAGIC + struct.pack(">QB", index, last)


class EncryptingWriter(io.RawIOBase):
    """A write-only file: what is written comes out as encrypted records in `raw`."""

    def __init__(self, raw, key: bytes):
        self.raw, self.aead = raw, AESGCM(key)
        self.buf = bytearray()
        self.index = 0
        raw.write(MAGIC)

    def writable(self):
        return True

    def write(self, data) -> int:
        self.buf += data
        while len(self.buf) > CHUNK:
            self._emit(bytes(self.buf[:CHUNK]), last=False)
            del self.buf[:CHUNK]
        return len(data)

    def _emit(self, plain: bytes, *, last: bool):
        nonce = os.urandom(12)
        ct = self.aead.encrypt(nonce, plain, _aad(self.index, last))
        self.raw.write(_RECORD.pack(last, len(ct)) + nonce + ct)
        self.index += 1

    def close(self):
        if not self.closed:
            self._emit(bytes(self.buf), last=True)
            self.buf.clear()
        super().close()


class DecryptingReader(io.RawIOBase):
    def __init__(self, raw, key: bytes):
        self.raw, self.aead = raw, AESGCM(key)
        if raw.read(len(MAGIC)) != MAGIC:
            raise ServiceError("该文件不是守护系统的备份文件", code=BackupErrorCode.NOT_A_BACKUP)
        self.buf = b""
        self.index = 0
        self.done = False

    def readable(self):
        return True

    def _next(self):
        head = self.raw.read(_RECORD.size + 12)
        if len(head) < _RECORD.size + 12:
            raise ServiceError("备份文件不完整（被截断）", code=BackupErrorCode.BAD_KEY)
        last, length = _RECORD.unpack(head[: _RECORD.size])
        ct = self.raw.read(length)
        try:
            self.buf = self.aead.decrypt(head[_RECORD.size:], ct, _aad(self.index, bool(last)))
        except InvalidTag:
            raise ServiceError("备份密钥不正确，或备份文件已被改动", code=BackupErrorCode.BAD_KEY) from None
        self.index += 1
        self.done = bool(last)

    def readinto(self, b) -> int:
        while not self.buf and not self.done:
            self._next()
        n = min(len(b), len(self.buf))
        b[:n] = self.buf[:n]
        self.buf = self.buf[n:]
        return n


# --- the database -------------------------------------------------------------------------

def _engine(db: dict) -> str:
    engine = db["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise ServiceError(f"不支持备份该数据库：{engine}", code=BackupErrorCode.WRONG_ENGINE)


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = []
    if db.get("HOST"):
        args += ["-h", str(db["HOST"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(argv: list[str], env: dict):
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise ServiceError(f"{argv[0]} 失败：{done.stderr.strip()[-500:]}", code=BackupErrorCode.TOOL_FAILED)


def _dump_database(using: str, path: Path) -> str:
    connection = connections[using]
    engine = _engine(connection.settings_dict)
    if engine == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        _run(["pg_dump", "-Fc", "--no-owner", "--no-privileges", *args, "-f", str(path), connection.settings_dict["NAME"]], env)
    else:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    return engine


def database_is_empty(db: dict) -> bool:
    """No tables at all: a database just created, never migrated."""
    if _engine(db) == "postgresql":
        with psycopg.connect(dbname=db["NAME"], user=db.get("USER") or None, password=db.get("PASSWORD") or None,
                             host=db.get("HOST") or None, port=db.get("PORT") or None) as conn:
            return conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    if not Path(db["NAME"]).exists():
        return True
    conn = sqlite3.connect(db["NAME"])
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
    finally:
        conn.close()


def _load_database(db: dict, path: Path, *, force: bool):
    if _engine(db) == "postgresql":
        args, env = _pg_args(db)
        # one transaction: a failed restore leaves the database as it was
        clean = ["--clean", "--if-exists"] if force else []
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *clean,
              *args, "-d", db["NAME"], str(path)], env)
    else:
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        source, target = sqlite3.connect(path), sqlite3.connect(db["NAME"])
        try:
            source.backup(target)  # replaces every page of the target
        finally:
            source.close()
            target.close()


# --- the backup file --------------------------------------------------------------------------

def backup(out_path, *, key: bytes, using: str = "default", media_root=None) -> dict:
    """Write an encrypted backup of the database `using` (and the files under `media_root`)."""
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="shouhu-backup-") as tmp:
        dump = Path(tmp) / "db"
        engine = _dump_database(using, dump)
        manifest = {"format": 1, "engine": engine}
        partial = out_path.with_name(out_path.name + ".part")
        with open(partial, "wb") as raw:
            os.chmod(partial, 0o600)
            writer = EncryptingWriter(raw, key)
            with tarfile.open(fileobj=writer, mode="w|") as tar:
                data = json.dumps(manifest).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname="db")
                if media_root and Path(media_root).is_dir():
                    tar.add(media_root, arcname="media")
            writer.close()
        partial.replace(out_path)  # a crash mid-way never leaves a file that looks like a backup
    return manifest


def restore(in_path, *, key: bytes, db: dict, media_root=None, force: bool = False) -> dict:
    """Restore a backup into the database described by `db` (a DATABASES entry). A database
    that already has tables is refused unless `force` (the restore then replaces them)."""
    engine = _engine(db)
    if not force and not database_is_empty(db):
        raise Conflict("目标数据库不是空的；确认要覆盖请加 --force", code=BackupErrorCode.NOT_EMPTY)
    with open(in_path, "rb") as raw, tempfile.TemporaryDirectory(prefix="shouhu-restore-") as tmp:
        reader = io.BufferedReader(DecryptingReader(raw, key), CHUNK)
        manifest = None
        with tarfile.open(fileobj=reader, mode="r|") as tar:
            for member in tar:
                if member.name == "manifest.json":
                    manifest = json.loads(tar.extractfile(member).read())
                    if manifest.get("engine") != engine:
                        raise ServiceError(f"该备份来自 {manifest.get('engine')} 数据库，不能恢复到 {engine}",
                                           code=BackupErrorCode.WRONG_ENGINE)
                elif member.name == "db":
                    tar.extract(member, tmp, filter="data")
                elif member.name == "media" or member.name.startswith("media/"):
                    if media_root:
                        tar.extract(member, tmp, filter="data")  # the data filter refuses ../ and absolute paths
        if manifest is None or not (Path(tmp) / "db").exists():
            raise ServiceError("备份文件缺少数据库内容", code=BackupErrorCode.NOT_A_BACKUP)
        _load_database(db, Path(tmp) / "db", force=force)
        if media_root and (Path(tmp) / "media").is_dir():
            shutil.copytree(Path(tmp) / "media", media_root, dirs_exist_ok=True)
    return manifest


def prune(directory, *, keep_days: int, pattern: str = "shouhu-*.backup") -> list[Path]:
    """Remove backups older than `keep_days` days (by modification time); return what went."""
    cutoff = time.time() - keep_days * 86400
    gone = []
    for path in sorted(Path(directory).glob(pattern)):
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            gone.append(path)
    return gone
