"""问责 records: a failure of duty on a matter, with the unit and the role (never a person) held accountable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.core.roles import Role
from anju.core.scoping import scoped
from anju.matters import actions
from anju.matters.models_coordination import AccountabilityRecord
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db

# one clock for the whole module: "today" must not change between import and a test run past midnight
NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def _record(world, matter, actor=None, **kw):
    fields = {
        "unit": world.committee_a1,
        "role": "handler",
        "failure": "overdue",
        "finding": "超过办理期限 12 天未化解，未申请延期。",
        "decision": "责令书面检查，全镇通报",
        "decided_on": TODAY,
    }
    fields.update(kw)
    return actions.record_accountability(actor or world.town_staff, matter, **fields, now=NOW)


def test_record_is_on_the_timeline_and_in_the_audit(world, assigned_matter):
    record = _record(world, assigned_matter)
    assert (record.unit, record.role, record.failure) == (world.committee_a1, "handler", "overdue")
    assert record.get_role_display() == "承办人员"
    event = assigned_matter.events.get(kind="accountability")
    assert not event.public and "东一村村委会" in event.note and "超期" in event.note
    assert AuditEvent.objects.filter(action="accountability.record").count() == 1


def test_input_is_checked_and_personal_data_masked(world, assigned_matter):
    with pytest.raises(ValidationError) as err:
        _record(
            world,
            assigned_matter,
            role="张三",  # a person's name is not a role
            failure="",
            finding=" ",
            decided_on=TODAY + dt.timedelta(days=1),
        )
    assert set(err.value.message_dict) == {"role", "failure", "finding", "decided_on"}
    with pytest.raises(ValidationError) as err:
        _record(world, assigned_matter, unit=world.committee_b1)  # 西镇: neither involved nor in the town
    assert "unit" in err.value.message_dict
    assert AccountabilityRecord.objects.count() == 0
    record = _record(world, assigned_matter, finding="经办人电话13812345678长期无人接听")
    assert "13812345678" not in record.finding and record.finding_original.endswith("长期无人接听")


def test_guard(world, assigned_matter):
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff", "leader"},
        lambda actor: _record(world, assigned_matter, actor=actor),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert AccountabilityRecord.objects.count() == 1


def test_list_is_for_leaders_and_auditors_and_scoped(world, assigned_matter, client):
    _record(world, assigned_matter)
    west = outsider(world, Role.LEADER)
    assert scoped(world.leader, AccountabilityRecord).count() == 1  # positive control
    assert scoped(west, AccountabilityRecord).count() == 0
    for user, status in ((world.leader, 200), (world.auditor, 200), (world.cadre, 403), (world.officer, 403)):
        client.force_login(user)
        assert client.get("/matters/accountability/").status_code == status, user.username
    client.force_login(world.auditor)
    page = client.get("/matters/accountability/?failure=overdue").content.decode()
    assert "东一村村委会" in page and "承办人员" in page and "责令书面检查" in page
    assert "共 1 条" in client.get("/matters/accountability/?failure=overdue").content.decode()
    assert "共 0 条" in client.get("/matters/accountability/?failure=late_report").content.decode()
    client.force_login(west)
    assert "共 0 条" in client.get("/matters/accountability/").content.decode()


def test_matter_page_form(world, assigned_matter, client):
    client.force_login(world.town_staff)
    url = f"/matters/{assigned_matter.pk}/accountability/"
    posted = client.post(
        url,
        {
            "accountability-unit": world.committee_a1.pk,
            "accountability-role": "head",
            "accountability-failure": "late_report",
            "accountability-finding": "事发两日后才上报",
            "accountability-decision": "约谈",
            "accountability-decided_on": TODAY.isoformat(),
            "accountability-version": assigned_matter.version,
        },
    )
    assert posted.status_code == 302
    page = client.get(f"/matters/{assigned_matter.pk}/").content.decode()
    assert "事发两日后才上报" in page and "单位主要负责人" in page
