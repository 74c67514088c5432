"""The permission walk of the other apps: warning, reports, dashboard, screening, triage, assessment.

``test_permissions.py`` walks core, intake, public, matters and the API; this file walks every role ×
every list, detail, export and download route of the other capabilities × an object in area A (东一村第一网格),
B (西一村第一网格) and C (a grid of another county). The expectations come from the role tables
(``anju.core.roles``, ``anju.screening.permissions``, ``anju.assessment.permissions``) and the scope
(``anju.core.scoping.in_scope``), never from the views:
  role may, object visible      → the route's success answer
  role may not                  → 403 (anonymous: the login redirect)
  role may, object not visible  → 404
and no answer contains the identifying text of an object outside the user's scope; no GET changes anything.
POST-only pages that change state are exempt (covered by each app's action tests); a representative few
are checked here: a GET changes nothing, a POST by a role without the permission changes nothing.
The API of these capabilities (``APPS_API_PREFIXES``) is walked here too, with an API token (anonymous:
401), writes included: a write with a valid body by a role that may, on an object it sees, passes the gate
and then succeeds or collides with what the earlier roles left (409, 422); a refused one changes nothing.
All data is built once and all roles walk it in one test, to keep the run short.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from anju.assessment import permissions as assessment_permissions
from anju.assessment.models import Assessment
from anju.care import actions as care_actions
from anju.care import permissions as care_permissions
from anju.care.models import Referral
from anju.cases import actions as cases_actions
from anju.cases import permissions as cases_permissions
from anju.core import actions as core_actions
from anju.core import notifications
from anju.core.models import AreaLevel, AuditEvent, Notification, UnitKind
from anju.core.roles import PERMISSIONS as CORE_PERMISSIONS
from anju.core.scoping import in_scope
from anju.emergency import actions as emergency_actions
from anju.emergency import permissions as emergency_permissions
from anju.intake import actions as intake_actions
from anju.matters import actions as matter_actions
from anju.matters.models import MatterEvent, MatterParty
from anju.reports import actions as report_actions
from anju.reports.models import ProgressReport
from anju.screening import actions as screening_actions
from anju.screening import permissions as screening_permissions
from anju.screening.models import Return, Round, RoundStatus
from anju.warning import actions as warning_actions
from anju.warning.models import Alert, Method, Signal, SignalScan
from test_permissions import APPS_API_PREFIXES, ROLE_USERS, _walk

APP_NAMESPACES = (
    "warning",
    "reports",
    "dashboard",
    "screening",
    "triage",
    "assessment",
    "emergency",
    "cases",
    "care",
)
ALL_PERMISSIONS = {
    **CORE_PERMISSIONS,
    **screening_permissions.PERMISSIONS,
    **assessment_permissions.PERMISSIONS,
    **emergency_permissions.PERMISSIONS,
    **cases_permissions.PERMISSIONS,
    **care_permissions.PERMISSIONS,
}
LOGIN = None  # permission marker: any logged-in user
STATE_CHANGE = "state change, covered by the app's action tests"
MOVED = (
    "the old address of core's notification centre: a redirect after sign-in (tests/screening/test_pages.py)"
)

# POST-only routes (and one GET-and-POST form whose GET is walked below under another key): not walked.
EXEMPT = {
    "warning:scan": STATE_CHANGE,
    "warning:alert_action": STATE_CHANGE,
    "warning:task_done": STATE_CHANGE,
    "warning:key_date_new": STATE_CHANGE,
    "warning:transmission_fit": STATE_CHANGE,
    "reports:generate": STATE_CHANGE,
    "reports:generate_all": STATE_CHANGE,
    "reports:submit": STATE_CHANGE,
    "reports:sections": STATE_CHANGE,
    "reports:progress_read": STATE_CHANGE,
    "screening:close": STATE_CHANGE,
    "screening:remind": STATE_CHANGE,
    "screening:notifications_moved": MOVED,
    "screening:notification_open_moved": MOVED,
    "screening:notifications_read_all_moved": MOVED,
    "dashboard:home": "walked in tests/test_permissions.py with the reports its list of reports waiting shows",
    "triage:train": STATE_CHANGE,
    "triage:target_precision": STATE_CHANGE,
    "triage:suggest": "the typing panel moved to intake: a 307 to intake:suggest, walked below",
    "triage:hotspots": "hotspots moved to intake: a redirect to intake:hotspots, walked below",
    "assessment:item_start": STATE_CHANGE,
    "assessment:item_decided": STATE_CHANGE,
    "assessment:act": STATE_CHANGE,
    "assessment:remove": STATE_CHANGE,
    "assessment:unit_task_done": STATE_CHANGE,
    # lists only what is addressed to the user's unit (稳评 measures of every place name 东镇's units):
    # walked by test_addressed_to_my_unit_walk
    "assessment:unit_tasks": "walked by test_addressed_to_my_unit_walk below",
    "emergency:task_done": STATE_CHANGE,
    "cases:opinion_step": STATE_CHANGE,
    "cases:lead": STATE_CHANGE,
    "cases:add_matters": STATE_CHANGE,
    "cases:add_task": STATE_CHANGE,
    "cases:figures": STATE_CHANGE,
    "cases:progress": STATE_CHANGE,
    "cases:session": STATE_CHANGE,
    "cases:meeting": STATE_CHANGE,
    "cases:from_cluster": STATE_CHANGE,
    "care:referral_accept": STATE_CHANGE,
    "care:referral_decline": STATE_CHANGE,
    "care:referral_outcome": STATE_CHANGE,
    "care:referral_close": STATE_CHANGE,
    "care:referral_contact": STATE_CHANGE,
    "care:service_active": STATE_CHANGE,
    "cases:buffer_end": STATE_CHANGE,
    # the owner unit closes a task (not role and area): tests/api/test_api_emergency_writes.py and the guard test
    "POST /api/emergency/tasks/{task_id}/complete": "closed by the owner unit, not by role and area",
    # 整改验收 of a completed aftermath task: tests/api/test_api_emergency_resources.py (workflow, version, 404
    # outside the scope) and the action's guard in tests/emergency/test_emergency_aftermath.py
    "POST /api/emergency/tasks/{task_id}/verify": "a completed rectification task; see the tests named above",
    # the guard is the warning's recipient list (whoever belongs to a unit it was sent to signs), not role
    # and area; tests/api/test_api_warning.py checks a recipient, a non-recipient (403) and the scope (404)
    "POST /api/warning/alerts/{alert_id}/acknowledge": "signed by a recipient unit, not by role and area",
}

# Wrong answers this walk finds are fixed in the view, not accepted here; an entry maps (route, role) to the
# answer a view gives today while its owner fixes it (the walk fails as soon as the view answers correctly).
KNOWN_WRONG: dict[tuple[str, str], int] = {}

# A long shared description: the duplicate search of intake:suggest finds every matter carrying it.
DUPLICATE_TEXT = (
    "东区建筑工地拖欠农民工工资三个月，涉及工人四十余人，金额约六十万元，工人多次到项目部讨薪未果，"
    "情绪激动，扬言到镇政府门口聚集，请求综治中心协调劳动监察和住建部门尽快处理。"
)
HOTSPOT_TEXT = "小区门口路灯损坏多日，夜间行人摔倒，请尽快维修路灯"


# --- the objects --------------------------------------------------------------------------------------------
def _build(world) -> dict[str, SimpleNamespace]:
    from assessment.conftest import analyse, consult, make_item, plan, to_reported

    w = world
    root = core_actions.create_user(
        None, username="root", password="test-pass-123", role="admin", is_superuser=True
    )
    county_c = core_actions.create_area(root, code="330200000000", name="邻县", level=AreaLevel.COUNTY)
    town_c = core_actions.create_area(
        root, code="330201000000", name="邻镇", level=AreaLevel.TOWN, parent=county_c
    )
    village_c = core_actions.create_area(
        root, code="330201001000", name="邻村", level=AreaLevel.VILLAGE, parent=town_c
    )
    grid_c = core_actions.create_area(
        root, code="330201001001", name="邻村第一网格", level=AreaLevel.GRID, parent=village_c
    )
    units = {
        "A": core_actions.create_unit(root, name="东一村第一网格工作站", kind=UnitKind.OTHER, area=w.grid_a1),
        "B": w.committee_b1,
        "C": core_actions.create_unit(
            root, name="邻村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=village_c
        ),
    }
    places = {
        "A": (w.grid_a1, w.village_a1, w.town_a),
        "B": (w.grid_b1, w.village_b1, w.town_b),
        "C": (grid_c, village_c, town_c),
    }
    screening_actions.open_due_rounds()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    out = {}
    for key, (grid, village, town) in places.items():
        unit = units[key]
        matter = matter_actions.create_matter(
            root,
            kind="dispute",
            domain=w.wages,
            area=grid,
            title=f"权限应用事项{key}",
            description=DUPLICATE_TEXT,
            likelihood=3,
            consequence=3,
            parties=[{"role": "applicant", "name": f"权限当事人{key}", "phone": "13800000000"}],
        )
        # a care plan for the party, its care person a grid worker of the place (none of the walking users)
        carer = core_actions.create_user(
            root,
            username=f"walk-carer-{key}",
            password="test-pass-123",
            role="grid_worker",
            area=grid,
            display_name=f"关爱员{key}",
        )
        party = matter.parties.get()
        care_plan = care_actions.open_plan(root, party, care_person=carer, reason=f"权限关爱{key}")
        reports = [
            intake_actions.submit_report(
                root, channel="grid", title=f"权限热点{key}{i}", text=HOTSPOT_TEXT, area=grid
            )
            for i in range(2)
        ]
        signal = Signal.objects.create(
            area=grid,
            domain=w.wages,
            week=monday,
            method=Method.FARRINGTON_FLEXIBLE,
            observed=9,
            expected=1.0,
            upperbound=3.0,
            score=2.5,
            alarm=True,
        )
        alert = warning_actions.draft_alert(
            root,
            domain=w.wages,
            level="yellow",
            headline=f"权限预警{key}",
            area=grid,
            onset=timezone.now(),
            expected="欠薪事项增多",
            measures="开展排查",
            issuing_unit=unit,
            recipients=[unit],
        )
        warning_actions.issue_alert(root, alert)
        meeting = warning_actions.plan_meeting(
            root, kind="topic", area=grid, title=f"权限研判会{key}", held_at=timezone.now()
        )
        task = warning_actions.add_decision(
            root,
            meeting,
            kind="task",
            text=f"权限交办任务{key}",
            unit=unit,
            deadline=today + dt.timedelta(days=7),
        )
        monthly = report_actions.generate_report(root, area=grid, month=last_month)
        village_round = Round.objects.get(county=village.parent.parent, level=AreaLevel.VILLAGE)
        ret = screening_actions.file_return(
            root,
            village_round,
            area=village,
            zero_report=True,
            note=f"权限排查备注{key}",
            explanation="事项已由综治中心登记",  # the place's matter is of this period (ledger cross-check)
        )
        town_round = Round.objects.get(county=village.parent.parent, level=AreaLevel.TOWN)
        progress = ProgressReport.objects.create(
            area=town,
            to_area=town.parent,
            title=f"权限工作进展{key}",
            period_start=today - dt.timedelta(days=7),
            period_end=today,
            text="进展",
            attachment=ContentFile(b"%PDF-1.4 walk", name="walk.pdf"),
            submitted_by=root,
        )
        item = make_item(
            w,
            root,
            title=f"权限稳评事项{key}",
            sponsor_unit=unit,
            area=grid,
            affected_areas=[grid],
        )
        assessment = to_reported(
            w, analyse(w, consult(w, plan(w, item, root), root), root), root, review=False
        )
        emergency_plan = emergency_actions.create_plan(
            root, area=grid, title=f"权限预案{key}", plan_type="grassroots"
        )
        drill = emergency_actions.plan_drill(root, area=grid, title=f"权限演练{key}", date=today)
        material = emergency_actions.add_material(
            root,
            area=grid,
            category="生活类",
            item=f"权限物资{key}",
            quantity=1,
            measure="箱",
            site="仓库",
            minimum=5,  # below its minimum: the overview lists it
        )
        incident = emergency_actions.open_incident(
            root,
            area=grid,
            title=f"权限突发事件{key}",
            emergency_class="public_health",
            grade="general",
            occurred_at=timezone.now(),
            learned_at=timezone.now(),
            description="权限测试",
            matter=matter,
        )
        dispatch = emergency_actions.dispatch_material(root, material, quantity="0.5", destination="仓库外")
        release = emergency_actions.draft_release(root, incident, title="权限通报", body="权限测试")
        opinion = cases_actions.open_opinion(
            root, matter, title=f"权限舆情{key}", platform="微博", reported_by="staff"
        )
        case = cases_actions.open_case(
            root, title=f"权限专案{key}", kind="fraud", lead_unit=unit, matters=[matter]
        )
        case_task = cases_actions.add_task(root, case, title=f"权限专案任务{key}", owner_unit=unit)
        service = care_actions.create_service(
            root, name=f"权限服务机构{key}", kind="counselling", area=grid, contact_position="值班社工"
        )
        party = MatterParty.objects.create(
            matter=matter, role="applicant", name="权限当事人", phone="13800000000"
        )
        referral = Referral.objects.create(
            matter=matter,
            party=party,
            service_unit=service,
            purpose=f"权限转介事由{key}",
            consent=True,
            consent_method="oral",
            sent_by=root,
        )
        out[key] = SimpleNamespace(
            key=key,
            area=grid,
            village=village,
            town=town,
            matter=matter,
            party=party,
            care_plan=care_plan,
            reports=reports,
            signal=signal,
            alert=alert,
            meeting=meeting,
            task=task,
            monthly=monthly,
            ret=ret,
            village_round=village_round,
            town_round=town_round,
            progress=progress,
            item=item,
            assessment=assessment,
            plan=emergency_plan,
            drill=drill,
            material=material,
            incident=incident,
            dispatch=dispatch,
            release=release,
            opinion=opinion,
            case=case,
            case_task=case_task,
            service=service,
            referral=referral,
            # what identifies the objects of this place: must never reach a user who does not see them
            secrets=[
                (grid, [grid.name, matter.title, alert.headline, meeting.title, item.title, task.text]),
                (grid, [emergency_plan.title, drill.title, material.item, incident.title]),
                (grid, [opinion.title]),
                (grid, [case.title, case_task.title]),
                (grid, [service.name, referral.purpose]),
                (grid, [r.title for r in reports]),
                (village, [ret.note]),
                (town, [progress.title]),
            ],
        )
    return out


def _care_visible(user, o) -> bool:
    """A care plan or a party: in scope, and not a department officer's (the place's matter is not assigned
    to their unit)."""
    return in_scope(user, o.area) and user.role != "department_officer"


def _area_report_visible(user, area) -> bool:
    """An area's monthly or progress report: in scope, and not a department officer's (they see their own
    unit's reports only, ``reports.queries``)."""
    return in_scope(user, area) and user.role != "department_officer"


def _round_visible(user, round_) -> bool:
    """A round is seen through the returns in the user's scope (``screening.queries``)."""
    return any(in_scope(user, r.area) for r in Return.objects.filter(round=round_).select_related("area"))


# --- the routes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    key: str
    url: object  # (objects of one place) -> url
    permission: str | None = LOGIN
    method: str = "GET"
    obj: bool = False  # the URL names an object of one place
    visible: object = None  # (user, objects) -> bool; default: the place's grid is in scope
    listing: object = None  # (objects) -> text shown for the object in a list
    allowed: frozenset = frozenset({200})
    data: object = None
    shows: object = None  # (objects) -> text a successful answer about the object must contain
    about_matter: bool = False  # the listed objects are matters: a unit-scoped role sees only some
    api: bool = False  # called with an API token (anonymous: 401); a POST changes data when allowed
    foreign: frozenset = frozenset({404})  # the answer when the object is outside the scope
    refused: object = None  # (user, objects) -> bool: the action's own rule refuses this user there (403)


def page(key, url, permission=LOGIN, **kw) -> Route:
    return Route(key=key, url=url, permission=permission, **kw)


def api(method, path, url, permission=LOGIN, **kw) -> Route:
    """An API route: a write by a role that may, on an object it sees, passes the gate and then succeeds or
    collides with the state the earlier roles left (409, 422)."""
    kw.setdefault("allowed", frozenset({200}) if method == "GET" else frozenset({200, 201, 409, 422}))
    return Route(
        key=f"{method} /api{path}",
        url=lambda o, u=url: "/api" + u(o),
        permission=permission,
        method=method,
        api=True,
        **kw,
    )


ROUTES = [
    # cases: 舆情应对 belongs to its matter (a department officer sees only their unit's matters' items)
    page(
        "cases:opinion_list",
        lambda o: "/cases/opinion/",
        "cases.view",
        listing=lambda o: o.opinion.title,
        about_matter=True,
    ),
    page("cases:opinion_new", lambda o: "/cases/opinion/new/", "cases.opinion"),
    page(
        "cases:opinion_detail",
        lambda o: f"/cases/opinion/{o.opinion.pk}/",
        "cases.view",
        obj=True,
        visible=lambda u, o: in_scope(u, o.area) and u.role != "department_officer",
        shows=lambda o: o.opinion.title,
    ),
    # warning
    page(
        "warning:signals",
        lambda o: "/warning/signals/?period=all",
        "signals.view",
        listing=lambda o: o.area.name,
    ),
    page("warning:detection", lambda o: "/warning/signals/methods/", "signals.view"),
    page("warning:transmission", lambda o: "/warning/transmission/", "transmission.view"),
    page(
        "warning:detection_edit",
        lambda o: f"/warning/signals/methods/{o.matter.domain_id}/",
        "signals.configure",
    ),
    page("warning:index", lambda o: "/warning/", "alert.view", listing=lambda o: o.alert.headline),
    page("warning:alert_new", lambda o: "/warning/new/", "alert.manage"),
    page(
        "warning:alert_new",
        lambda o: f"/warning/new/?signal={o.signal.pk}",
        "alert.manage",
        obj=True,
        shows=lambda o: o.area.name,
    ),
    page(
        "warning:alert",
        lambda o: f"/warning/{o.alert.pk}/",
        "alert.view",
        obj=True,
        shows=lambda o: o.alert.headline,
    ),
    page(
        "warning:cap",
        lambda o: f"/warning/{o.alert.pk}/cap.xml",
        "alert.view",
        obj=True,
        shows=lambda o: o.alert.headline,
    ),
    page("warning:feed", lambda o: "/warning/feed.atom", "alert.view", listing=lambda o: o.alert.headline),
    page(
        "warning:meetings", lambda o: "/warning/meetings/", "analysis.view", listing=lambda o: o.meeting.title
    ),
    page("warning:meeting_new", lambda o: "/warning/meetings/new/", "analysis.manage"),
    page(
        "warning:meeting",
        lambda o: f"/warning/meetings/{o.meeting.pk}/",
        "analysis.view",
        obj=True,
        shows=lambda o: o.meeting.title,
    ),
    # the tasks of meetings: a place's task is addressed to that place's unit, which no walking user belongs
    # to, so here it is seen by area; test_addressed_to_my_unit_walk below walks what is addressed to a unit
    page("warning:tasks", lambda o: "/warning/tasks/", "analysis.task"),
    page(
        "warning:task",
        lambda o: f"/warning/tasks/{o.task.pk}/",
        "analysis.task",
        obj=True,
        shows=lambda o: o.task.text,
    ),
    # care (关心关爱): a party's page and its purpose form are for those who may reveal it (here, where no
    # walking user handles the place's matter, the roles that may reveal personal data)
    page("care:index", lambda o: "/care/", "care.view"),
    page(
        "care:rollup",
        lambda o: "/care/roll-up/",
        "care.rollup",
        listing=lambda o: o.matter.number,
        about_matter=True,
    ),
    page(
        "care:plan",
        lambda o: f"/care/plans/{o.care_plan.pk}/",
        "care.view",
        obj=True,
        visible=_care_visible,
        shows=lambda o: o.matter.title,
    ),
    page(
        "care:party",
        lambda o: f"/care/parties/{o.party.pk}/",
        "personal_data.reveal",
        obj=True,
        visible=_care_visible,
        shows=lambda o: o.matter.title,
    ),
    page(
        "care:reveal_party",
        lambda o: f"/care/parties/{o.party.pk}/reveal/phone/",
        "personal_data.reveal",
        obj=True,
        visible=_care_visible,
        shows=lambda o: "回访",
    ),
    # reports
    page("reports:index", lambda o: "/reports/", "report.monthly"),
    page(
        "reports:detail",
        lambda o: f"/reports/{o.monthly.pk}/",
        "report.monthly",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.area),
        shows=lambda o: o.area.name,
    ),
    *[
        page(
            "reports:download",
            lambda o, f=fmt: f"/reports/{o.monthly.pk}/download.{f}",
            "report.monthly",
            obj=True,
            visible=lambda u, o: _area_report_visible(u, o.area),
            shows=(lambda o: o.area.name) if fmt != "pdf" else None,
        )
        for fmt in ("xlsx", "docx", "pdf")
    ],
    page(
        "reports:export_json",
        lambda o: f"/reports/{o.monthly.pk}/export.json",
        "report.monthly",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.area),
        shows=lambda o: o.area.name,
    ),
    page(
        "reports:progress_index",
        lambda o: "/reports/progress/",
        "progress.view",
        visible=lambda u, o: _area_report_visible(u, o.town),
        listing=lambda o: o.progress.title,
    ),
    page("reports:progress_new", lambda o: "/reports/progress/new/", "progress.submit"),
    page(
        "reports:progress",
        lambda o: f"/reports/progress/{o.progress.pk}/",
        "progress.view",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.town),
        shows=lambda o: o.progress.title,
    ),
    page(
        "reports:progress_attachment",
        lambda o: f"/reports/progress/{o.progress.pk}/attachment/",
        "progress.view",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.town),
    ),
    # dashboard
    page("dashboard:index", lambda o: "/dashboard/", listing=lambda o: o.alert.headline),
    # screening
    page("screening:index", lambda o: "/screening/", "screening.view"),
    page(
        "screening:round",
        lambda o: f"/screening/rounds/{o.village_round.pk}/",
        "screening.view",
        obj=True,
        visible=lambda u, o: _round_visible(u, o.village_round),
    ),
    page(
        "screening:return",
        lambda o: f"/screening/returns/{o.ret.pk}/",
        "screening.view",
        obj=True,
        visible=lambda u, o: in_scope(u, o.village),
        shows=lambda o: o.ret.note,
    ),
    page(
        "screening:file",
        lambda o: f"/screening/rounds/{o.town_round.pk}/file/?area={o.town.pk}",
        "screening.file",
        obj=True,
        visible=lambda u, o: in_scope(u, o.town),
    ),
    page(
        "screening:correct",
        lambda o: f"/screening/returns/{o.ret.pk}/correct/",
        "screening.file",
        obj=True,
        visible=lambda u, o: in_scope(u, o.village),
    ),
    page("screening:cadences", lambda o: "/screening/cadences/", "screening.manage"),
    # intake's pages on triage (walked here, with this file's texts): suggest is a POST that only reads
    # (the text being typed); its duplicates must be scoped
    page(
        "intake:suggest",
        lambda o: "/intake/suggest/",
        method="POST",
        data=lambda o: {"text": DUPLICATE_TEXT},
        listing=lambda o: o.matter.number,
        about_matter=True,
    ),
    page(
        "intake:hotspots",
        lambda o: "/intake/hotspots/",
        "report.view",
        listing=lambda o: f'href="/intake/{o.reports[0].pk}/"',
    ),
    page("triage:model", lambda o: "/triage/model/", "triage.train"),
    # assessment
    page("assessment:index", lambda o: "/assessment/", "assessment.view", listing=lambda o: o.item.title),
    page(
        "assessment:export",
        lambda o: "/assessment/export.xlsx",
        "assessment.view",
        listing=lambda o: o.item.title,
    ),
    page("assessment:item_new", lambda o: "/assessment/items/new/", "assessment.item"),
    page(
        "assessment:item",
        lambda o: f"/assessment/items/{o.item.pk}/",
        "assessment.view",
        obj=True,
        shows=lambda o: o.item.title,
    ),
    page(
        "assessment:item_edit", lambda o: f"/assessment/items/{o.item.pk}/edit/", "assessment.item", obj=True
    ),
    page(
        "assessment:detail",
        lambda o: f"/assessment/{o.assessment.pk}/",
        "assessment.view",
        obj=True,
        shows=lambda o: o.item.title,
    ),
    *[
        page(
            "assessment:report",
            lambda o, f=fmt: f"/assessment/{o.assessment.pk}/report.{f}",
            "assessment.view",
            obj=True,
            shows=(lambda o: o.item.title) if fmt == "docx" else None,
        )
        for fmt in ("docx", "pdf")
    ],
    # cases (专案)
    page("cases:index", lambda o: "/cases/", "cases.view", listing=lambda o: o.case.title),
    page("cases:new", lambda o: "/cases/new/", "cases.manage"),
    page(
        "cases:detail", lambda o: f"/cases/{o.case.pk}/", "cases.view", obj=True, shows=lambda o: o.case.title
    ),
    page(
        "cases:edit",
        lambda o: f"/cases/{o.case.pk}/edit/",
        "cases.manage",
        obj=True,
        shows=lambda o: o.case.title,
    ),
    page(
        "cases:remove_matter",
        lambda o: f"/cases/{o.case.pk}/matters/{o.matter.pk}/remove/",
        "cases.manage",
        obj=True,
        shows=lambda o: o.matter.number,
    ),
    page(
        "cases:close",
        lambda o: f"/cases/{o.case.pk}/close/",
        "cases.manage",
        obj=True,
        shows=lambda o: o.case.code,
    ),
    page(
        "cases:reopen",
        lambda o: f"/cases/{o.case.pk}/reopen/",
        "cases.manage",
        obj=True,
        shows=lambda o: o.case.code,
    ),
    page(
        "cases:task",
        lambda o: f"/cases/tasks/{o.case_task.pk}/",
        "cases.view",
        obj=True,
        shows=lambda o: o.case_task.title,
    ),
    # care (关心关爱): 转介 and the directory of service units. A referral is its matter's: the walking
    # department officer sees none of the places' matters, so none of their referrals
    page(
        "care:referrals",
        lambda o: "/care/referrals/?box=sent",
        "care.referral_view",
        listing=lambda o: o.matter.number,
        about_matter=True,
    ),
    page("care:referrals", lambda o: "/care/referrals/", "care.referral_view"),
    page(
        "care:referral_new",
        lambda o: f"/care/referrals/matter/{o.matter.pk}/",
        "care.refer",
        obj=True,
        visible=lambda u, o: in_scope(u, o.area) and u.role != "department_officer",
        shows=lambda o: o.matter.title,
    ),
    page(
        "care:referral",
        lambda o: f"/care/referrals/{o.referral.pk}/",
        "care.referral_view",
        obj=True,
        visible=lambda u, o: in_scope(u, o.area) and u.role != "department_officer",
        shows=lambda o: o.referral.purpose,
    ),
    page(
        "care:services", lambda o: "/care/services/", "care.referral_view", listing=lambda o: o.service.name
    ),
    page("care:service_new", lambda o: "/care/services/new/", "care.services"),
    page(
        "care:service_edit",
        lambda o: f"/care/services/{o.service.pk}/",
        "care.services",
        obj=True,
        shows=lambda o: o.service.name,
    ),
    # emergency (应急)
    page("emergency:index", lambda o: "/emergency/", "emergency.view", listing=lambda o: o.incident.title),
    page("emergency:plans", lambda o: "/emergency/plans/", "emergency.view", listing=lambda o: o.plan.title),
    page("emergency:plan_new", lambda o: "/emergency/plans/new/", "emergency.plan"),
    page(
        "emergency:plan",
        lambda o: f"/emergency/plans/{o.plan.pk}/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.plan.title,
    ),
    page(
        "emergency:plan_docx",
        lambda o: f"/emergency/plans/{o.plan.pk}/plan.docx",
        "emergency.view",
        obj=True,
        shows=lambda o: o.plan.title,
    ),
    page(
        "emergency:plan_pdf",
        lambda o: f"/emergency/plans/{o.plan.pk}/plan.pdf",
        "emergency.view",
        obj=True,  # a PDF's text is compressed: what it shows is checked in test_emergency_plan_pdf.py
    ),
    page(
        "emergency:drills", lambda o: "/emergency/drills/", "emergency.view", listing=lambda o: o.drill.title
    ),
    page("emergency:drill_new", lambda o: "/emergency/drills/new/", "emergency.drill"),
    page(
        "emergency:drill",
        lambda o: f"/emergency/drills/{o.drill.pk}/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.drill.title,
    ),
    page(
        "emergency:resources",
        lambda o: "/emergency/resources/",
        "emergency.view",
        listing=lambda o: o.material.item,
    ),
    page(
        "emergency:material",
        lambda o: f"/emergency/resources/materials/{o.material.pk}/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.material.item,
    ),
    page(
        "emergency:incidents",
        lambda o: "/emergency/incidents/",
        "emergency.view",
        listing=lambda o: o.incident.title,
    ),
    page("emergency:incident_new", lambda o: "/emergency/incidents/new/", "emergency.incident"),
    page(
        "emergency:incident_new",
        lambda o: f"/emergency/incidents/new/?matter={o.matter.pk}",
        "emergency.incident",
        obj=True,
        shows=lambda o: o.matter.title,
    ),
    page(
        "emergency:incident",
        lambda o: f"/emergency/incidents/{o.incident.pk}/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.incident.title,
    ),
    page(
        "emergency:aftermath",
        lambda o: f"/emergency/incidents/{o.incident.pk}/aftermath/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.incident.title,
    ),
    page("emergency:programmes", lambda o: "/emergency/drills/programmes/", "emergency.view"),
    page(
        "emergency:requisitions",
        lambda o: f"/emergency/incidents/{o.incident.pk}/requisitions/",
        "emergency.view",
        obj=True,
        shows=lambda o: o.incident.title,
    ),
    page(
        "emergency:closing_report",
        lambda o: f"/emergency/incidents/{o.incident.pk}/closing.docx",
        "emergency.view",
        obj=True,
    ),
    page("emergency:rectifications", lambda o: "/emergency/rectifications/", "emergency.view"),
    # cases (专案) and risk spread (风险传导)
    page("cases:spread", lambda o: "/cases/spread/", "cases.view"),
    page(
        "cases:case_spread",
        lambda o: f"/cases/{o.case.pk}/spread/",
        "cases.view",
        obj=True,
        shows=lambda o: o.case.title,
    ),
    page("cases:buffer_new", lambda o: "/cases/buffer/new/", "cases.buffer"),
    page(
        "cases:buffer_new",
        lambda o: f"/cases/buffer/new/?case={o.case.pk}",
        "cases.buffer",
        obj=True,
        shows=lambda o: o.case.title,
    ),
]


