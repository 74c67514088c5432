"""Selective triage in the platform: the threshold stored with the model, the county's target precision,
the route on each suggestion and the badge of the suggestion panel."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from anju.core.errors import Conflict
from anju.core.models import AuditEvent
from anju.intake.actions import submit_report
from anju.matters.actions import create_matter
from anju.triage import actions, service
from anju.triage.models import ClassifierModel, RoutingSetting
from guards import check_guard

WAGE_TEXT = "东一村某建筑公司拖欠农民工30余人工资共计50万元，工人扬言集体讨薪，请尽快处理。"
#: a hand-made out-of-fold check: 125 right at confidence 0.3, 75 wrong at 0.2. With the Wilson rule,
#: 0.97 is met at 0.3 (125 of 125: lower bound 125/128.84 = 0.9702); 0.99 needs 380 right in a row: none
HAND_CHECK = {"confidence": [0.3] * 125 + [0.2] * 75, "correct": [True] * 125 + [False] * 75}


def _train(world, n=15):
    for i in range(n):
        create_matter(
            world.centre_staff,
            kind="demand",
            domain=world.wages,
            area=world.village_a1,
            title=f"工资拖欠{i}",
            description=f"第{i}批工人反映工地老板欠薪，要求结清工钱",
        )
        create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.land,
            area=world.village_a1,
            title=f"征地补偿{i}",
            description=f"第{i}组村民对征收土地的补偿标准有异议，要求重新丈量",
        )
    return actions.train_classifier(world.centre_staff)


def _panel(client, user, text=WAGE_TEXT):
    client.force_login(user)
    return client.post(reverse("intake:suggest"), {"title": "", "text": text}).content.decode()


def test_retraining_stores_its_out_of_fold_check_and_a_small_ledger_routes_nothing(world, client):
    record = _train(world)
    assert len(record.oof_check["confidence"]) == 30 and len(record.oof_check["correct"]) == 30
    # 30 checked matters, even all right, give a Wilson lower bound of 30/33.84 = 0.887 < 0.97
    assert record.target_precision == Decimal("0.970") and record.route_threshold is None
    assert record.routing["n"] == 30 and record.routing["n_auto"] == 0
    assert service.suggest(world.centre_staff, WAGE_TEXT).route == "review"
    page = _panel(client, world.centre_staff)
    assert "请人工确认" in page and "可直接采用" not in page


def test_the_target_precision_sets_the_threshold_and_the_route(world, client):
    record = _train(world)
    ClassifierModel.objects.filter(pk=record.pk).update(oof_check=HAND_CHECK)
    setting = actions.set_target_precision(world.admin, "0.97", version=RoutingSetting.current().version)
    record.refresh_from_db()
    assert record.route_threshold == pytest.approx(0.3)
    assert record.routing["n_auto"] == 125 and record.routing["coverage"] == pytest.approx(125 / 200)
    s = service.suggest(world.centre_staff, WAGE_TEXT)
    assert s.model_kind == "trained" and s.domains[0][0] == world.wages and s.route == "auto"
    page = _panel(client, world.centre_staff)
    assert "可直接采用" in page and "请人工确认" not in page
    # the report registered now carries its route, and its page shows it beside the suggested domain
    report = submit_report(world.grid_worker, channel="grid", text=WAGE_TEXT, area=world.grid_a1)
    report.refresh_from_db()
    assert report.triage["route"] == "auto" and report.suggested_domain == world.wages
    client.force_login(world.centre_staff)
    assert "可直接采用" in client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    # a stricter target the check cannot show: everything goes to a person again, at once
    actions.set_target_precision(world.admin, Decimal("0.99"), version=setting.version)
    record.refresh_from_db()
    assert record.route_threshold is None and record.target_precision == Decimal("0.990")
    assert service.suggest(world.centre_staff, WAGE_TEXT).route == "review"
    # the next retraining keeps the county's target
    assert _train(world, n=1).target_precision == Decimal("0.990")
    assert AuditEvent.objects.filter(action="triage.target_precision").count() == 2


def test_keyword_answers_are_always_for_a_person(world, client):
    s = service.suggest(world.centre_staff, WAGE_TEXT)
    assert s.model_kind == "lexicon" and s.domains and s.route == "review"
    assert "请人工确认" in _panel(client, world.centre_staff)


def test_target_precision_guard_and_bad_input(world):
    setting = RoutingSetting.current()
    check_guard(
        world,
        {"admin", "centre_staff", "town_staff"},
        lambda actor: actions.set_target_precision(actor, "0.95"),
        insider=world.admin,
    )
    assert RoutingSetting.current().target_precision == Decimal("0.950")
    for bad in ("1.2", "0.3", "abc"):
        with pytest.raises(ValidationError):
            actions.set_target_precision(world.admin, bad)
    with pytest.raises(Conflict):
        actions.set_target_precision(world.admin, "0.96", version=setting.version)  # a stale page
    assert RoutingSetting.current().target_precision == Decimal("0.950")


def test_model_page_shows_routing_and_refuses_bad_targets(world, client):
    client.force_login(world.admin)
    page = client.get(reverse("triage:model"))
    assert page.status_code == 200 and "目标准确率" in page.content.decode()
    bad = client.post(reverse("triage:target_precision"), {"target_precision": "2", "version": "1"})
    assert bad.status_code == 400 and "0.5 到 0.999" in bad.content.decode()
    ok = client.post(reverse("triage:target_precision"), {"target_precision": "0.9", "version": "1"})
    assert ok.status_code == 302 and RoutingSetting.current().target_precision == Decimal("0.900")
    client.force_login(world.leader)
    assert client.post(reverse("triage:target_precision"), {"target_precision": "0.8"}).status_code == 403
