"""The searchable pickers' option data: pinyin keys, groups, people told apart by their unit."""

from __future__ import annotations

import re

import pytest

from anju.core import actions as core_actions
from anju.core.pickers import pinyin_keys
from anju.core.roles import Role
from anju.matters.forms import AssignForm
from anju.warning.forms import AlertForm


def test_pinyin_keys_of_place_and_unit_names():
    assert pinyin_keys("青山镇") == "qsz qingshanzhen"
    assert pinyin_keys("\u3000\u3000金桥村") == "jqc jinqiaocun"  # the tree indent is not searched
    assert pinyin_keys("人社所") == "rss renshesuo"
    assert pinyin_keys("东镇派出所") == "dzpcs dongzhenpaichusuo"
    assert pinyin_keys("3号网格") == "3hwg 3haowangge"
    assert pinyin_keys("") == ""


def _option(html: str, label: str) -> str:
    match = re.search(r"<option[^>]*>" + re.escape(label) + "</option>", html)
    assert match, f"no option {label!r}"
    return match.group(0)


@pytest.mark.django_db
def test_assign_form_marks_unit_and_person_options(world):
    # Two people of the same name in two units: the unit beside the name tells them apart.
    for username, unit in (("wang-a", world.police), ("wang-b", world.town_centre)):
        core_actions.create_user(
            None,
            username=username,
            password="test-pass-123",
            role=Role.DEPARTMENT_OFFICER,
            area=world.town_a,
            unit=unit,
            display_name="王芳",
        )
    html = str(AssignForm(user=world.centre_staff, prefix="assign"))
    assert 'data-picker="select"' in html
    police = _option(html, "东镇派出所")
    assert 'data-pinyin="dzpcs dongzhenpaichusuo"' in police
    assert 'data-group="东镇 · ' in police
    first = _option(html, "王芳（东镇派出所）")
    second = _option(html, "王芳（东镇综治中心）")
    assert 'data-pinyin="wfdzpcs wangfangdongzhenpaichusuo"' in first
    assert 'data-group="东镇综治中心"' in second


@pytest.mark.django_db
def test_alert_recipients_are_a_grouped_checklist(world):
    html = str(AlertForm(world.centre_staff)["recipients"])
    boxes = re.findall(r'<input type="checkbox"[^>]*>', html)
    assert boxes and all('data-picker="checklist"' in box for box in boxes)
    police = next(box for box in boxes if f'value="{world.police.pk}"' in box)
    assert 'data-pinyin="dzpcs dongzhenpaichusuo"' in police
    assert 'data-group="东镇 · 职能部门"' in police


@pytest.mark.django_db
def test_unit_members_options_carry_pinyin(client, world):
    client.force_login(world.centre_staff)
    response = client.get("/matters/unit-members/", {"unit": world.police.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-pinyin=" in html and str(world.officer) in html


@pytest.mark.django_db
def test_alert_recipients_start_with_the_units_of_the_affected_area(world):
    form = AlertForm(world.centre_staff, initial={"area": world.town_a})
    assert set(form.initial["recipients"]) == {
        world.town_centre.pk,
        world.police.pk,
        world.committee_a1.pk,
    }
    html = str(form["recipients"])
    police = re.search(rf'<input type="checkbox"[^>]*value="{world.police.pk}"[^>]*>', html).group(0)
    assert "checked" in police and f'data-path="{world.town_a.path}"' in police
    assert 'data-preselects="recipients"' in str(form["area"])
    # no area yet: nothing ticked
    assert "recipients" not in AlertForm(world.centre_staff).initial