# The API of these capabilities (test_permissions.py leaves the paths under APPS_API_PREFIXES to this walk).
# A write's URL or body names the place's object; its permission is the action's, whose guard decides.
YESTERDAY = lambda: (timezone.localdate() - dt.timedelta(days=1)).isoformat()  # noqa: E731
TOMORROW = lambda: (timezone.localdate() + dt.timedelta(days=1)).isoformat()  # noqa: E731
API_ROUTES = [
    # screening: a round is seen through its returns, a return through its village
    api("GET", "/screening/rounds", lambda o: "/screening/rounds", "screening.view"),
    api(
        "GET",
        "/screening/rounds/{round_id}",
        lambda o: f"/screening/rounds/{o.village_round.pk}",
        "screening.view",
        obj=True,
        visible=lambda u, o: _round_visible(u, o.village_round),
    ),
    api(
        "GET",
        "/screening/returns",
        lambda o: "/screening/returns",
        "screening.view",
        listing=lambda o: o.village.code,
        visible=lambda u, o: in_scope(u, o.village),
    ),
    api(
        "GET",
        "/screening/returns/{return_id}",
        lambda o: f"/screening/returns/{o.ret.pk}",
        "screening.view",
        obj=True,
        visible=lambda u, o: in_scope(u, o.village),
        shows=lambda o: o.ret.note,
    ),
    api(
        "POST",
        "/screening/returns/{return_id}/file",
        lambda o: f"/screening/returns/{o.ret.pk}/file",
        "screening.file",
        obj=True,
        visible=lambda u, o: in_scope(u, o.village),
        # a department officer files only their own unit's return, not a village's
        refused=lambda u, o: u.role == "department_officer",
        data=lambda o: {"zero_report": True, "note": "接口零报告"},
    ),
    # assessment (稳评): items and assessments live in the place's grid; a new item belongs to its town
    api(
        "GET",
        "/assessment/items",
        lambda o: "/assessment/items",
        "assessment.view",
        listing=lambda o: o.item.title,
    ),
    api(
        "GET",
        "/assessment/items/{item_id}",
        lambda o: f"/assessment/items/{o.item.pk}",
        "assessment.view",
        obj=True,
        shows=lambda o: o.item.title,
    ),
    api(
        "POST",
        "/assessment/items",
        lambda o: "/assessment/items",
        "assessment.item",
        obj=True,
        visible=lambda u, o: in_scope(u, o.town),
        foreign=frozenset({422}),  # the area is a field of the body
        data=lambda o: {
            "year": timezone.localdate().year,
            "title": f"接口稳评事项{o.key}",
            "category": "policy",
            "description": "接口登记的评估事项。",
            "sponsor_unit": o.item.sponsor_unit_id,
            "area": o.town.code,
            "affected_areas": [o.area.code],
            "planned_decision_date": TOMORROW(),
        },
    ),
    api(
        "POST",
        "/assessment/items/{item_id}/decided",
        lambda o: f"/assessment/items/{o.item.pk}/decided",
        "assessment.item",
        obj=True,
        data=lambda o: {"decided_on": YESTERDAY(), "note": "镇党委会研究决定"},
    ),
    api(
        "GET",
        "/assessment/assessments",
        lambda o: "/assessment/assessments",
        "assessment.view",
        listing=lambda o: o.item.title,
    ),
    api(
        "GET",
        "/assessment/assessments/{assessment_id}",
        lambda o: f"/assessment/assessments/{o.assessment.pk}",
        "assessment.view",
        obj=True,
        shows=lambda o: o.item.title,
    ),
    # the item has its assessment already: a role that may start one is answered 409
    api(
        "POST",
        "/assessment/items/{item_id}/assessments",
        lambda o: f"/assessment/items/{o.item.pk}/assessments",
        "assessment.conduct",
        obj=True,
        data=lambda o: {"body_unit": o.item.sponsor_unit_id, "methods": ["notice", "forum"]},
    ),
    # the assessment's report is issued: consultation, analysis and level are past (409); the first role
    # that may review passes it, the first that may decide records the decision, later ones collide
    *[
        api(
            "POST",
            f"/assessment/assessments/{{assessment_id}}/{step}",
            lambda o, s=step: f"/assessment/assessments/{o.assessment.pk}/{s}",
            permission,
            obj=True,
            data=body,
        )
        for step, permission, body in (
            ("consultation", "assessment.conduct", lambda o: {}),
            ("analysis", "assessment.conduct", lambda o: {}),
            ("level", "assessment.level", lambda o: {}),
            ("review", "assessment.review", lambda o: {"conclusion": "pass", "opinion": "程序完备。"}),
            (
                "decision",
                "assessment.decide",
                lambda o: {
                    "outcome": "implement",
                    "decided_on": timezone.localdate().isoformat(),
                    "meeting": "东镇党委会",
                    "summary": "同意实施。",
                },
            ),
        )
    ],
    # warning (预警); acknowledging is by recipient unit, not role (EXEMPT)
    api(
        "GET",
        "/warning/alerts",
        lambda o: "/warning/alerts",
        "alert.view",
        listing=lambda o: o.alert.headline,
    ),
    api(
        "GET",
        "/warning/alerts/{alert_id}",
        lambda o: f"/warning/alerts/{o.alert.pk}",
        "alert.view",
        obj=True,
        shows=lambda o: o.alert.headline,
    ),
    api(
        "GET", "/warning/signals", lambda o: "/warning/signals", "signals.view", listing=lambda o: o.area.code
    ),
    api(
        "GET",
        "/warning/meetings",
        lambda o: "/warning/meetings",
        "analysis.view",
        listing=lambda o: o.meeting.title,
    ),
    api(
        "GET",
        "/warning/meetings/{meeting_id}",
        lambda o: f"/warning/meetings/{o.meeting.pk}",
        "analysis.view",
        obj=True,
        shows=lambda o: o.meeting.title,
    ),
    api(
        "POST",
        "/warning/meetings",
        lambda o: "/warning/meetings",
        "analysis.manage",
        obj=True,
        foreign=frozenset({422}),  # the area is a field of the body
        data=lambda o: {
            "kind": "topic",
            "title": f"接口研判会{o.key}",
            "area": o.area.code,
            "held_at": timezone.now().isoformat(),
        },
    ),
    api(
        "POST",
        "/warning/meetings/{meeting_id}/minutes",
        lambda o: f"/warning/meetings/{o.meeting.pk}/minutes",
        "analysis.manage",
        obj=True,
        data=lambda o: {"attendees": "综治中心、派出所", "minutes": "研判欠薪风险。"},
    ),
    api(
        "POST",
        "/warning/meetings/{meeting_id}/decisions",
        lambda o: f"/warning/meetings/{o.meeting.pk}/decisions",
        "analysis.manage",
        obj=True,
        data=lambda o: {
            "kind": "task",
            "text": "排查在建工地",
            "unit": o.alert.issuing_unit_id,
            "deadline": TOMORROW(),
        },
    ),
    # emergency (应急): each role that may sends a 首报 (a repeated one is kept; the schedule reads the first)
    api(
        "GET",
        "/emergency/plans",
        lambda o: "/emergency/plans",
        "emergency.view",
        listing=lambda o: o.plan.title,
    ),
    api(
        "GET",
        "/emergency/incidents",
        lambda o: "/emergency/incidents",
        "emergency.view",
        listing=lambda o: o.incident.title,
    ),
    api(
        "GET",
        "/emergency/incidents/{incident_id}",
        lambda o: f"/emergency/incidents/{o.incident.pk}",
        "emergency.view",
        obj=True,
        shows=lambda o: o.incident.title,
    ),
    api(
        "POST",
        "/emergency/incidents/{incident_id}/reports",
        lambda o: f"/emergency/incidents/{o.incident.pk}/reports",
        "emergency.incident",
        obj=True,
        data=lambda o: {"kind": "first", "text": "接口首报"},
    ),
    api(
        "POST",
        "/emergency/incidents",
        lambda o: "/emergency/incidents",
        "emergency.incident",
        obj=True,
        foreign=frozenset({422}),  # the area is a field of the body
        data=lambda o: {
            "area": o.area.code,
            "title": "接口突发事件",
            "emergency_class": "public_health",
            "grade": "general",
            "occurred_at": YESTERDAY(),
            "learned_at": YESTERDAY(),
            "description": "接口测试",
        },
    ),
    # the plan is a draft: a role that may activate passes the gate and meets the workflow (409/422)
    api(
        "POST",
        "/emergency/incidents/{incident_id}/response",
        lambda o: f"/emergency/incidents/{o.incident.pk}/response",
        "emergency.command",
        obj=True,
        data=lambda o: {"plan": o.plan.pk, "level": 4},
    ),
    api(
        "POST",
        "/emergency/incidents/{incident_id}/level",
        lambda o: f"/emergency/incidents/{o.incident.pk}/level",
        "emergency.command",
        obj=True,
        data=lambda o: {"level": 3, "note": "接口调整"},
    ),
    api(
        "POST",
        "/emergency/incidents/{incident_id}/end",
        lambda o: f"/emergency/incidents/{o.incident.pk}/end",
        "emergency.command",
        obj=True,
        data=lambda o: {"note": "接口终止"},
    ),
    api(
        "POST",
        "/emergency/materials/{material_id}/dispatches",
        lambda o: f"/emergency/materials/{o.material.pk}/dispatches",
        "emergency.resource",
        obj=True,
        data=lambda o: {"quantity": "0.01", "destination": "接口调拨"},
    ),
    api(
        "POST",
        "/emergency/dispatches/{dispatch_id}/returns",
        lambda o: f"/emergency/dispatches/{o.dispatch.pk}/returns",
        "emergency.resource",
        obj=True,
        data=lambda o: {"quantity": "0.01"},
    ),
    api(
        "POST",
        "/emergency/releases/{release_id}/publish",
        lambda o: f"/emergency/releases/{o.release.pk}/publish",
        "emergency.approve",
        obj=True,
        data=lambda o: {},
    ),
    # emergency resources, releases, tasks and aftermath (api/emergency_resources.py)
    api(
        "GET",
        "/emergency/materials",
        lambda o: "/emergency/materials",
        "emergency.view",
        listing=lambda o: o.material.item,
    ),
    api(
        "GET",
        "/emergency/materials/{material_id}",
        lambda o: f"/emergency/materials/{o.material.pk}",
        "emergency.view",
        obj=True,
        shows=lambda o: o.material.item,
    ),
    api("GET", "/emergency/teams", lambda o: "/emergency/teams", "emergency.view"),
    api("GET", "/emergency/shelters", lambda o: "/emergency/shelters", "emergency.view"),
    api("GET", "/emergency/tasks", lambda o: "/emergency/tasks", "emergency.view"),
    api(
        "GET",
        "/emergency/incidents/{incident_id}/releases",
        lambda o: f"/emergency/incidents/{o.incident.pk}/releases",
        "emergency.view",
        obj=True,
    ),
    api(
        "POST",
        "/emergency/incidents/{incident_id}/releases",
        lambda o: f"/emergency/incidents/{o.incident.pk}/releases",
        "emergency.incident",
        obj=True,
        data=lambda o: {"title": "接口通报", "body": "接口测试"},
    ),
    api(
        "GET",
        "/emergency/incidents/{incident_id}/aftermath",
        lambda o: f"/emergency/incidents/{o.incident.pk}/aftermath",
        "emergency.view",
        obj=True,
    ),
    api(
        "POST",
        "/emergency/incidents/{incident_id}/aftermath/tasks",
        lambda o: f"/emergency/incidents/{o.incident.pk}/aftermath/tasks",
        "emergency.incident",
        obj=True,
        data=lambda o: {"title": "接口整改", "owner_unit": o.alert.issuing_unit_id},
    ),
    # monthly reports (信息报送): the first role that may regenerates and submits, later ones collide
    api(
        "GET",
        "/monthly-reports",
        lambda o: "/monthly-reports",
        "report.monthly",
        visible=lambda u, o: _area_report_visible(u, o.area),
        listing=lambda o: o.area.code,
    ),
    api(
        "GET",
        "/monthly-reports/{report_id}",
        lambda o: f"/monthly-reports/{o.monthly.pk}",
        "report.monthly",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.area),
        shows=lambda o: o.area.name,
    ),
    *[
        api(
            "GET",
            "/monthly-reports/{report_id}/download/{fmt}",
            lambda o, f=fmt: f"/monthly-reports/{o.monthly.pk}/download/{f}",
            "report.monthly",
            obj=True,
            visible=lambda u, o: _area_report_visible(u, o.area),
            shows=(lambda o: o.area.name) if fmt != "pdf" else None,
        )
        for fmt in ("xlsx", "docx", "pdf")
    ],
    api(
        "POST",
        "/monthly-reports",
        lambda o: "/monthly-reports",
        "report.monthly",
        obj=True,
        foreign=frozenset({422}),  # the area is a field of the body
        # a department officer generates only their own unit's report, not an area's
        refused=lambda u, o: u.role == "department_officer",
        data=lambda o: {"area": o.area.code, "month": o.monthly.month.strftime("%Y-%m")},
    ),
    api(
        "POST",
        "/monthly-reports/{report_id}/submit",
        lambda o: f"/monthly-reports/{o.monthly.pk}/submit",
        "report.monthly",
        obj=True,
        visible=lambda u, o: _area_report_visible(u, o.area),
        data=lambda o: {},
    ),
]
ROUTES += API_ROUTES


