"""`anju backup` while another process keeps writing, `anju restore` into a new data folder: end to end."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

WRITER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "anju.settings"
django.setup()
from anju.core import actions
from anju.core.models import AreaLevel
from anju.intake.models import Report
area = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
stop = sys.argv[1]
n = 0
while not os.path.exists(stop):
    Report.objects.create(channel="online", text=f"第{n}条", area=area, reporter_name=f"张{n}", receipt_code=f"W{n:06d}")
    n += 1
print(n)
"""


def _env(data: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")}
    return env | {"ANJU_DATA_DIR": str(data)} | extra


def _anju(data: Path, *argv, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "anju.cli", *argv],
        env=_env(data, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _codes(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [c for (c,) in conn.execute("SELECT receipt_code FROM intake_report ORDER BY receipt_code")]


def test_backup_while_writing_then_restore(tmp_path):
    source, target = tmp_path / "source", tmp_path / "target"
    assert _anju(source, "migrate").returncode == 0
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)], env=_env(source), stdout=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while len(_codes(source / "anju.sqlite3")) < 20:  # the writer is well under way
            assert time.monotonic() < deadline and writer.poll() is None
            time.sleep(0.2)
        archive = tmp_path / "anju.bak"
        backup = _anju(source, "backup", "--encrypt", str(archive), ANJU_BACKUP_PASSPHRASE="口令 2026")
        assert backup.returncode == 0, backup.stderr
        assert writer.poll() is None  # it was writing all along
    finally:
        stop.touch()
        written = int(writer.communicate(timeout=60)[0])

    refused = _anju(target, "restore", str(archive), ANJU_BACKUP_PASSPHRASE="wrong")
    assert refused.returncode == 1 and "口令不对" in refused.stderr
    assert list(target.iterdir()) == []

    restored = _anju(target, "restore", str(archive), ANJU_BACKUP_PASSPHRASE="口令 2026")
    assert restored.returncode == 0, restored.stderr
    db = target / "anju.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    codes = _codes(db)
    # One snapshot: the first k reports, none missing in between, k between what was there and what was written.
    assert 20 <= len(codes) <= written
    assert codes == [f"W{n:06d}" for n in range(len(codes))]
    assert (target / "field.key").read_bytes() == (source / "field.key").read_bytes()
    assert (target / "secret.key").read_bytes() == (source / "secret.key").read_bytes()

    status = _anju(target, "keys", "status")  # the restored key opens the restored data
    assert status.returncode == 0, status.stderr
    assert f"{len(codes):>8} 个值" in status.stdout

    again = _anju(target, "restore", str(archive), ANJU_BACKUP_PASSPHRASE="口令 2026")
    assert again.returncode == 1 and "不是空的" in again.stderr
