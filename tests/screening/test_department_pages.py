"""The screening pages for a 镇直单位: the officer's pending return, the form of their unit's domains, the
ledger's refusal beside the zero-report button, the correction page and its history."""

from __future__ import annotations

import pytest

from anju.core import actions as core_actions
from anju.core.models import AreaLevel, UnitKind, User
from anju.matters.actions import create_matter
from anju.screening.actions import open_due_rounds
from anju.screening.models import Return


@pytest.fixture
def setup(world, today):
    labour = core_actions.create_unit(
        None, name="东镇人社所", kind=UnitKind.DEPARTMENT, area=world.town_a, domains=[world.wages]
    )
    User.objects.filter(pk=world.officer.pk).update(unit=labour)
    world.officer.refresh_from_db()
    town_round = {r.level: r for r in open_due_rounds(today)}[AreaLevel.TOWN]
    wages = create_matter(
        world.centre_staff,
        kind="dispute",
        domain=world.wages,
        area=world.village_a2,
        title="工地拖欠工资",
        description="拖欠工资。",
    )
    return labour, town_round, wages


def test_the_officer_files_and_corrects_their_units_return(client, world, setup):
    labour, town_round, wages = setup
    client.force_login(world.officer)
    index = client.get("/screening/").content.decode()
    file_url = f"/screening/rounds/{town_round.pk}/file/?unit={labour.pk}"
    assert f'href="{file_url}"' in index

    form = client.get(file_url).content.decode()
    assert form.count('class="card domain-row') == 1 and "工地拖欠工资" in form
    assert (
        "<summary>登记发现的事项" not in form
    )  # a department officer does not register matters (matter.create)
    assert "新发现的事项请报综治中心登记" in form

    refused = client.post(file_url, {"zero_report": "1", "unit": labour.pk})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'id="zero-report-errors"' in text and wages.number in text
    assert not Return.objects.get(round=town_round, department=labour).is_filed

    filed = client.post(file_url, {"unit": labour.pk, "existing-social_security_wages": str(wages.pk)})
    ret = Return.objects.get(round=town_round, department=labour)
    assert filed.status_code == 302 and filed["Location"] == f"/screening/returns/{ret.pk}/"
    detail = client.get(f"/screening/returns/{ret.pk}/").content.decode()
    assert "发现 1 件" in detail and f"/screening/returns/{ret.pk}/correct/" in detail

    correct = client.get(f"/screening/returns/{ret.pk}/correct/").content.decode()
    assert f'value="{wages.pk}" checked' in correct
    no_reason = client.post(
        f"/screening/returns/{ret.pk}/correct/",
        {"unit": labour.pk, "existing-social_security_wages": str(wages.pk), "note": "补充"},
    )
    assert no_reason.status_code == 400 and "请填写更正原因。" in no_reason.content.decode()
    done = client.post(
        f"/screening/returns/{ret.pk}/correct/",
        {
            "unit": labour.pk,
            "existing-social_security_wages": str(wages.pk),
            "note": "补充",
            "reason": "补说明",
        },
    )
    assert done.status_code == 302
    history = client.get(f"/screening/returns/{ret.pk}/").content.decode()
    assert 'id="corrections"' in history and "补说明" in history and "说明：— → 补充" in history


def test_the_town_centre_sees_the_unit_on_its_board(client, world, setup):
    labour, town_round, wages = setup
    client.force_login(world.town_staff)
    board = client.get(f"/screening/rounds/{town_round.pk}/").content.decode()
    assert 'data-area="东镇人社所"' in board and 'data-area="东镇派出所"' in board
    assert f"?unit={labour.pk}" in board  # the centre may file on the unit's behalf
    client.force_login(world.cadre)  # positive control of scope: a village cadre does not see the town round
    assert client.get(f"/screening/rounds/{town_round.pk}/").status_code == 404


def test_the_cadence_page_offers_the_department_switch(client, world, setup):
    client.force_login(world.centre_staff)
    page = client.get("/screening/cadences/").content.decode()
    assert page.count("职能部门逐单位填报") == 3  # one per level's cadence
