"""The auditor's page: readable action names, local times, filters, scope, and the audited .xlsx export."""

from __future__ import annotations

import ast
import datetime as dt
import io
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

import anju
from anju.core import actions, audit, audit_chain
from anju.core.audit_labels import ACTION_LABELS
from anju.core.models import AuditEvent
from anju.core.roles import Role

UTC = dt.UTC


def _event(action, *, actor=None, area=None, at, note="", object_id="1"):
    return audit.append(
        actor=actor,
        action=action,
        object_type="matters.matter",
        object_id=object_id,
        object_repr="测试事项",
        area=area,
        note=note,
        at=at,
    )


@pytest.fixture
def log(world):
    """Four events at known instants (UTC), in three places, by two people, plus one without an area; linked
    into the chain as their commit would (the test's transaction never commits)."""
    events = {
        "assigned": _event(
            "matter.assigned",
            actor=world.cadre,
            area=world.village_a1,
            at=dt.datetime(2026, 3, 1, 16, 30, 5, tzinfo=UTC),
        ),
        "resolved": _event(
            "matter.resolved",
            actor=world.officer,
            area=world.town_a,
            at=dt.datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
            note='=HYPERLINK("http://x")',
        ),
        "west": _event(
            "report.submit", actor=None, area=world.village_b1, at=dt.datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
        ),
        "odd": _event(
            "custom.unknown_code",
            actor=world.cadre,
            area=world.grid_a1,
            at=dt.datetime(2026, 3, 4, tzinfo=UTC),
        ),
        "nowhere": audit.append(
            actor=None,
            action="auth.login_failed",
            object_type="core.user",
            object_id="",
            object_repr="nobody",
            at=dt.datetime(2026, 3, 2, tzinfo=UTC),
        ),
    }
    audit_chain.link_pending()
    return {name: AuditEvent.objects.get(pk=event.pk) for name, event in events.items()}


def _listed(response) -> set[int]:
    assert response.status_code == 200
    return {event.pk for event, _label in response.context["rows"]}


def _get(client, viewer, params=None, **more):
    client.force_login(viewer)
    return client.get(reverse("core:audit"), {**(params or {}), **more})


def test_action_names_are_chinese_times_local_and_unknown_codes_shown_as_they_are(client, world, log):
    response = _get(client, world.auditor, date_from="2026-03-01", date_to="2026-03-06")
    html = response.content.decode()
    assert "事项交办" in html and "事项化解办结" in html and "提交诉求" in html
    assert "custom.unknown_code" in html
    # 16:30:05 UTC on 1 March is 00:30:05 on 2 March in Beijing (the default time zone, UTC+8).
    assert "2026-03-02 00:30:05" in html
    assert "2026-03-01 16:30" not in html


def test_filter_by_user_includes_the_failed_logins_of_their_account(client, world, log):
    failed = audit.append(
        actor=None,
        action="auth.login_failed",
        object_type="core.user",
        object_id=str(world.cadre.pk),
        area=world.village_a1,
    )
    listed = _listed(_get(client, world.auditor, {"user": world.cadre.pk}))
    assert {log["assigned"].pk, log["odd"].pk, failed.pk} <= listed
    assert not listed & {log["resolved"].pk, log["west"].pk, log["nowhere"].pk}


def test_filter_by_area_takes_the_subtree(client, world, log):
    listed = _listed(_get(client, world.auditor, area=world.town_a.pk))
    assert {log["assigned"].pk, log["resolved"].pk, log["odd"].pk} <= listed
    assert not listed & {log["west"].pk, log["nowhere"].pk}


def test_filter_by_action_code_or_group(client, world, log):
    assert _listed(_get(client, world.auditor, action="matter.resolved")) == {log["resolved"].pk}
    grouped = _listed(
        _get(client, world.auditor, action="matter.", date_from="2026-03-01", date_to="2026-03-31")
    )
    assert grouped == {log["assigned"].pk, log["resolved"].pk}