# intake's pages on triage, walked here because this file's places share a duplicate text and hotspots
WALKED_FOR_INTAKE = {"intake:suggest", "intake:hotspots"}


def discovered_routes() -> set[str]:
    """The pages of the app namespaces by name, and their API operations ("METHOD /api/path")."""
    from anju.api.main import api as ninja_api

    pages = {
        f"{namespace}:{name}"
        for namespace, name, _route in _walk(get_resolver().url_patterns)
        if namespace in APP_NAMESPACES
    }
    paths = ninja_api.get_openapi_schema()["paths"]
    operations = {f"{m.upper()} {path}" for path, ops in paths.items() for m in ops}
    return pages | {key for key in operations if key.split(" ", 1)[1].startswith(APPS_API_PREFIXES)}


def test_every_app_route_is_checked_or_exempt():
    installed = [ns for ns in APP_NAMESPACES if apps.is_installed(f"anju.{ns}")]
    assert installed == list(APP_NAMESPACES), "an app of this walk is not installed"
    checked = {r.key for r in ROUTES}
    discovered = discovered_routes()
    missing = sorted(discovered - checked - set(EXEMPT))
    assert not missing, f"routes neither checked by the permission walk nor exempt: {missing}"
    stale = sorted((checked | set(EXEMPT)) - discovered - WALKED_FOR_INTAKE)
    assert not stale, f"checked or exempt routes that no longer exist: {stale}"
    assert checked.isdisjoint(EXEMPT)
    # intake's routes walked here are exempt in tests/test_permissions.py, whose check finds them gone
    assert WALKED_FOR_INTAKE <= checked


