"""The directory of service units (服务机构): kept by centre staff and the administrator in their area; the
referral form offers the active units serving the matter's place. Expected values are written by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.care import actions as care
from anju.care.forms_referrals import serving
from anju.care.models import ServiceUnit
from anju.core.errors import Conflict, NotAllowed, WorkflowError
from anju.core.models import AuditEvent
from anju.core.roles import Role
from guards import check_guard, outsider

pytestmark = pytest.mark.django_db


def _add(world, actor, **kw):
    fields = {
        "name": "东镇法律服务所",
        "kind": "legal_aid",
        "area": world.town_a,
        "contact_position": "值班律师",
        "contact_phone": "0571-66660000",
    }
    fields.update(kw)
    return care.create_service(actor, **fields)


def test_guard_of_adding_a_service(world):
    service = check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: _add(world, actor),
        insider=world.town_staff,
        outside=outsider(world, Role.CENTRE_STAFF),
    )
    assert (service.name, service.kind, service.area, service.active) == (
        "东镇法律服务所",
        "legal_aid",
        world.town_a,
        True,
    )
    assert AuditEvent.objects.get(action="care.service_create").actor == world.town_staff


def test_required_fields_and_one_name_per_area(world):
    with pytest.raises(ValidationError) as refused:
        care.create_service(world.admin, name=" ", kind="spa", area=None, contact_position="")
    assert set(refused.value.message_dict) == {"name", "kind", "area", "contact_position"}
    _add(world, world.admin)
    with pytest.raises(ValidationError) as refused:
        _add(world, world.admin)
    assert refused.value.message_dict["name"] == ["该区域已有同名服务机构。"]
    assert ServiceUnit.objects.count() == 1


def test_edit_deactivate_and_what_the_form_offers(world, directory):
    assert set(serving(world.village_a1)) == {directory.counselling, directory.legal, directory.employment}
    assert set(serving(world.village_b1)) == {directory.counselling, directory.legal, directory.medical}

    with pytest.raises(NotAllowed, match="管辖"):  # a county service is not 东镇's to edit
        care.update_service(
            world.town_staff,
            directory.legal,
            name="改名",
            kind="legal_aid",
            area=world.county,
            contact_position="值班律师",
        )
    care.update_service(
        world.town_staff,
        directory.employment,
        version=1,
        name="东镇就业和社会保障服务站",
        kind="employment",
        area=world.town_a,
        contact_position="就业指导员",
    )
    directory.employment.refresh_from_db()
    assert directory.employment.name == "东镇就业和社会保障服务站" and directory.employment.version == 2
    with pytest.raises(Conflict):
        care.set_service_active(world.town_staff, directory.employment, False, version=1)

    care.set_service_active(world.town_staff, directory.employment, False, version=2)
    assert set(serving(world.village_a1)) == {directory.counselling, directory.legal}
    with pytest.raises(WorkflowError):
        care.set_service_active(world.town_staff, directory.employment, False)
    care.set_service_active(world.town_staff, directory.employment, True)
    assert directory.employment in set(serving(world.village_a1))
    codes = list(AuditEvent.objects.filter(object_type="care.serviceunit").values_list("action", flat=True))
    assert codes.count("care.service_deactivate") == 1 and codes.count("care.service_reactivate") == 1


def test_directory_pages(client, world, directory):
    client.force_login(world.town_staff)
    listing = client.get(reverse("care:services")).content.decode()
    # 东镇 sees the county's services and its own, not 西镇's
    assert "县社会心理服务站" in listing and "东镇就业服务站" in listing and "西镇卫生院" not in listing
    assert reverse("care:service_edit", args=[directory.employment.pk]) in listing
    assert (
        reverse("care:service_edit", args=[directory.legal.pk]) not in listing
    )  # the county's: not editable
    assert client.get(reverse("care:service_edit", args=[directory.legal.pk])).status_code == 404

    bad = client.post(reverse("care:service_new"), {"name": "", "kind": "legal_aid", "area": world.town_a.pk})
    assert bad.status_code == 400 and "联系岗位" in bad.content.decode()
    good = client.post(
        reverse("care:service_new"),
        {
            "name": "东镇救助站",
            "kind": "assistance",
            "area": world.village_a1.pk,
            "contact_position": "民政协理员",
        },
    )
    assert (
        good.status_code == 302
        and ServiceUnit.objects.filter(name="东镇救助站", area=world.village_a1).exists()
    )
    off = client.post(
        reverse("care:service_active", args=[directory.employment.pk]), {"active": "0", "version": "1"}
    )
    assert off.status_code == 302
    directory.employment.refresh_from_db()
    assert directory.employment.active is False

    client.force_login(world.cadre)
    assert client.get(reverse("care:services")).status_code == 200
    assert client.get(reverse("care:service_new")).status_code == 403
