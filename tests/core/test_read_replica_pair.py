"""A real PostgreSQL primary and a streaming replica (pg_basebackup -R) on loopback sockets, started here:
the dashboard and the monthly report's figures read the replica, writes and everything else the primary.

Needs Debian's postgresql (installed by .ci/run); as root, the servers run as the postgres user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROBE = r"""
import datetime as dt, time
import django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from anju.core import actions
from anju.core.models import Area, AreaLevel
from anju.core.replica import reading_from_replica
from anju.reports.actions import generate_report

county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
staff = actions.create_user(None, username="zx", password="Replica-pass-2026", role="centre_staff", area=county)

def in_recovery(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]

assert in_recovery("default") is False and in_recovery("replica") is True
deadline = time.monotonic() + 30
while True:  # streaming replication: the replica has the rows within moments
    with reading_from_replica():
        if Area.objects.filter(pk=county.pk).exists() and type(staff).objects.filter(pk=staff.pk).exists():
            break
    assert time.monotonic() < deadline, "the replica did not catch up"
    time.sleep(0.2)

with reading_from_replica():
    assert Area.objects.all().db == "replica"
    town = actions.create_area(None, code="330101000000", name="东镇", level=AreaLevel.TOWN, parent=county)
assert Area.objects.filter(pk=town.pk).exists()  # the write went to the primary
assert Area.objects.all().db == "default"

client = Client()
client.force_login(staff)
with CaptureQueriesContext(connections["replica"]) as on_replica:
    assert client.get("/dashboard/").status_code == 200
assert len(on_replica) > 5, len(on_replica)
with CaptureQueriesContext(connections["replica"]) as on_replica:
    assert client.get("/").status_code == 200  # the home page (the user's own work) reads the primary
assert len(on_replica) == 0, [q["sql"] for q in on_replica]

with CaptureQueriesContext(connections["replica"]) as on_replica, CaptureQueriesContext(connections["default"]) as on_primary:
    report = generate_report(staff, area=county, month=dt.date(2026, 11, 1))
assert len(on_replica) > 3 and any("monthlyreport" in q["sql"].lower() for q in on_primary)
assert report.figures["totals"]["new"] == 0
print("replica ok", flush=True)
"""


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        pytest.fail(
            "PostgreSQL not found: install Debian's postgresql (apt-get install postgresql), as .ci/run does"
        )
    return found[-1].parent


def _as_postgres(argv: list) -> list:
    return ["runuser", "-u", "postgres", "--", *map(str, argv)] if os.geteuid() == 0 else list(map(str, argv))


def _run(argv: list) -> None:
    done = subprocess.run(_as_postgres(argv), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{argv[0]}: {done.stdout}{done.stderr}"


@pytest.fixture
def primary_and_replica():
    pg = _pg_bin()
    # pytest's tmp_path is private to root: the postgres user could not reach a folder inside it
    base = Path(tempfile.mkdtemp(prefix="anju-replica-"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    fast = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c listen_addresses=''"
    primary, replica = base / "primary", base / "replica"
    _run(
        [
            pg / "initdb",
            "-D",
            primary,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ]
    )
    started = []
    try:
        _run(
            [
                pg / "pg_ctl",
                "-D",
                primary,
                "-l",
                base / "primary.log",
                "-w",
                "start",
                "-o",
                f"{fast} -k {base}",
            ]
        )
        started.append(primary)
        _run(
            [
                pg / "psql",
                "-h",
                base,
                "-U",
                "postgres",
                "-q",
                "-c",
                "CREATE ROLE anju LOGIN CREATEDB PASSWORD 'anju'",
                "-c",
                "CREATE DATABASE anju OWNER anju",
            ]
        )
        _run([pg / "pg_basebackup", "-h", base, "-U", "postgres", "-D", replica, "-R", "-X", "stream"])
        replica_socket = base / "r"
        replica_socket.mkdir()
        if os.geteuid() == 0:
            shutil.chown(replica_socket, "postgres")
        _run(
            [
                pg / "pg_ctl",
                "-D",
                replica,
                "-l",
                base / "replica.log",
                "-w",
                "start",
                "-o",
                f"{fast} -k {replica_socket}",
            ]
        )
        started.append(replica)
        quote = lambda path: str(path).replace("/", "%2F")  # noqa: E731
        yield f"postgres://anju:anju@{quote(base)}/anju", f"postgres://anju:anju@{quote(replica_socket)}/anju"
    finally:
        for data in reversed(started):
            subprocess.run(
                _as_postgres([pg / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )


def test_read_heavy_pages_use_the_replica(tmp_path, primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")} | {
        "ANJU_DATA_DIR": str(tmp_path / "data"),
        "ANJU_DATABASE_URL": primary_url,
        "ANJU_DATABASE_REPLICA_URL": replica_url,
        "ANJU_2FA_REQUIRED_ROLES": "",
        "DJANGO_SETTINGS_MODULE": "anju.settings",
    }
    migrate = subprocess.run(
        [sys.executable, "-m", "anju.cli", "migrate"], env=env, capture_output=True, text=True, timeout=600
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert probe.returncode == 0, probe.stdout + probe.stderr
    assert "replica ok" in probe.stdout