# --- the walk -------------------------------------------------------------------------------------------------
def _body_text(response) -> str:
    """The text a person would read: pages, feeds, XML, and the text of .xlsx and .docx downloads (a PDF's
    text layer is compressed; its content is the .docx's, which is read)."""
    if response.get("Content-Type", "").startswith("application/json"):
        # whatever the renderer's escaping, compare against the decoded text
        return json.dumps(response.json(), ensure_ascii=False)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        if b"word/" in body[:2000] or b"word/document.xml" in body:
            from docx import Document

            document = Document(io.BytesIO(body))
            cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
            return "\n".join([p.text for p in document.paragraphs] + cells)
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(v)
            for s in book.worksheets
            for row in s.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return body.decode("utf-8", errors="replace")


def _state() -> tuple:
    return (
        AuditEvent.objects.count(),
        Notification.objects.filter(read_at__isnull=False).count(),
        Round.objects.filter(status=RoundStatus.CLOSED).count(),
        MatterEvent.objects.count(),
        Alert.objects.count(),
        SignalScan.objects.count(),
        Assessment.objects.count(),
    )


# Matters (by place key) that a unit-scoped role sees, written by hand: the department officer's unit
# (东镇派出所) serves no domain by default and none of these matters is assigned to it.
UNIT_SCOPED_SEES = {"department_officer": set()}


class Walk:
    def __init__(self, role, user, objects):
        self.role = role
        self.user = user
        self.objects = objects
        self.client = Client()
        self.api_headers = {}
        if user is not None:
            self.client.force_login(user)
            token = core_actions.issue_api_token(user, "permission-test")
            self.api_headers = {"Authorization": f"Bearer {token}"}
        self.failures: list[str] = []

    def fail(self, where: str, message: str):
        self.failures.append(f"{where}: {message}")

    def may(self, permission) -> bool:
        if self.user is None:
            return False
        return permission is None or self.user.role in ALL_PERMISSIONS[permission]

    def sees(self, area) -> bool:
        return self.user is not None and in_scope(self.user, area)

    def request(self, route: Route, o):
        url, data = route.url(o), route.data(o) if route.data else {}
        if route.api:  # with the token alone, not the browser session
            if route.method == "GET":
                return Client().get(url, headers=self.api_headers)
            body = json.dumps(data)
            return Client().post(url, body, content_type="application/json", headers=self.api_headers)
        if route.method == "GET":
            return self.client.get(url)
        return self.client.post(url, data)

    def check(self, route: Route):
        targets = list(self.objects.values()) if route.obj else [self.objects["A"]]
        for o in targets:
            where = f"{route.key} {route.url(o)} [{o.key if route.obj else '-'}]"
            visible = not route.obj or (
                self.user is not None
                and (route.visible(self.user, o) if route.visible else in_scope(self.user, o.area))
            )
            before = _state()
            response = self.request(route, o)
            after = _state()
            status = response.status_code
            may = self.may(route.permission)
            writes = route.api and route.method == "POST"
            if after != before and not (writes and may and visible and status in route.allowed):
                self.fail(
                    where, f"{'a refused write' if writes else 'a read'} changed data: {before} -> {after}"
                )
            if self.user is None:
                expected = {401} if route.api else {302}
            elif not may:
                expected = {403} if visible else {403} | route.foreign
            elif not visible:
                expected = set(route.foreign)
            elif route.refused is not None and route.refused(self.user, o):
                expected = {403}
            else:
                expected = set(route.allowed)
            wrong = KNOWN_WRONG.get((route.key, self.role))
            if wrong is not None and visible and not may:
                if status in expected:
                    self.fail(where, f"answers {status} now: delete its KNOWN_WRONG entry")
                expected = {wrong}
            if status not in expected:
                self.fail(where, f"expected {sorted(expected)}, got {status}")
            if status == 302 and self.user is None and "/login/" not in response["Location"]:
                self.fail(where, f"anonymous redirect elsewhere: {response['Location']}")
            self.check_content(route, where, response)

    def check_content(self, route: Route, where: str, response):
        text = _body_text(response)
        for o in self.objects.values():
            for area, secrets in o.secrets:
                if self.sees(area):
                    continue
                shown = [s for s in secrets if s in text]
                if shown:
                    self.fail(where, f"shows {shown} of place {o.key}, outside the user's scope")
        if route.shows and response.status_code in route.allowed and self.may(route.permission):
            o = self.objects[where.rsplit("[", 1)[1][0]]
            if route.shows(o) not in text:
                self.fail(where, f"the answer lacks {route.shows(o)!r}")
        if route.listing and response.status_code == 200:
            for o in self.objects.values():
                shown = route.listing(o) in text
                should = route.visible(self.user, o) if route.visible else self.sees(o.area)
                if route.about_matter and self.role in UNIT_SCOPED_SEES:
                    should = should and o.key in UNIT_SCOPED_SEES[self.role]
                if shown != should:
                    self.fail(where, f"list {'shows' if shown else 'misses'} the object of place {o.key}")

    def check_refused_posts(self, world):
        """A representative few of the exempt POST-only routes: a GET changes nothing (405), and a POST by a
        role without the permission changes nothing. Each app refuses in its own way (see the comments)."""
        a = self.objects["A"]
        user = self.user
        for url in (
            f"/warning/{a.alert.pk}/lift/",
            f"/reports/{a.monthly.pk}/submit/",
            f"/screening/rounds/{a.village_round.pk}/close/",
            "/triage/model/train/",
            "/triage/model/target/",
            f"/assessment/items/{a.item.pk}/decided/",
            "/warning/signals/scan/",
            "/warning/meetings/key-dates/",
            "/reports/generate/",
            f"/screening/rounds/{a.village_round.pk}/remind/",
            f"/assessment/items/{a.item.pk}/start/",
            f"/assessment/{a.assessment.pk}/do/open_consultation/",
            "/notifications/read-all/",
        ):
            before = _state()
            response = self.client.get(url)
            if response.status_code not in ({302} if user is None else {405}):
                self.fail(f"GET {url}", f"expected 405, got {response.status_code}")
            if _state() != before:
                self.fail(f"GET {url}", "changed data")
        if user is None:
            return
        # (url, data, permission, answer when refused, the place's object must be visible)
        posts = [
            # every app: the action refuses the role with NotAllowed, which the page answers with 403
            (f"/warning/{a.alert.pk}/lift/", {"note": "解除"}, "alert.manage", {403}, a.area),
            (f"/reports/{a.monthly.pk}/submit/", {}, "report.monthly", {403}, a.area),
            (
                "/reports/generate/",
                {"month": a.monthly.month.strftime("%Y-%m"), "area": a.area.pk},
                "report.monthly",
                {403},
                None,
            ),
            ("/warning/signals/scan/", {"weeks": 1}, "signals.scan", {403}, None),
            (
                "/warning/meetings/key-dates/",
                {"name": "权限节点", "start": "2026-01-01", "end": "2026-01-02"},
                "analysis.manage",
                {403},
                None,
            ),
            ("/triage/model/train/", {}, "triage.train", {403}, None),
            ("/triage/model/target/", {"target_precision": "0.9"}, "triage.train", {403}, None),
            (
                f"/screening/rounds/{a.village_round.pk}/close/",
                {"note": "x"},
                "screening.manage",
                {403},
                None,
            ),
            (f"/screening/rounds/{a.village_round.pk}/remind/", {}, "screening.manage", {403}, None),
            # assessment: a form step refused by its action is the form again with the message and 403; a
            # one-button step refused is the 403 page; a role without assessment.view is refused with 403
            # before anything else
            (f"/assessment/{a.assessment.pk}/do/link_matters/", {}, "assessment.track", {403}, a.area),
            (
                f"/assessment/items/{a.item.pk}/start/",
                {"body_unit": a.item.sponsor_unit_id, "methods": ["notice"]},
                "assessment.conduct",
                {403},
                a.area,
            ),
        ]
        for url, data, permission, refused, area in posts:
            if self.may(permission):
                continue
            if permission.startswith("screening.") and not _round_visible(user, a.village_round):
                refused = {404}
            elif area is not None and not self.sees(area):
                refused = {403, 404}
            if url.startswith("/assessment/") and not self.may("assessment.view"):
                refused = {403}
            before = _state()
            response = self.client.post(url, data)
            if response.status_code not in refused:
                self.fail(f"POST {url}", f"refused: expected {sorted(refused)}, got {response.status_code}")
            if _state() != before:
                self.fail(f"POST {url}", f"refused but changed data: {before} -> {_state()}")
        # notices belong to a person: another user's notice answers 404 and stays unread
        other = world.cadre_b
        (notice,) = notifications.notify(
            other, kind="test.walk", title="他人通知", key=f"perm-walk-{user.pk}"
        )
        response = self.client.post(f"/notifications/{notice.pk}/open/")
        notice.refresh_from_db()
        if response.status_code != 404 or notice.read_at is not None:
            self.fail("POST core:notification_open", f"another user's notice: {response.status_code}")

    def check_own_notices(self, world):
        """The notification list shows the user's own notices and no one else's."""
        if self.user is None:
            return
        response = self.client.get("/notifications/")
        text = response.content.decode()
        if f"权限通知-{self.user.username}" not in text:
            self.fail("core:notifications", "misses the user's own notice")
        others = [u for u in ROLE_USERS.values() if u and getattr(world, u).username != self.user.username]
        leaked = [u for u in others if f"权限通知-{getattr(world, u).username}" in text]
        if leaked:
            self.fail("core:notifications", f"shows the notices of {leaked}")


@pytest.fixture
def quiet_refusals():
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.django_db
def test_apps_permission_walk(quiet_refusals, world):
    objects = _build(world)
    for name in ROLE_USERS.values():
        if name:
            user = getattr(world, name)
            notifications.notify(
                user, kind="test.walk", title=f"权限通知-{user.username}", key="perm-walk-own"
            )
    failures = []
    for role, name in ROLE_USERS.items():
        walk = Walk(role, getattr(world, name) if name else None, objects)
        for route in ROUTES:
            walk.check(route)
        walk.check_refused_posts(world)
        walk.check_own_notices(world)
        failures += [f"{role}: {f}" for f in walk.failures]
    assert not failures, f"{len(failures)} mismatches\n" + "\n".join(failures)


# --- addressed to my unit ---------------------------------------------------------------------------------
# What a county meeting, a warning about 西一村 and a 西镇 稳评 address to 东镇综治中心: its staff (zhen) see and
# act on them though none is in their area; the police station of the same town (bumen) sees none of them;
# the county's users see them by area. Written by hand from the world's users and units.
ADDRESSED_USERS = {"town_staff"}
COUNTY_USERS = {"centre_staff", "leader", "auditor", "admin"}


def _expected(name, permitted: set[str] | None, sees: set[str]) -> int:
    if name is None:
        return 302
    if permitted is not None and name not in permitted:
        return 403
    return 200 if name in sees else 404


@pytest.mark.django_db
def test_addressed_to_my_unit_walk(quiet_refusals, world):
    from anju.assessment import actions as assessment_actions
    from anju.assessment.models import TrackingTask
    from anju.warning.models import AlertRecipient
    from assessment.conftest import analyse, consult, make_item, plan, to_reported

    w = world
    meeting = warning_actions.plan_meeting(
        w.centre_staff, kind="regular", area=w.county, title="全县研判会", held_at=timezone.now()
    )
    task = warning_actions.add_decision(
        w.centre_staff,
        meeting,
        kind="task",
        text="县研判会交东镇综治中心任务",
        unit=w.town_centre,
        deadline=timezone.localdate() + dt.timedelta(days=5),
    )
    alert = warning_actions.draft_alert(
        w.centre_staff,
        domain=w.wages,
        level="yellow",
        headline="西一村预警致东镇",
        area=w.village_b1,
        onset=timezone.now(),
        expected="x",
        measures="y",
        recipients=[w.town_centre],
    )
    warning_actions.issue_alert(w.centre_staff, alert)
    item = make_item(w, title="西镇稳评事项", area=w.town_b, affected_areas=[w.village_b1])
    assessment = to_reported(w, analyse(w, consult(w, plan(w, item))))
    assessment_actions.record_decision(
        w.leader,
        assessment,
        outcome="implement",
        decided_on=timezone.localdate(),
        meeting="县政府常务会议",
        summary="同意",
    )
    mine = TrackingTask.objects.get(owner_unit=w.town_centre)  # 过渡期免收摊位费三个月
    police = TrackingTask.objects.get(owner_unit=w.police)  # 分批搬迁并安排交警疏导
    # 转介: a 西一村 matter's party referred to a service linked to 东镇综治中心 (zhen answers it)
    west_matter = matter_actions.create_matter(
        w.centre_staff,
        kind="dispute",
        domain=w.land,
        area=w.village_b1,
        title="西一村征地纠纷",
        description="补偿争议",
        parties=[{"role": "applicant", "name": "王五", "phone": "13700002222"}],
    )
    service = care_actions.create_service(
        w.admin,
        name="东镇帮扶服务站",
        kind="assistance",
        area=w.county,
        unit=w.town_centre,
        contact_position="社工",
    )
    referral = care_actions.send_referral(
        w.centre_staff,
        west_matter,
        party=west_matter.parties.get(),
        service_unit=service,
        purpose="转介帮扶：家庭困难需临时救助",
        consent=True,
        consent_method="phone",
    )
    referral_viewers = {"grid_worker", "cadre", "town_staff", "centre_staff", "officer", "leader", "admin"}
    county_and_mine = COUNTY_USERS | ADDRESSED_USERS
    # (url, permitted users (None: everyone signed in), who gets 200, text, who sees the text)
    routes = [
        (
            f"/warning/tasks/{task.pk}/",
            {"grid_worker", "cadre", "town_staff", "centre_staff", "officer", "leader", "admin"},
            county_and_mine - {"auditor"},
            task.text,
            county_and_mine - {"auditor"},
        ),
        (
            "/warning/tasks/",
            {"grid_worker", "cadre", "town_staff", "centre_staff", "officer", "leader", "admin"},
            {"grid_worker", "cadre", "town_staff", "centre_staff", "officer", "leader", "admin"},
            task.text,
            ADDRESSED_USERS,
        ),
        (f"/warning/{alert.pk}/", None, county_and_mine, alert.headline, county_and_mine),
        ("/warning/", None, set(ROLE_USERS.values()) - {None}, alert.headline, county_and_mine),
        (
            "/assessment/tasks/",
            {"cadre", "town_staff", "centre_staff", "officer", "admin"},
            {"cadre", "town_staff", "centre_staff", "officer", "admin"},
            mine.title,
            ADDRESSED_USERS,
        ),
        (
            "/assessment/tasks/",
            {"cadre", "town_staff", "centre_staff", "officer", "admin"},
            {"cadre", "town_staff", "centre_staff", "officer", "admin"},
            police.title,
            {"officer"},
        ),
        (
            f"/care/referrals/{referral.pk}/",
            referral_viewers,
            {"town_staff", "centre_staff", "leader", "admin"},
            referral.purpose,
            {"town_staff", "centre_staff", "leader", "admin"},
        ),
        ("/care/referrals/", referral_viewers, referral_viewers, west_matter.number, ADDRESSED_USERS),
    ]
    failures = []
    for role, name in ROLE_USERS.items():
        client = Client()
        user = getattr(w, name) if name else None
        if user is not None:
            client.force_login(user)
        for url, permitted, sees, text, shown_to in routes:
            response = client.get(url)
            expected = _expected(name, permitted, sees)
            if response.status_code != expected:
                failures.append(f"{role} GET {url}: expected {expected}, got {response.status_code}")
            if (text in response.content.decode()) != (name in shown_to and response.status_code == 200):
                failures.append(f"{role} GET {url}: {'shows' if name not in shown_to else 'misses'} {text}")
        if user is not None:  # the API reads the same scope
            token = core_actions.issue_api_token(user, "addressed-walk")
            answer = Client().get(
                f"/api/warning/alerts/{alert.pk}", headers={"Authorization": f"Bearer {token}"}
            )
            expected = 200 if name in county_and_mine else 404
            if answer.status_code != expected:
                failures.append(
                    f"{role} GET /api/warning/alerts/{alert.pk}: expected {expected}, got {answer.status_code}"
                )
    assert not failures, "\n".join(failures)
    # acting: the police station of the town may not acknowledge (it cannot even find the warning); zhen does
    officer, town = Client(), Client()
    officer.force_login(w.officer)
    town.force_login(w.town_staff)
    assert officer.post(f"/warning/{alert.pk}/acknowledge/").status_code == 404
    assert town.post(f"/warning/{alert.pk}/acknowledge/").status_code == 302
    assert AlertRecipient.objects.get(alert=alert, unit=w.town_centre).acknowledged_by == w.town_staff
    assert officer.post(f"/warning/meetings/tasks/{task.pk}/done/", {"note": "x"}).status_code == 404
    assert (
        town.post(f"/warning/meetings/tasks/{task.pk}/done/", {"note": "已办", "back": "task"}).status_code
        == 302
    )
    task.refresh_from_db()
    assert task.done_note == "已办"
    today = timezone.localdate().isoformat()
    assert (
        officer.post(f"/assessment/tasks/{mine.pk}/done/", {"done_on": today, "note": "x"}).status_code == 404
    )
    assert (
        town.post(f"/assessment/tasks/{mine.pk}/done/", {"done_on": today, "note": "已免收"}).status_code
        == 302
    )
    mine.refresh_from_db()
    assert mine.note == "已免收"
    assert officer.post(f"/care/referrals/{referral.pk}/accept/", {"version": 1}).status_code == 404
    assert town.post(f"/care/referrals/{referral.pk}/accept/", {"version": 1}).status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.answered_by) == ("accepted", w.town_staff)
