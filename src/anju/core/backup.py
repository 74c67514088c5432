"""One consistent archive of everything anju keeps: ``anju backup`` and ``anju restore``.

The archive is a gzip-compressed tar:

  database/anju.sqlite3   SQLite's online backup (one consistent snapshot while the server writes), or
  database/anju.pgdump    ``pg_dump --format=custom`` (PostgreSQL's own consistent snapshot)
  data/...                the data folder: key files, uploads, trained models (not the collected static files)
  manifest.json           last: format, versions, time, the database, the field key ids, sha256 and size of
                          every other member; ``uploads`` names the bucket when uploads are kept in object
                          storage (then they are not in the archive: the bucket has its own backup)

The database is taken first, then the files: uploads are written before the row that names them commits,
and keys are only ever added (rotation), so every file and key the snapshot needs is in the archive.

With a passphrase the whole stream is encrypted (``encryption.py``). Restoring reads the archive into a
staging folder, checks every checksum, and only then puts the database and the files in place; it refuses
a data folder or a database that is not empty. This module imports no Django, so restoring does not create
anything in the target data folder before it is checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 (pg_dump / pg_restore with argument lists, no shell)
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from anju.core.encryption import MAGIC, BackupError, DecryptingReader, EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/anju.sqlite3"
PGDUMP_MEMBER = "database/anju.pgdump"
SKIPPED_TOP_LEVEL = {"static"}  # collected static files: rebuilt from the package
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
CHUNK = 1 << 20

__all__ = ["BackupError", "BackupSummary", "create_backup", "restore_backup", "is_encrypted"]


@dataclass
class BackupSummary:
    path: Path
    manifest: dict

    @property
    def files(self) -> int:
        return sum(1 for name in self.manifest["files"] if name.startswith("data/"))

    @property
    def size(self) -> int:
        return sum(entry["size"] for entry in self.manifest["files"].values())


# Taking the snapshot ----------------------------------------------------------------------------------


def _pg_env_and_args(database: dict) -> tuple[dict, list[str]]:
    env = dict(os.environ)
    args = []
    if database.get("HOST"):
        args += ["--host", str(database["HOST"])]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", str(database["USER"])]
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env, args


def _run(argv: list[str], env: dict, what: str) -> None:
    try:
        # argv is built here from the database settings; no shell
        done = subprocess.run(argv, env=env, capture_output=True, text=True)  # nosec B603
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {argv[0]}：请安装 PostgreSQL 客户端（postgresql-client）") from exc
    if done.returncode != 0:
        raise BackupError(f"{what}失败：{done.stderr.strip()}")


def _dump_database(connection, into: Path) -> tuple[str, Path]:
    """A consistent copy of the live database in ``into``: (archive member name, file)."""
    vendor = connection.vendor
    if connection.in_atomic_block:  # SQLite's backup would wait forever for its own write lock
        raise BackupError("不能在数据库事务中备份")
    if vendor == "sqlite":
        target = into / "anju.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)  # one step: a single read transaction, one snapshot
        finally:
            copy.close()
        return SQLITE_MEMBER, target
    if vendor == "postgresql":
        target = into / "anju.pgdump"
        env, args = _pg_env_and_args(connection.settings_dict)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), *args]
            + [connection.settings_dict["NAME"]],
            env,
            "pg_dump ",
        )
        return PGDUMP_MEMBER, target
    raise BackupError(f"不支持备份 {vendor} 数据库")


def _data_files(data_dir: Path, skip: set[Path]) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(data_dir):
        here = Path(root)
        if here == data_dir:
            dirs[:] = [d for d in dirs if d not in SKIPPED_TOP_LEVEL and not d.startswith(".")]
        for name in sorted(names):
            path = here / name
            if path in skip or name.startswith(".") or not path.is_file() or path.is_symlink():
                continue
            files.append(path)
        dirs.sort()
    return files


class _HashingReader:
    def __init__(self, handle):
        self.handle, self.sha = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha.update(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, arcname: str, files: dict) -> None:
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = tarfile.TarInfo(arcname)
        info.size, info.mode, info.mtime = size, 0o600, int(os.fstat(handle.fileno()).st_mtime)
        reader = _HashingReader(handle)
        tar.addfile(info, reader)  # reads exactly ``size`` bytes
    files[arcname] = {"sha256": reader.sha.hexdigest(), "size": size}


def _migrations(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def create_backup(
    out: Path,
    *,
    connection,
    data_dir: Path,
    field_key_ids: list[str],
    field_keys_in_archive: bool,
    passphrase: str | None = None,
    now: dt.datetime | None = None,
    uploads_elsewhere: str = "",
) -> BackupSummary:
    """Write the archive to ``out`` (atomically: a half-written archive never carries the name)."""
    out = Path(out).resolve()
    data_dir = Path(data_dir).resolve()
    if out.exists():
        raise BackupError(f"{out} 已存在：请换一个文件名")
    skip = {out}
    if connection.vendor == "sqlite":
        db_file = Path(connection.settings_dict["NAME"]).resolve()
        skip |= {db_file, *(Path(f"{db_file}{side}") for side in SQLITE_SIDE_FILES)}
    fd, partial = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    staging = Path(tempfile.mkdtemp(prefix=".backup-", dir=out.parent))
    try:
        db_member, db_file = _dump_database(connection, staging)
        files: dict[str, dict] = {}
        with os.fdopen(fd, "wb") as raw:
            sink = EncryptingWriter(raw, passphrase) if passphrase else raw
            with tarfile.open(fileobj=sink, mode="w|gz") as tar:
                _add(tar, db_file, db_member, files)
                db_file.unlink()
                for path in _data_files(data_dir, skip):
                    _add(tar, path, "data/" + path.relative_to(data_dir).as_posix(), files)
                manifest = {
                    "format": FORMAT,
                    "anju_version": importlib.metadata.version("anju"),
                    "created_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
                    "database": {
                        "vendor": connection.vendor,
                        "member": db_member,
                        "migrations": _migrations(connection),
                    },
                    "field_keys": {"key_ids": field_key_ids, "in_archive": field_keys_in_archive},
                    "encrypted": bool(passphrase),
                    "files": files,
                }
                if uploads_elsewhere:
                    manifest["uploads"] = uploads_elsewhere
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(body), 0o600, int(dt.datetime.now().timestamp())
                tar.addfile(info, _BytesReader(body))
            if passphrase:
                sink.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, out)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupSummary(out, manifest)


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def read(self, size=-1):
        end = len(self.data) if size is None or size < 0 else self.pos + size
        chunk, self.pos = self.data[self.pos : end], min(end, len(self.data))
        return chunk


# Bringing it back -------------------------------------------------------------------------------------


def is_encrypted(archive: Path) -> bool:
    with open(archive, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def _member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份中有不安全的路径：{name}")
    if name != MANIFEST and path.parts[0] not in ("data", "database"):
        raise BackupError(f"备份中有意外的内容：{name}")
    return path


def _extract_verified(archive: Path, staging: Path, passphrase: Callable[[], str] | None) -> dict:
    """Extract into ``staging`` and check every member against the manifest; return the manifest."""
    actual: dict[str, dict] = {}
    manifest = None
    with open(archive, "rb") as raw:
        if raw.read(len(MAGIC)) == MAGIC:
            if passphrase is None:
                raise BackupError("这个备份已加密：请提供口令（ANJU_BACKUP_PASSPHRASE 或交互输入）")
            raw.seek(0)
            source = DecryptingReader(raw, passphrase())
        else:
            raw.seek(0)
            source = raw
        try:
            with tarfile.open(fileobj=source, mode="r|gz") as tar:
                for member in tar:
                    if not member.isfile():
                        raise BackupError(f"备份中有意外的内容：{member.name}")
                    path = _member_path(member.name)
                    handle = tar.extractfile(member)
                    if member.name == MANIFEST:
                        manifest = json.loads(handle.read().decode("utf-8"))
                        continue
                    target = staging.joinpath(*path.parts)
                    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                    sha, size = hashlib.sha256(), 0
                    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
                        while block := handle.read(CHUNK):
                            sha.update(block)
                            size += len(block)
                            out.write(block)
                    actual[member.name] = {"sha256": sha.hexdigest(), "size": size}
        except (tarfile.TarError, EOFError, OSError) as exc:
            if isinstance(exc, FileExistsError):
                raise BackupError("备份中有重复的文件") from exc
            raise BackupError(f"备份文件已损坏或不完整：{exc}") from exc
    if manifest is None:
        raise BackupError("备份中没有 manifest.json：不是完整的 anju 备份")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')}（本程序支持 {FORMAT}）")
    expected = manifest["files"]
    if set(expected) != set(actual):
        missing, extra = sorted(set(expected) - set(actual)), sorted(set(actual) - set(expected))
        raise BackupError(f"备份内容与清单不符：缺少 {missing}，多出 {extra}")
    bad = sorted(name for name in expected if expected[name] != actual[name])
    if bad:
        raise BackupError(f"校验和不符，备份已损坏：{', '.join(bad)}")
    return manifest


def _pg_is_empty(database: dict) -> bool:
    import psycopg

    kwargs = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    try:
        with psycopg.connect(**{k: v for k, v in kwargs.items() if v is not None}) as conn:
            count = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')"
            ).fetchone()[0]
    except psycopg.Error as exc:
        raise BackupError(
            f"无法连接 PostgreSQL 数据库 {database['NAME']}（请先建好空数据库）：{exc}"
        ) from exc
    return count == 0


def restore_backup(
    archive: Path, *, data_dir: Path, database: dict, passphrase: Callable[[], str] | None = None
) -> dict:
    """Bring an archive back into an empty data folder and an empty database; return its manifest.

    ``database`` is a Django database settings dict (ENGINE, NAME, USER…); ``passphrase`` is asked only
    when the archive is encrypted."""
    old_umask = os.umask(0o077)  # everything restored is owner-only, folders included
    try:
        return _restore(Path(archive), Path(data_dir), database, passphrase)
    finally:
        os.umask(old_umask)


def _restore(archive: Path, data_dir: Path, database: dict, passphrase) -> dict:
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if any(data_dir.iterdir()):
        raise BackupError(f"数据目录 {data_dir} 不是空的：恢复只能恢复到空的数据目录")
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        db_file = Path(database["NAME"])
        if db_file.exists() and db_file.stat().st_size > 0:
            raise BackupError(f"数据库文件 {db_file} 已存在：恢复只能恢复到空的数据库")
    elif engine.endswith("postgresql"):
        if not _pg_is_empty(database):
            raise BackupError(f"PostgreSQL 数据库 {database['NAME']} 不是空的：恢复只能恢复到空的数据库")
    else:
        raise BackupError(f"不支持恢复到 {engine}")

    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=data_dir))
    try:
        manifest = _extract_verified(archive, staging, passphrase)
        vendor, member = manifest["database"]["vendor"], manifest["database"]["member"]
        dump = staging.joinpath(*PurePosixPath(member).parts)
        if engine.endswith("sqlite3"):
            if vendor != "sqlite":
                raise BackupError(f"这个备份来自 {vendor} 数据库，不能恢复到 SQLite")
            db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.move(dump, db_file)
        else:
            if vendor != "postgresql":
                raise BackupError(f"这个备份来自 {vendor} 数据库，不能恢复到 PostgreSQL")
            env, args = _pg_env_and_args(database)
            _run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
                + [*args, "--dbname", database["NAME"], str(dump)],
                env,
                "pg_restore ",
            )
        data_staging = staging / "data"
        if data_staging.exists():
            for entry in data_staging.iterdir():
                os.replace(entry, data_dir / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest
