"""`anju backup` and `anju restore`: a round trip brings back every table and every file; refusals."""

from __future__ import annotations

import io
import json
import os
import stat
import tarfile
import time
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from anju.core import crypto
from anju.core.backup import BackupError, create_backup, restore_backup
from anju.intake import actions as intake_actions
from anju.matters import actions as matter_actions

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PASSPHRASE = "长城 long wall 2026"


@pytest.fixture
def source(settings, tmp_path):
    """A data folder of this test's own, keys from its field.key, uploads in it."""
    data = tmp_path / "source"
    data.mkdir(mode=0o700)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "uploads"
    settings.ANJU_FIELD_KEYS = []
    settings.ANJU_FIELD_KEY_FILE = data / "field.key"
    (data / "secret.key").write_text("django-secret\n")
    (data / "triage").mkdir()
    (data / "triage" / "model.joblib").write_bytes(b"\x00model\xff" * 100)
    (data / "static").mkdir()  # collected static files are not backed up
    (data / "static" / "site.css").write_text("body{}")
    return data


def build_data(world):
    """Matters with parties and a report with a photo, through the real actions."""
    matter_actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="工地欠薪",
        description="十二名工人被拖欠工资。",
        parties=[
            {"name": "张三", "phone": "13812345678", "id_number": "110101199003074514"},
            {"name": "某建筑公司", "role": "respondent", "is_organisation": True},
        ],
        likelihood=3,
        consequence=4,
    )
    intake_actions.submit_report(
        None,
        channel="online",
        text="村口路灯坏了，晚上看不清。",
        area=world.village_a1,
        reporter_name="李四",
        reporter_phone="13900001111",
        attachments=[SimpleUploadedFile("灯.jpg", JPEG, content_type="image/jpeg")],
    )


def back_up(out: Path, source: Path, passphrase=None):
    ring = crypto.keyring()
    return create_backup(
        out,
        connection=connection,
        data_dir=source,
        field_key_ids=ring.ids if ring else [],
        field_keys_in_archive=True,
        passphrase=passphrase,
    )


@pytest.fixture
def empty_database(tmp_path):
    """A Django database settings dict for an empty database of the suite's vendor (dropped afterwards)."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored" / "anju.sqlite3")}
        return
    import psycopg

    name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    params = {
        k.lower(): settings_dict[k] for k in ("USER", "PASSWORD", "HOST", "PORT") if settings_dict.get(k)
    }
    with psycopg.connect(dbname=settings_dict["NAME"], autocommit=True, **params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield {**settings_dict, "NAME": name}
    # An autovacuum worker may still be busy on the restored database; it runs as the server's superuser,
    # so FORCE may not end it: wait for it rather than fail the test on the cleanup.
    for attempt in range(60):
        try:
            with psycopg.connect(dbname=settings_dict["NAME"], autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            break
        except (psycopg.errors.InsufficientPrivilege, psycopg.errors.ObjectInUse):
            if attempt == 59:
                raise
            time.sleep(0.5)


def open_restored(database: dict):
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(database["NAME"])
    import psycopg

    params = {k.lower(): database[k] for k in ("USER", "PASSWORD", "HOST", "PORT") if database.get(k)}
    restored = psycopg.connect(dbname=database["NAME"], **params)
    restored.execute("SET TIME ZONE 'UTC'")  # as Django's connection renders timestamps
    return restored


def database_untouched(database: dict) -> bool:
    if connection.vendor == "sqlite":
        return not Path(database["NAME"]).exists()
    restored = open_restored(database)
    try:
        return tables(restored.cursor(), connection.vendor) == []
    finally:
        restored.close()


def tables(cursor, vendor) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [name for (name,) in cursor.fetchall()]


def all_rows(cursor, table: str) -> list[tuple]:
    """Every row, every column as the database itself renders it in text (the two sides' drivers differ
    in what they make of timestamps and JSON), in a full, stable order."""
    cursor.execute(f'SELECT * FROM "{table}" LIMIT 0')
    columns = [d[0] for d in cursor.description]
    texts = ", ".join(f'CAST("{c}" AS TEXT)' for c in columns)
    order = ", ".join(str(i) for i in range(1, len(columns) + 1))
    cursor.execute(f'SELECT {texts} FROM "{table}" ORDER BY {order}')
    return [tuple(row) for row in cursor.fetchall()]


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] != "static"
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("passphrase", [None, PASSPHRASE], ids=["plain", "encrypted"])
def test_round_trip_brings_back_every_table_and_every_file(
    world, source, tmp_path, empty_database, passphrase
):
    build_data(world)
    out = tmp_path / "anju.tar.gz"
    summary = back_up(out, source, passphrase)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert summary.files == 4  # field.key, secret.key, the model, the photo; not static/

    target = tmp_path / "restored"
    manifest = restore_backup(out, data_dir=target, database=empty_database, passphrase=lambda: PASSPHRASE)
    assert manifest["database"]["vendor"] == connection.vendor

    # Every table, every row.
    restored = open_restored(empty_database)
    try:
        with connection.cursor() as here:
            there = restored.cursor()
            names = tables(here, connection.vendor)
            assert tables(there, connection.vendor) == names
            assert "matters_matterparty" in names and "intake_attachment" in names
            for table in names:
                assert all_rows(there, table) == all_rows(here, table), table
            assert len(all_rows(there, "matters_matterparty")) == 2  # positive control: data did travel
            there.execute("SELECT name FROM matters_matterparty ORDER BY id")
            stored_names = [v for (v,) in there.fetchall()]
    finally:
        restored.close()

    # Every file, byte for byte, owner-only.
    expected = files_under(source)
    assert sorted(expected) == sorted(
        ["field.key", "secret.key", "triage/model.joblib", *[k for k in expected if k.startswith("uploads/")]]
    )
    assert any(k.startswith("uploads/attachments/") for k in expected)
    restored_files = files_under(target)
    if connection.vendor == "sqlite":  # the restored database lives in the data folder, as anju expects
        assert restored_files.pop("anju.sqlite3").startswith(b"SQLite format 3")
    assert restored_files == expected
    assert not (target / "static").exists()
    for path in [target, *target.rglob("*")]:
        if path.name == "anju.sqlite3" or path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        else:
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path

    # The restored key file opens the restored personal data.
    keys = crypto.parse_key_file((target / "field.key").read_text())
    token = stored_names[0].split(":", 2)[2]
    assert Fernet(keys[0]).decrypt(token.encode()).decode() == "张三"


@pytest.mark.django_db(transaction=True)
def test_wrong_passphrase_is_refused_and_nothing_is_restored(world, source, tmp_path, empty_database):
    out = tmp_path / "anju.bak"
    back_up(out, source, PASSPHRASE)
    target = tmp_path / "restored"
    with pytest.raises(BackupError, match="口令不对"):
        restore_backup(out, data_dir=target, database=empty_database, passphrase=lambda: "wrong")
    assert list(target.iterdir()) == [] and database_untouched(empty_database)
    with pytest.raises(BackupError, match="已加密"):
        restore_backup(out, data_dir=target, database=empty_database, passphrase=None)
    assert list(target.iterdir()) == []


def _tamper(archive: Path, out: Path, member: str, content: bytes) -> None:
    """Copy the archive with one member's content replaced and the manifest left as it was."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name == member:
                data = content
                info.size = len(data)
            dst.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True)
