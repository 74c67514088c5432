"""Field keys: key ids on every value, refusal when the key is missing, and `anju keys rotate`."""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from anju import cli
from anju.core import crypto, fieldkeys
from anju.core.crypto import FieldKeyError
from anju.intake import actions as intake_actions
from anju.intake.models import Report
from anju.matters import actions as matter_actions
from anju.matters.models import MatterParty

# Two fixed keys and their ids, worked out by hand: sha256 of the 32 key bytes, first 8 hex digits.
KEY_1 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # bytes 0..31
KEY_1_ID = "630dcd29"
KEY_2 = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM="  # bytes 100..131
KEY_2_ID = "e3e16780"


@pytest.fixture
def key_path(settings, tmp_path):
    """Keys from a key file (no ANJU_FIELD_KEY), in a folder of this test's own."""
    settings.ANJU_FIELD_KEYS = []
    settings.ANJU_FIELD_KEY_FILE = tmp_path / "field.key"
    return settings.ANJU_FIELD_KEY_FILE


def raw(table: str, column: str, pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def set_raw(table: str, column: str, pk, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def make_matter(world, names):
    return matter_actions.create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a1,
        title="工资纠纷",
        description="工地拖欠工资。",
        parties=[{"name": n, "phone": "13812345678", "id_number": "110101199003074514"} for n in names],
    )


def test_values_carry_the_id_of_their_key_and_old_values_still_read(world, settings):
    settings.ANJU_FIELD_KEYS = [KEY_1]
    matter = make_matter(world, ["张三"])
    party = matter.parties.get()
    stored = raw("matters_matterparty", "name", party.pk)
    assert stored.startswith(f"enc2:{KEY_1_ID}:")
    assert "张三" not in stored
    # A value written before key ids: "enc1:" and a bare token, opened with any configured key.
    set_raw(
        "matters_matterparty",
        "phone",
        party.pk,
        "enc1:" + Fernet(KEY_1).encrypt(b"13900000000").decode(),
    )
    settings.ANJU_FIELD_KEYS = [KEY_2, KEY_1]
    party = MatterParty.objects.get(pk=party.pk)
    assert (party.name, party.phone) == ("张三", "13900000000")


def test_a_value_whose_key_is_not_configured_names_the_key(world, settings):
    settings.ANJU_FIELD_KEYS = [KEY_1]
    party = make_matter(world, ["李四"]).parties.get()
    settings.ANJU_FIELD_KEYS = [KEY_2]
    with pytest.raises(FieldKeyError, match=KEY_1_ID):
        MatterParty.objects.get(pk=party.pk)
    problems = fieldkeys.field_key_problems()
    assert len(problems) == 1 and KEY_1_ID in problems[0] and "ANJU_FIELD_KEY" in problems[0]
    settings.ANJU_FIELD_KEYS = [KEY_2, KEY_1]  # positive control: with the old key back all is well
    assert fieldkeys.field_key_problems() == []
    assert MatterParty.objects.get(pk=party.pk).name == "李四"


def test_fresh_database_gets_an_owner_only_key_file(db, key_path):
    assert not key_path.exists()
    assert fieldkeys.field_key_problems() == []
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    assert len(crypto.parse_key_file(key_path.read_text())) == 1


def test_missing_key_file_next_to_encrypted_data_is_refused_not_replaced(world, key_path):
    party = make_matter(world, ["王五"]).parties.get()  # the first value creates the key file
    assert key_path.exists()
    key_id = crypto.keyring().newest_id
    key_path.unlink()

    problems = fieldkeys.field_key_problems()
    assert len(problems) == 1 and str(key_path) in problems[0] and key_id in problems[0]
    with pytest.raises(FieldKeyError, match=str(key_path)):
        MatterParty.objects.get(pk=party.pk)
    with pytest.raises(FieldKeyError, match=str(key_path)):
        make_matter(world, ["赵六"])  # nothing is written under a new key
    assert not key_path.exists()


def test_key_file_holding_another_key_is_refused(world, key_path):
    key_path.write_text(KEY_1 + "\n")
    make_matter(world, ["王五"])
    key_path.write_text(KEY_2 + "\n")
    problems = fieldkeys.field_key_problems()
    assert len(problems) == 1 and KEY_1_ID in problems[0] and str(key_path) in problems[0]


def test_rotate_reencrypts_every_value_under_a_new_key(world, key_path):
    key_path.write_text(KEY_1 + "\n")
    matter = make_matter(world, ["甲", "乙", "丙"])  # 3 parties × 3 fields
    report = intake_actions.submit_report(
        None,
        channel="online",
        text="村道积水。",
        area=world.village_a1,
        reporter_name="丁一",
        reporter_phone="13812345678",
    )  # name and phone; no ID number
    # One value from before key ids.
    first = matter.parties.order_by("pk").first()
    set_raw(
        "matters_matterparty",
        "id_number",
        first.pk,
        "enc1:" + Fernet(KEY_1).encrypt(b"110101199003074514").decode(),
    )

    report_ = fieldkeys.rotate(batch_size=2)  # batches smaller than a table: the keyset paging is exercised

    keys = crypto.parse_key_file(key_path.read_text())
    assert len(keys) == 2 and keys[1] == KEY_1  # the new key first, the old one kept
    new_id = crypto.key_id(keys[0])
    assert report_.new_key_id == new_id != KEY_1_ID
    assert report_.total == 11
    assert report_.reencrypted["matters_matterparty.name"] == 3
    assert report_.reencrypted["intake_report.reporter_id_number"] == 0
    assert report_.from_keys == {KEY_1_ID: 10, fieldkeys.LEGACY: 1}
    assert report_.unused_key_ids == [KEY_1_ID]
    with connection.cursor() as cursor:
        for table, column in [("matters_matterparty", c) for c in ("name", "phone", "id_number")] + [
            ("intake_report", "reporter_name"),
            ("intake_report", "reporter_phone"),
        ]:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")
            values = [v for (v,) in cursor.fetchall()]
            assert values and all(v.startswith(f"enc2:{new_id}:") for v in values), (table, column)

    key_path.write_text(keys[0] + "\n")  # the administrator removes the old key: everything still reads
    assert fieldkeys.field_key_problems() == []
    assert sorted(p.name for p in MatterParty.objects.all()) == ["丙", "乙", "甲"]
    assert MatterParty.objects.get(pk=first.pk).id_number == "110101199003074514"
    assert Report.objects.get(pk=report.pk).reporter_name == "丁一"


def test_rotate_with_keys_from_the_environment(world, settings):
    settings.ANJU_FIELD_KEYS = [KEY_1]
    party = make_matter(world, ["甲"]).parties.get()
    with pytest.raises(FieldKeyError, match="ANJU_FIELD_KEY"):
        fieldkeys.rotate()  # anju cannot rewrite the environment
    assert raw("matters_matterparty", "name", party.pk).startswith(f"enc2:{KEY_1_ID}:")
    settings.ANJU_FIELD_KEYS = [KEY_2, KEY_1]
    report = fieldkeys.rotate(new_key=False)
    assert report.total == 3 and report.unused_key_ids == [KEY_1_ID]
    assert raw("matters_matterparty", "name", party.pk).startswith(f"enc2:{KEY_2_ID}:")
    assert fieldkeys.rotate(new_key=False).total == 0  # a second run finds nothing left


def test_keys_commands(world, key_path, capsys):
    key_path.write_text(KEY_1 + "\n")
    make_matter(world, ["甲"])
    assert cli.main(["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    new_id = crypto.keyring().newest_id
    assert "3" in out and new_id in out and KEY_1_ID in out
    assert cli.main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert f"{new_id}" in out and KEY_1_ID in out
    key_path.unlink()
    assert cli.main(["keys", "status"]) == 1
    assert str(key_path) in capsys.readouterr().err


def test_fresh_data_folder_migrates_and_a_lost_key_file_stops_the_server(tmp_path):
    """End to end in subprocesses: owner-only files; `anju serve` refuses when field.key is gone."""
    import subprocess
    import sys

    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANJU_")} | {"ANJU_DATA_DIR": str(data)}

    def anju(*argv, code=None):
        args = [sys.executable, "-c", code] if code else [sys.executable, "-m", "anju.cli", *argv]
        return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)

    done = anju("migrate")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("field.key", "secret.key", "anju.sqlite3"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    write = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='anju.settings'; django.setup();"
        "from anju.core import actions; from anju.core.models import AreaLevel; from anju.intake.models import Report;"
        "a=actions.create_area(None, code='330100000000', name='县', level=AreaLevel.COUNTY);"
        "Report.objects.create(channel='web', text='x', area=a, reporter_name='张三', receipt_code='R1')"
    )
    done = anju(code=write)
    assert done.returncode == 0, done.stderr
    (data / "field.key").unlink()
    for argv in (("serve", "--port", "0"), ("migrate",)):
        done = anju(*argv)
        assert done.returncode == 1, done.stderr
        assert str(data / "field.key") in done.stderr
    assert not (data / "field.key").exists()
