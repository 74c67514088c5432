"""The level rules on the pages: the rules page (read by all staff, a new version saved by the county's
centre), the matter page's rule card, the assign form's errors next to their fields, the progress reports list."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from anju.matters import actions
from anju.matters.models import LevelRule, LevelRuleSet

LEVELS = ("low", "medium", "high", "critical")


def _form_data(**changes) -> dict:
    data = {"based_on": "0", "note": "中风险期限改为 12 天"}
    defaults = {
        "low": (30, 4, False, 0, 7, 0, False),
        "medium": (12, 4, False, 0, 3, 7, False),
        "high": (10, 4, True, 7, 1, 3, False),
        "critical": (5, 1, True, 1, 1, 1, True),
    }
    names = (
        "deadline_days",
        "min_handling_level",
        "lead_leader_required",
        "report_every_days",
        "supervise_after_days_overdue",
        "escalate_after_days",
        "propose_emergency_plan",
    )
    for level, values in defaults.items():
        for name, value in zip(names, values, strict=True):
            if isinstance(value, bool):
                if value:
                    data[f"{level}-{name}"] = "on"
            else:
                data[f"{level}-{name}"] = str(value)
    data.update(changes)
    return data


def test_town_staff_read_the_rules_but_get_no_form_and_may_not_post(client, world):
    client.force_login(world.town_staff)
    page = client.get("/matters/level-rules/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "镇领导包案，相关部门联合化解，每周报告进展" in html and "默认规则" in html
    assert 'id="level-rules-form"' not in html
    assert client.post("/matters/level-rules/", _form_data()).status_code == 403
    assert not LevelRuleSet.objects.exists()


def test_county_centre_saves_a_new_version_and_bad_input_is_said_next_to_the_field(client, world):
    client.force_login(world.centre_staff)
    assert 'id="level-rules-form"' in client.get("/matters/level-rules/").content.decode()
    bad = client.post("/matters/level-rules/", _form_data(**{"high-deadline_days": "0", "note": ""}))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "请填写修改说明。" in html
    assert not LevelRuleSet.objects.exists()
    ok = client.post("/matters/level-rules/", _form_data())
    assert ok.status_code == 302
    rule_set = LevelRuleSet.objects.get()
    assert rule_set.number == 1 and rule_set.created_by == world.centre_staff
    assert LevelRule.objects.get(rule_set=rule_set, level="medium").deadline_days == 12
    assert "第 1 版" in client.get("/matters/level-rules/").content.decode()
    # the same page sent again is stale (it was based on the defaults)
    stale = client.post("/matters/level-rules/", _form_data())
    assert stale.status_code == 409 and LevelRuleSet.objects.count() == 1


def test_a_critical_matter_page_proposes_escalation_and_an_emergency_plan(client, world, make_matter):
    matter = make_matter(area=world.town_a, likelihood=5, consequence=5)
    # 5 × 5 is also a 灰犀牛: its mitigation plan is written, so 交办 meets the level rules' check
    actions.set_mitigation_plan(world.centre_staff, matter, plan="先行垫付工资，分期追偿。")
    matter.refresh_from_db()
    client.force_login(world.town_staff)
    html = client.get(f"/matters/{matter.pk}/").content.decode()
    assert "须由示范县办理" in html or "须由" in html
    assert "建议启动应急预案" in html
    assert "该事项须明确包案领导。" in html
    # the emergency app is installed: the proposal links to opening an incident from the matter
    assert f'<a href="/emergency/incidents/new/?matter={matter.pk}">启动应急处置</a>' in html
    response = client.post(
        f"/matters/{matter.pk}/act/assign/",
        {
            "assign-unit": world.police.pk,
            "assign-lead_leader": world.leader.pk,
            "assign-version": matter.version,
        },
    )
    assert response.status_code == 400
    form = response.content.decode().split('id="panel-assign"', 1)[1].split("</form>", 1)[0]
    assert "请先上报，或填写不上报的理由" in form
    matter.refresh_from_db()
    assert matter.status == "assessed"


def test_the_progress_reports_list_shows_what_is_due_in_scope(client, world, make_matter):
    now = timezone.now() - dt.timedelta(days=9)
    matter = make_matter(likelihood=3, consequence=3, now=now)
    actions.assign(world.centre_staff, matter, unit=world.police, lead_leader=world.leader, now=now)
    client.force_login(world.town_staff)
    html = client.get("/matters/progress-reports/").content.decode()
    assert matter.number in html and "逾期 2 天" in html
    client.force_login(world.cadre_b)  # 西一村: not theirs
    assert matter.number not in client.get("/matters/progress-reports/").content.decode()