def test_checksums_are_verified_before_anything_is_restored(world, source, tmp_path, empty_database):
    build_data(world)
    out = tmp_path / "anju.tar.gz"
    back_up(out, source)
    forged = tmp_path / "forged.tar.gz"
    _tamper(out, forged, "data/secret.key", b"someone else's secret\n")
    target = tmp_path / "restored"
    with pytest.raises(BackupError, match="校验和不符.*data/secret.key"):
        restore_backup(forged, data_dir=target, database=empty_database)
    assert list(target.iterdir()) == []
    assert database_untouched(empty_database)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    with pytest.raises(BackupError, match="损坏|不完整"):
        restore_backup(truncated, data_dir=target, database=empty_database)
    assert list(target.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_folder_or_database_that_is_not_empty(world, source, tmp_path, empty_database):
    out = tmp_path / "anju.tar.gz"
    back_up(out, source)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "field.key").write_text("x")
    with pytest.raises(BackupError, match="不是空的"):
        restore_backup(out, data_dir=busy, database=empty_database)
    assert (busy / "field.key").read_text() == "x"

    target = tmp_path / "restored"
    restore_backup(out, data_dir=target, database=empty_database)  # positive control: empty → restored
    again = tmp_path / "again"
    with pytest.raises(BackupError, match="不是空的|已存在"):
        restore_backup(out, data_dir=again, database=empty_database)  # the database now holds data
    assert list(again.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_manifest_lists_versions_time_and_checksums(world, source, tmp_path):
    build_data(world)
    out = tmp_path / "anju.tar.gz"
    back_up(out, source)
    with tarfile.open(out, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
        secret = tar.extractfile("data/secret.key").read()
    assert names[-1] == "manifest.json"
    assert manifest["format"] == 1 and manifest["anju_version"] and manifest["created_at"]
    assert manifest["field_keys"]["key_ids"] == crypto.keyring().ids
    assert "matters" in manifest["database"]["migrations"]
    import hashlib

    assert manifest["files"]["data/secret.key"] == {"sha256": hashlib.sha256(secret).hexdigest(), "size": 14}
    assert sorted(manifest["files"]) == sorted(n for n in names if n != "manifest.json")
    assert os.path.basename(manifest["database"]["member"]) in ("anju.sqlite3", "anju.pgdump")
