import pytest
from django.core.exceptions import ValidationError

from anju.core import actions
from anju.core.crypto import mask_id_number, mask_name, mask_phone
from anju.core.models import Area, AuditEvent, Domain
from anju.core.roles import PERMISSIONS, Role, role_has
from anju.core.scoping import scoped


def test_default_taxonomy_has_15_domains_each_with_class_and_keywords(world):
    domains = Domain.objects.all()
    assert domains.count() == 15
    assert all(d.emergency_class and d.keywords for d in domains)
    assert {"征地拆迁", "社会保障和民工欠薪", "网络舆情"} <= {d.name for d in domains}


def test_area_subtree_is_a_prefix_query(world):
    subtree = set(Area.objects.subtree(world.town_a).values_list("name", flat=True))
    assert subtree == {"东镇", "东一村", "东二村", "东一村第一网格"}
    assert world.town_a.contains(world.grid_a1) and not world.town_b.contains(world.grid_a1)
    assert [a.name for a in world.grid_a1.ancestors()] == ["示范县", "东镇", "东一村", "东一村第一网格"]


def test_scoping_limits_every_user_to_their_subtree(world):
    assert set(scoped(world.cadre, Area).values_list("name", flat=True)) == {"东一村", "东一村第一网格"}
    assert scoped(world.centre_staff, Area).count() == Area.objects.count()


def test_child_area_must_be_lower_level(world):
    with pytest.raises(ValidationError):
        actions.create_area(None, code="330101001999", name="错层", level=2, parent=world.village_a1)


def test_audit_events_are_append_only(world):
    event = AuditEvent.objects.first()
    assert event is not None
    with pytest.raises(PermissionError):
        event.note = "tampered"
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_role_table_is_total_and_readable():
    for permission, roles in PERMISSIONS.items():
        assert roles, permission
        assert all(r in Role.values for r in roles)
    assert role_has(Role.CENTRE_STAFF, "matter.assign")
    assert not role_has(Role.GRID_WORKER, "matter.assign")
    assert not role_has(Role.LEADER, "personal_data.reveal")
    with pytest.raises(KeyError):
        role_has(Role.ADMIN, "no.such.permission")


def test_masking():
    assert mask_name("张三丰") == "张**"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110101199003074514") == "1101**********4514"


def test_pages_are_chinese_unless_english_is_chosen(client, world):
    client.force_login(world.centre_staff)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/")["Content-Language"] == "en"


def test_date_inputs_render_iso_values_in_chinese(world):
    import datetime as dt

    from django import forms
    from django.utils import translation

    class Form(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    with translation.override("zh-hans"):
        html = str(Form(initial={"day": dt.date(2026, 11, 29)})["day"])
        assert 'value="2026-11-29"' in html
        assert Form({"day": "2026/11/29"}).is_valid()
