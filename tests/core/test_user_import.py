"""Importing user accounts: a good file creates every account, one bad row creates none, only administrators
import and only inside their area, the initial password must be changed at first sign-in; page and CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anju.cli import main as anju_main
from anju.core import actions
from anju.core.errors import NotAllowed
from anju.core.models import AuditEvent, User
from anju.core.roles import Role
from anju.core.user_import import UserRowErrors, read_user_file

HEADER = ["用户名", "姓名", "角色", "管辖范围", "所属单位", "手机号码"]
# Roles in Chinese and as a code, areas by code and by name path (whole and partial), phone optional.
GOOD = [
    ["dong1_wg", "李网格", "网格员", "330101001001", "东一村村委会", "13800001111"],
    ["dong_bumen", "王部门", "department_officer", "示范县/东镇", "东镇派出所", ""],
    ["xi_cun", "赵村干", "村干部", "西镇/西一村", "西一村村委会", "0571-87654321"],
]
# What the accounts must be, written out by hand: (username, name, role, area code, unit, phone)
EXPECTED = [
    ("dong1_wg", "李网格", "grid_worker", "330101001001", "东一村村委会", "13800001111"),
    ("dong_bumen", "王部门", "department_officer", "330101000000", "东镇派出所", ""),
    ("xi_cun", "赵村干", "village_cadre", "330102001000", "西一村村委会", "0571-87654321"),
]
NEW_NAMES = ["dong1_wg", "dong_bumen", "xi_cun"]
NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 30))


def _csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8-sig")


def _xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        # Excel keeps a typed code or phone as a number: the reader must give it back without ".0"
        sheet.append([int(v) if v.isdigit() else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _accounts(names=NEW_NAMES):
    users = (
        User.objects.filter(username__in=names).select_related("area", "unit").order_by("date_joined", "pk")
    )
    return [
        (u.username, u.display_name, u.role, u.area.code, u.unit.name if u.unit else "", u.phone)
        for u in users
    ]


def _town_admin(world):
    return actions.create_user(
        None, username="zhen_admin", password="test-pass-123", role=Role.ADMIN, area=world.town_a
    )


@pytest.mark.django_db
@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_a_good_file_creates_every_account_with_a_one_time_password(world, make):
    rows = read_user_file("users", make(GOOD))
    assert [r.line for r in rows] == [2, 3, 4]
    audit_before = AuditEvent.objects.count()
    last_id = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    created = actions.import_users(world.admin, rows, now=NOW)

    assert _accounts() == EXPECTED
    passwords = [password for _user, password in created]
    assert len(set(passwords)) == 3
    for user, password in created:
        user.refresh_from_db()
        assert len(password) >= 12
        assert user.must_change_password
        assert user.check_password(password)
        assert password not in user.password  # only the hash is stored
        assert user.date_joined == NOW
    with connection.cursor() as cursor:  # the phone is personal data: encrypted at rest
        cursor.execute("SELECT phone FROM core_user WHERE username = %s", ["dong1_wg"])
        stored = cursor.fetchone()[0]
    assert stored.startswith("enc2:") and "13800001111" not in stored
    events = AuditEvent.objects.filter(id__gt=last_id, action="user.create").order_by("id")
    assert AuditEvent.objects.count() == audit_before + 3
    assert [(e.object_repr, e.actor_id, e.at) for e in events] == [
        ("李网格", world.admin.pk, NOW),
        ("王部门", world.admin.pk, NOW),
        ("赵村干", world.admin.pk, NOW),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad_row, message",
    [
        (["wg2", "钱网格", "网格员", "东镇/东九村", "", ""], "管辖范围“东镇/东九村”不存在"),
        (["wg2", "钱网格", "网格员", "330199999999", "", ""], "区划代码“330199999999”不存在"),
        (["dong1_wg", "钱网格", "网格员", "东一村", "", ""], "用户名“dong1_wg”与第 2 行重复"),
        (["WangGe", "钱网格", "网格员", "东一村", "", ""], "用户名“WangGe”已存在"),
        (["wg2", "钱网格", "队长", "东一村", "", ""], "角色“队长”无法识别"),
        (
            ["wg2", "钱网格", "网格员", "东一村", "东镇司法所", ""],
            "所属单位“东镇司法所”在“示范县/东镇/东一村”",
        ),
        (["wg2", "钱网格", "职能部门", "东镇", "", ""], "职能部门的账号须填写所属单位"),
        (["wg2", "钱网格", "网格员", "东一村", "", "12345"], "手机号码“12345”格式不正确"),
        (["wg 2", "", "网格员", "东一村", "", ""], "请填写姓名"),
    ],
)
def test_one_bad_row_refuses_the_whole_file(world, bad_row, message):
    rows = read_user_file("users.csv", _csv([GOOD[0], bad_row, GOOD[2]]))
    users_before, audit_before = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(UserRowErrors) as refused:
        actions.import_users(world.admin, rows)
    assert list(refused.value.message_dict) == ["3"]  # only the bad row, by its row number in the file
    assert any(message in problem for problem in refused.value.message_dict["3"])
    assert User.objects.count() == users_before
    assert AuditEvent.objects.count() == audit_before
    assert not User.objects.filter(username__in=["dong1_wg", "xi_cun"]).exists()


@pytest.mark.django_db
def test_an_administrator_of_a_town_imports_only_inside_the_town(world):
    town_admin = _town_admin(world)
    outside = read_user_file("users.csv", _csv(GOOD))  # xi_cun is in 西镇
    with pytest.raises(UserRowErrors) as refused:
        actions.import_users(town_admin, outside)
    assert refused.value.message_dict == {"4": ["“示范县/西镇/西一村”不在您的管辖范围内。"]}
    assert not User.objects.filter(username__in=NEW_NAMES).exists()
    # positive control: the same administrator, the same file without the row outside the town
    inside = read_user_file("users.csv", _csv(GOOD[:2]))
    actions.import_users(town_admin, inside, now=NOW)
    assert _accounts() == EXPECTED[:2]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["centre_staff", "leader", "auditor", "grid_worker"])
def test_only_administrators_import(world, who):
    rows = read_user_file("users.csv", _csv(GOOD))
    with pytest.raises(NotAllowed):
        actions.import_users(getattr(world, who), rows)
    assert not User.objects.filter(username__in=NEW_NAMES).exists()
    client = Client()
    client.force_login(getattr(world, who))
    assert client.get("/account/users/import/").status_code == 403
    assert client.get("/account/users/import/template/").status_code == 403


@pytest.mark.django_db
def test_the_password_rules_apply_to_initial_passwords(world, settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 40},  # longer than any initial password
        }
    ]
    with pytest.raises(ValidationError) as refused:
        actions.import_users(world.admin, read_user_file("users.csv", _csv(GOOD)))
    assert "file" in refused.value.message_dict
    assert not User.objects.filter(username__in=NEW_NAMES).exists()


@pytest.mark.django_db
def test_the_initial_password_must_be_changed_at_first_sign_in(world):
    [(user, password)] = actions.import_users(world.admin, read_user_file("u.csv", _csv(GOOD[:1])))
    client = Client()
    assert client.post("/login/", {"username": "dong1_wg", "password": password}).status_code == 302
    detour = client.get("/matters/")
    assert detour.status_code == 302 and detour["Location"] == "/account/password/"
    new = "a-new-secret-of-mine-42"
    changed = client.post(
        "/account/password/",
        {"old_password": password, "new_password": new, "confirm_password": new},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password(new)


@pytest.mark.django_db
def test_unreadable_files_get_a_message_not_an_error_page(world):
    cases = [
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "另存为 .xlsx"),
        (b"PK\x03\x04 not really a workbook", "无法读取该 Excel 文件"),
        (_csv(GOOD, header=["账号", "名字", "角色"]), "缺少：姓名、管辖范围"),
        (_csv([]), "文件中没有账号"),
    ]
    for data, message in cases:
        with pytest.raises(ValidationError) as refused:
            read_user_file("users", data)
        assert message in " ".join(refused.value.message_dict["file"]), data[:20]


@pytest.mark.django_db
def test_the_page_previews_confirms_and_hands_the_passwords_out_once(world):
    client = Client()
    client.force_login(world.admin)
    assert client.get("/account/users/import/").status_code == 200
    template = client.get("/account/users/import/template/")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER

    bad = client.post(
        "/account/users/import/", {"file": _upload(_csv([GOOD[0], ["x", "甲", "队长", "东一村", "", ""]]))}
    )
    assert bad.status_code == 422
    page = bad.content.decode()
    assert "角色“队长”无法识别" in page and 'name="payload"' not in page
    assert not User.objects.filter(username="dong1_wg").exists()  # the preview writes nothing

    preview = client.post("/account/users/import/", {"file": _upload(_xlsx(GOOD), "users.xlsx")})
    assert preview.status_code == 200
    assert not User.objects.filter(username__in=NEW_NAMES).exists()
    payload = preview.context["payload"]
    assert payload and "示范县/东镇/东一村/东一村第一网格" in preview.content.decode()

    done = client.post("/account/users/import/confirm/", {"payload": payload})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    assert _accounts() == EXPECTED
    shown = {row[0]: row[4] for row in done.context["rows"]}
    assert User.objects.get(username="xi_cun").check_password(shown["xi_cun"])

    download = client.post("/account/users/import/passwords/")
    assert download.status_code == 200
    listing = load_workbook(io.BytesIO(download.content)).worksheets[0]
    rows = [[c.value for c in row] for row in listing.iter_rows()]
    assert rows[0] == ["用户名", "姓名", "角色", "管辖范围", "初始密码"]
    assert [r[:4] for r in rows[1:]] == [
        ["dong1_wg", "李网格", "网格员", "东一村第一网格"],
        ["dong_bumen", "王部门", "职能部门", "东镇"],
        ["xi_cun", "赵村干", "村干部", "西一村"],
    ]
    assert rows[3][4] == shown["xi_cun"]
    again = client.post("/account/users/import/passwords/")
    assert again.status_code == 302  # once only: the session's copy is gone

    # confirming the same preview again creates nothing: the user names are taken now
    twice = client.post("/account/users/import/confirm/", {"payload": payload})
    assert twice.status_code == 422 and "已存在" in twice.content.decode()
    assert User.objects.filter(username__in=NEW_NAMES).count() == 3
    forged = client.post("/account/users/import/confirm/", {"payload": payload[:-2] + "xx"})
    assert forged.status_code == 400


def _upload(data: bytes, name: str = "users.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_the_command_imports_and_writes_the_passwords_to_a_new_private_file(world, tmp_path, capsys):
    source, out = tmp_path / "users.csv", tmp_path / "passwords.csv"
    source.write_bytes(_csv([*GOOD[:1], ["wg2", "钱网格", "队长", "东一村", "", ""]]))
    assert anju_main(["import-users", str(source), "--passwords-out", str(out)]) == 1
    assert "第 3 行：角色“队长”无法识别" in capsys.readouterr().err
    assert not out.exists() and not User.objects.filter(username="dong1_wg").exists()

    source.write_bytes(_csv(GOOD))
    assert anju_main(["import-users", str(source), "--dry-run"]) == 0
    assert not User.objects.filter(username__in=NEW_NAMES).exists()
    assert anju_main(["import-users", str(source), "--passwords-out", str(out)]) == 0
    assert _accounts() == EXPECTED
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    with open(out, encoding="utf-8-sig") as handle:
        listing = list(csv.reader(handle))
    assert [row[0] for row in listing[1:]] == NEW_NAMES
    for username, *_rest, password in listing[1:]:
        user = User.objects.get(username=username)
        assert user.check_password(password) and user.must_change_password
    # the list is never overwritten
    assert anju_main(["import-users", str(source), "--passwords-out", str(out)]) == 2
    # acting as a town administrator, the row in 西镇 is out of scope
    _town_admin(world)
    source.write_bytes(_csv([["xi_new", "孙", "网格员", "西镇/西一村", "", ""]]))
    assert anju_main(["import-users", str(source), "--actor", "zhen_admin", "--dry-run"]) == 1
    assert "不在您的管辖范围内" in capsys.readouterr().err
