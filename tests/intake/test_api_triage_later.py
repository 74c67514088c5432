"""Reports sent through the API are answered before triage reads them: ``anju worker`` adds the suggestions
afterwards, staff pages work in between, and a token's use is recorded once a minute, not per request."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from anju.core.models import ApiToken, AuditEvent
from anju.intake import actions
from anju.intake.models import Report
from anju.triage import service

WAGE_TEXT = "工地包工头拖欠我们十二名工人工资八万元，讨薪多次未果"
WAGE_AGAIN = "工地包工头拖欠我们十二名工人的工资共八万元，多次讨薪未果，请求帮助"


def _worker_once() -> int:
    import argparse

    from anju.core import notify_cli

    parser = argparse.ArgumentParser(prog="anju")
    notify_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["worker", "--once"])
    return args.func(args)


class ApiClient:
    """The API as one user, through a real bearer token."""

    def __init__(self, user):
        from django.test import Client

        from anju.core import actions as core_actions

        self.client, self.token = Client(), core_actions.issue_api_token(user)

    def get(self, path: str):
        return self.client.get("/api" + path, headers={"Authorization": f"Bearer {self.token}"})

    def post(self, path: str, body: dict):
        return self.client.post(
            "/api" + path,
            data=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.token}"},
        )


def _send(world, **fields) -> dict:
    body = {"channel": "grid", "area": world.village_a1.code, "text": WAGE_TEXT} | fields
    response = ApiClient(world.cadre).post("/reports", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_api_answers_before_triage_and_the_worker_adds_the_suggestions(world, capsys):
    before = service.CLASSIFIER_CALLS["top_k"]
    answer = _send(world)
    assert service.CLASSIFIER_CALLS["top_k"] == before  # nothing classified while the caller waited
    assert answer["receipt_code"] and answer["triage"] == {} and answer["suggested_domain"] is None
    report = Report.objects.get(pk=answer["id"])
    assert report.triage_pending and report.triage == {} and report.suggested_domain is None

    assert _worker_once() == 0
    assert "intake.triage：处理 1 项" in capsys.readouterr().out
    report.refresh_from_db()
    assert not report.triage_pending
    assert report.triage["domains"][0][0] == world.wages.code and report.suggested_domain == world.wages
    assert report.triage["facts"]["max_people"] == 12 and report.triage["facts"]["max_money"] == 80000
    event = AuditEvent.objects.get(action="report.triage", object_id=str(report.pk))
    assert (event.actor, event.before, event.after) == (
        None,
        {"suggested_domain": None},
        {"suggested_domain": world.wages.pk},
    )
    assert actions.triage_pending_reports() == 0  # done once: a second pass finds nothing


def test_the_domain_the_caller_chose_outranks_the_workers_suggestion(world):
    answer = _send(world, suggested_domain=world.land.code)
    actions.triage_pending_reports()
    report = Report.objects.get(pk=answer["id"])
    assert report.suggested_domain == world.land and report.triage["domains"][0][0] == world.wages.code


def test_staff_see_suggestions_and_duplicates_before_the_worker_ran(client, world):
    first = actions.submit_report(world.cadre, **_kwargs(world, WAGE_TEXT))
    matter = actions.register_report(
        world.centre_staff, first, kind="dispute", domain=world.wages, title="欠薪"
    )
    answer = _send(world, text=WAGE_AGAIN)
    client.force_login(world.centre_staff)
    html = client.get(f"/intake/{answer['id']}/").content.decode()
    # the register form is filled from a pass run for the page (not stored: the page only reads)
    assert f'<option value="{world.wages.pk}" selected>' in html
    assert 'name="people_involved" value="12"' in html and 'name="amount_involved" value="80000' in html
    assert "可能是重复反映" in html and matter.number in html
    assert Report.objects.get(pk=answer["id"]).triage_pending

    actions.triage_pending_reports()
    html = client.get(f"/intake/{answer['id']}/").content.decode()
    assert f'<option value="{world.wages.pk}" selected>' in html and matter.number in html


def test_a_failing_pass_keeps_the_report_and_the_queue_moves_on(world, monkeypatch):
    first, second = _send(world, text="第一件：" + WAGE_TEXT), _send(world, text="第二件：" + WAGE_TEXT)
    real = service.analyse

    def broken_for_the_first(text):
        if text.startswith("第一件"):
            raise RuntimeError("model file unreadable")
        return real(text)

    monkeypatch.setattr(service, "analyse", broken_for_the_first)
    assert actions.triage_pending_reports() == 1
    failed, done = Report.objects.get(pk=first["id"]), Report.objects.get(pk=second["id"])
    assert (failed.triage_pending, failed.triage, failed.status) == (False, {}, "received")
    assert done.suggested_domain == world.wages and not done.triage_pending


def test_forms_and_actions_still_triage_at_once(world):
    report = actions.submit_report(world.cadre, **_kwargs(world, WAGE_TEXT))
    assert not report.triage_pending and report.suggested_domain == world.wages
    assert Report.objects.get(pk=report.pk).triage["domains"][0][0] == world.wages.code


def test_a_tokens_use_is_recorded_once_a_minute(world):
    client = ApiClient(world.cadre)
    assert client.get("/areas").status_code == 200
    token = ApiToken.objects.get(user=world.cadre)
    first_use = token.last_used_at
    assert first_use is not None
    assert client.get("/areas").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use  # a second request within the minute writes nothing
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=earlier)
    assert client.get("/areas").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > earlier + dt.timedelta(minutes=1)


def _kwargs(world, text: str) -> dict:
    return {"channel": "visit", "text": text, "area": world.village_a1}


def test_a_report_handled_before_the_worker_ran_still_gets_its_suggestions(world):
    """The queue is the reports' own flag: a report registered before the worker ran keeps its matter and
    status, and still gets its suggestions."""
    answer = _send(world)
    report = Report.objects.get(pk=answer["id"])
    matter = actions.register_report(
        world.centre_staff, report, kind="dispute", domain=world.land, title="欠薪"
    )
    actions.triage_pending_reports()
    report.refresh_from_db()
    assert (report.status, report.matter, report.triage_pending) == ("registered", matter, False)
    assert report.triage["domains"][0][0] == world.wages.code


def test_staff_who_opened_the_report_before_the_worker_ran_are_not_refused_as_stale(world):
    report = Report.objects.get(pk=_send(world)["id"])
    seen = report.version
    assert actions.triage_pending_reports() == 1
    matter = actions.register_report(
        world.centre_staff, report, kind="dispute", domain=world.wages, title="欠薪", version=seen
    )
    report.refresh_from_db()
    assert (report.status, report.matter) == ("registered", matter)