def test_filter_by_local_dates_both_ends_included(client, world, log):
    # Local days: assigned 3-2 00:30, nowhere 3-2 08:00, west 3-3 12:00, odd 3-4 08:00, resolved 3-5 10:00.
    listed = _listed(_get(client, world.auditor, date_from="2026-03-02", date_to="2026-03-03"))
    assert listed == {log["assigned"].pk, log["nowhere"].pk, log["west"].pk}
    listed = _listed(_get(client, world.auditor, date_from="2026-03-05", date_to="2026-03-05"))
    assert listed == {log["resolved"].pk}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"date_from": "2026-03-05", "date_to": "2026-03-01"}, "date_to", "结束日期不能早于开始日期"),
        ({"date_from": "2026-13-45"}, "date_from", "日期"),
        ({"action": "no.such.code"}, "action", "选择"),
        ({"user": "999999"}, "user", "选择"),
    ],
)
def test_bad_filters_get_a_chinese_message_beside_the_field(client, world, log, params, field, message):
    response = _get(client, world.auditor, params)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert response.context["rows"] == []
    export = client.get(reverse("core:audit_export"), params)
    assert export.status_code == 200 and export["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_scope_town_auditor_sees_only_their_subtree_county_auditor_also_the_events_without_area(
    client, world, log
):
    west_auditor = actions.create_user(
        None, username="shenji_xi", password="test-pass-123", role=Role.AUDITOR, area=world.town_b
    )
    west = _listed(_get(client, west_auditor, date_from="2026-03-01", date_to="2026-03-06"))
    assert west == {log["west"].pk}  # positive control: their own town's event
    county = _listed(_get(client, world.auditor, date_from="2026-03-01", date_to="2026-03-06"))
    assert county == {e.pk for e in log.values()}


def test_other_roles_may_not_read_or_export_the_log(client, world, log):
    for user in (world.cadre, world.centre_staff, world.leader):
        client.force_login(user)
        assert client.get(reverse("core:audit")).status_code == 403
        assert client.get(reverse("core:audit_export")).status_code == 403
    assert _get(client, world.admin).status_code == 200


def test_export_holds_the_filtered_events_as_text_and_is_itself_audited(client, world, log):
    client.force_login(world.auditor)
    response = client.get(reverse("core:audit_export"), {"area": world.town_a.pk, "action": "matter."})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("序号", "时间", "操作人", "操作", "操作代码")
    body = {row[4]: row for row in rows[1:]}
    assert set(body) == {"matter.assigned", "matter.resolved"}
    resolved = body["matter.resolved"]
    assert resolved[0] == log["resolved"].seq
    assert resolved[1] == dt.datetime(2026, 3, 5, 10, 0)  # local time
    assert (resolved[2], resolved[3], resolved[8]) == ("bumen", "事项化解办结", "东镇")
    assert resolved[12] == log["resolved"].hash
    # Text that looks like a formula stays text.
    note_cell = next(c for c in sheet.iter_rows(min_row=2) if c[4].value == "matter.resolved")[11]
    assert note_cell.value == '=HYPERLINK("http://x")' and note_cell.data_type == "s"
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == world.auditor and event.area == world.town_a
    assert event.after == {"filters": {"area": world.town_a.pk, "action": "matter."}, "count": 2}


def _codes_in_source() -> set[str]:
    """Every action code the source passes to the audit log, read from the calls themselves, and the
    timeline events of the matter workflow's table (each written as ``matter.<event>``)."""
    from anju.matters.workflow import WORKFLOW

    codes = {f"matter.{action.event}" for action in WORKFLOW.values()}
    prefix = {"record": "", "_audit": "assessment.", "log_event": "matter."}
    for path in Path(anju.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            position = 2 if name == "log_event" else 1
            if name in prefix and len(node.args) > position:
                argument = node.args[position]
                options = [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
                codes |= {prefix[name] + o.value for o in options if isinstance(o, ast.Constant)}
    return codes


def test_every_action_code_in_the_source_has_a_chinese_name():
    codes = _codes_in_source()
    assert {"matter.assigned", "assessment.level", "alert.issue", "domain.update"} <= codes  # the scan works
    assert codes - set(ACTION_LABELS) == set()


def test_export_prints_on_a4_landscape_and_is_named_by_its_title(client, world, log, monkeypatch):
    from django.utils import timezone

    from documents_check import assert_sheet_prints, download_names

    # 01:50 UTC is 09:50 in Asia/Shanghai (UTC+8), on the same day
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 1, 50, tzinfo=dt.UTC))
    client.force_login(world.auditor)
    response = client.get(reverse("core:audit_export"), {"area": world.town_a.pk})
    title = "东镇审计日志（2026年12月2日09时50分导出）"
    assert download_names(response) == (f"{title}.xlsx", "audit-20261202-0950.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert_sheet_prints(sheet, "$1:$1")
    assert sheet.oddHeader.center.text == title
