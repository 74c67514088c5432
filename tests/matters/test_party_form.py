"""Staff party forms check like the public form (ID check digit, phone format) and warn of a duplicate party."""

from __future__ import annotations

import pytest

from anju.matters.forms import NewMatterForm, PartyForm

VALID_ID = "11010519491231002X"  # the check character of 11010519491231002 is X (worked by hand)
WRONG_CHECK = "110105194912310021"


def _party_form(data, matter=None):
    return PartyForm({"role": "applicant", "name": "李四", **data}, matter=matter)


def test_party_form_checks_the_id_check_digit():
    assert _party_form({"id_number": VALID_ID}).is_valid()
    form = _party_form({"id_number": WRONG_CHECK})
    assert not form.is_valid()
    assert form.errors["id_number"] == ["身份证号码格式或校验位不正确，请核对 18 位号码。"]


def test_party_form_checks_the_phone_format():
    assert _party_form({"phone": "13812345678"}).is_valid()
    assert _party_form({"phone": "0571-87654321"}).is_valid()
    form = _party_form({"phone": "1234567"})
    assert not form.is_valid()
    assert "请填写正确的联系电话" in form.errors["phone"][0]


@pytest.mark.django_db
def test_new_matter_form_checks_the_applicant_id(world):
    form = NewMatterForm({"applicant_id_number": WRONG_CHECK}, user=world.centre_staff)
    form.is_valid()
    assert form.errors["applicant_id_number"] == ["身份证号码格式或校验位不正确，请核对 18 位号码。"]


@pytest.mark.django_db
def test_adding_the_same_party_twice_warns_and_may_be_confirmed(client, world, make_matter):
    matter = make_matter()  # its applicant is 张三丰
    client.force_login(world.centre_staff)
    url = f"/matters/{matter.pk}/act/party/"
    data = {"party-role": "applicant", "party-name": "张三丰", "party-version": matter.version}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "该事项已有当事人“张**”（申请人/反映人），可能重复添加" in page
    assert 'type="checkbox" name="party-add_anyway"' in page
    assert matter.parties.count() == 1

    response = client.post(url, {**data, "party-add_anyway": "on"})
    assert response.status_code == 302
    assert matter.parties.count() == 2


@pytest.mark.django_db
def test_a_different_party_is_added_without_warning(client, world, make_matter):
    matter = make_matter()
    client.force_login(world.centre_staff)
    response = client.post(
        f"/matters/{matter.pk}/act/party/",
        {"party-role": "respondent", "party-name": "某建筑公司", "party-version": matter.version},
    )
    assert response.status_code == 302
    assert matter.parties.count() == 2


@pytest.mark.django_db
def test_same_id_number_under_another_name_warns(world, make_matter):
    matter = make_matter(parties=[{"role": "applicant", "name": "王五", "id_number": VALID_ID}])
    form = PartyForm({"role": "other", "name": "王小五", "id_number": VALID_ID.lower()}, matter=matter)
    assert not form.is_valid()
    assert "该事项已有当事人“王*”（申请人/反映人）" in form.errors["add_anyway"][0]
