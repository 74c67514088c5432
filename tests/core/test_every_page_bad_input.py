"""Every page × a fixed set of bad parameter values: the answer is 2xx/3xx/4xx, never a 5xx.

The URL patterns come from Django's resolver, so a new page is covered the day it is added. Parameter names
are the union of the names the pages' own forms render (read from the HTML) and the query and form
parameters the views read by hand (listed below from the view code). Path parameters point at real objects,
so that the views get past their 404 and actually read the parameters.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

# Read by hand in views (request.GET/POST.get …), not through a form the page renders.
VIEW_PARAMETERS = {
    "page", "level", "status", "state", "q", "domain", "period", "signal", "show", "area", "month", "days",
    "tab", "action", "map", "full", "matter_q", "code", "weeks", "target", "next", "form", "cadence", "note",
    "text", "exclude_matter", "go", "homepage", "limit", "offset", "kind", "unit", "year", "stage",
}  # fmt: skip

LIST = object()  # the parameter sent twice: ?x=1&x=2 (an "array")
BAD_VALUES = [
    "²",  # a Unicode digit: str.isdigit() says yes, int() says no
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "99999999999999999999999",  # past every integer column
    "-1",
    "",
    "1e999",
    "nan",
    "2026-13-45",
    "x" * 20_000,  # a huge string
    "\x00\x0b\u202e",  # control and bidi characters
    LIST,
]
SKIP = {"core:logout", "set_language"}  # they end the session or set a cookie; nothing to parse


def _patterns(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}:{entry.name}".strip(":")


@pytest.fixture
def objects(world, settings, tmp_path):
    """One real object of each kind a path parameter names, keyed by the parameter."""
    from anju.assessment import actions as assessment_actions
    from anju.intake import actions as intake_actions
    from anju.matters import actions as matter_actions
    from anju.matters.models import MatterKind
    from anju.screening.actions import open_due_rounds
    from anju.warning import actions as warning_actions

    settings.MEDIA_ROOT = tmp_path / "uploads"
    staff = world.centre_staff
    matter = matter_actions.create_matter(
        staff,
        kind=MatterKind.DISPUTE,
        domain=world.wages,
        area=world.village_a1,
        title="工地拖欠农民工工资",
        description="十余名工人反映工程款未结清。",
        parties=[{"role": "applicant", "name": "张三丰", "phone": "13812345678"}],
    )
    report = intake_actions.submit_report(
        staff, channel="visit", text="东一村三组道路积水。", area=world.village_a1
    )
    item = assessment_actions.create_item(
        staff,
        year=timezone.localdate().year,
        title="东镇农贸市场搬迁改造",
        category="project",
        description="拟将老农贸市场整体搬迁。",
        sponsor_unit=world.town_centre,
        area=world.town_a,
        affected_areas=[world.village_a1],
        domains=[world.land],
        people_affected=80,
        planned_decision_date=timezone.localdate(),
    )
    alert = warning_actions.draft_alert(
        staff,
        domain=world.wages,
        level="yellow",
        headline="东一村欠薪诉求异常增多预警",
        area=world.village_a1,
        onset=timezone.now(),
        expected="本周欠薪类事项 8 件。",
        measures="立即排查在建工地。",
        recipients=[world.committee_a1],
    )
    round_ = open_due_rounds(timezone.localdate())[0]
    return {
        "matters": matter.pk,
        "intake": report.pk,
        "assessment/items": item.pk,
        "warning": alert.pk,
        "screening/rounds": round_.pk,
        "matter_id": matter.pk,
        "report_id": report.pk,
    }


def _path(pattern: str, objects: dict) -> str:
    """A concrete path: numeric parameters point at an object of the pattern's app where there is one."""
    pk = next((v for k, v in objects.items() if pattern.startswith(k)), 1)

    def fill(match):
        name = match.group(1).split(":")[-1]
        if name in objects:
            return str(objects[name])
        if name in {"pk", "record_pk", "unit_id", "party_id", "attachment_id"}:
            return str(pk)
        return {"fmt": "docx", "code": "330101001000", "name": "x", "model": "matter"}.get(name, "x")

    return "/" + re.sub(r"<([^>]+)>", fill, pattern)


def _form_names(html: str) -> set[str]:
    return set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', html))


def _query(names, shift: int) -> dict:
    """Each name gets a different bad value; over len(BAD_VALUES) shifts every name gets every value."""
    query = {}
    for i, name in enumerate(sorted(names)):
        value = BAD_VALUES[(i + shift) % len(BAD_VALUES)]
        query[name] = ["1", "²"] if value is LIST else value
    return query


@pytest.mark.django_db(transaction=False)
def test_no_page_answers_5xx_to_bad_parameters(world, objects):
    client = Client(raise_request_exception=False)
    failures = []
    for pattern, name in _patterns():
        if name in SKIP:
            continue
        path = _path(pattern, objects)
        client.force_login(world.centre_staff)
        page = client.get(path)
        names = VIEW_PARAMETERS | _form_names(page.content.decode("utf-8", "replace"))
        if page.status_code >= 500:
            failures.append(f"GET {path} (no parameters) → {page.status_code}")
        for shift in range(len(BAD_VALUES)):
            query = _query(names, shift)
            client.force_login(world.centre_staff)
            for method in ("get", "post"):
                status = getattr(client, method)(path, query).status_code
                if status >= 500:
                    failures.append(f"{method.upper()} {path} shift {shift} → {status}")
        for value in BAD_VALUES if path.startswith("/api/") else ():
            if value is LIST:
                continue
            # a JSON body (the API reads one) with every name set to the same bad value
            body = {n: value for n in names}
            status = client.post(path, body, content_type="application/json").status_code
            if status >= 500:
                failures.append(f"POST json {path} value {value[:10]!r} → {status}")
    assert not failures, "\n".join(sorted(set(failures)))
