"""The permission walk: every role × every list, detail, export, page-action and API route × an object in the
user's own area and one outside it, checked against the role table (``anju.core.roles.PERMISSIONS``) and the
area scope (``anju.core.scoping.in_scope``).

The routes are discovered from the URL resolver and the OpenAPI schema; a route that is neither checked here
nor listed in ``EXEMPT`` with a reason fails ``test_every_route_is_checked_or_exempt``, so a new page cannot
slip past this test. The expectations come from the role table, never from the views under test.

Objects live in three places: A (东一村第一网格, town A), B (西一村网格, town B) and C (a village of another
county). "Visible" means ``in_scope(user, area)``; a county user sees A and B, a grid worker only A.
For each request:
  role may, object visible      → the route's "allowed" answer (200, a redirect, a re-rendered form, …)
  role may not, object visible  → 403
  role may, object not visible  → 404 (for the API's create routes, whose area is a field: 422)
  neither                       → 403 or 404
and every refused request changes nothing (no audit event, no timeline event). Lists must show the visible
objects and none of the others; no page or API answer may contain unmasked personal data.

Unit scope: two more matters in town A belong to the department officer's walk (东镇派出所, which serves the
land-requisition domain): U is assigned to their unit, R is a land-requisition matter assigned to a village
committee. By the issue's rule (default ANJU_DEPARTMENT_VISIBILITY "unit+domain") the officer sees U and R
but none of A's matter, and acts on U only; ``UNIT_SCOPED`` writes that down by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.models import AreaLevel, AuditEvent, UnitKind, WebhookChannel
from anju.core.roles import role_has
from anju.core.scoping import in_scope
from anju.intake import actions as intake_actions
from anju.matters import actions as matter_actions
from anju.matters.models import MatterEvent

PUBLIC = "public"  # permission marker: no login needed
LOGIN = None  # permission marker: any logged-in user
CHECKED_NAMESPACES = {"core", "dashboard", "intake", "public", "matters", "api", "open311"}

# Raw personal data of the test objects: must never appear in a page, export or API answer.
PARTY = {"name": "张三丰", "phone": "13812345678", "id_number": "110101199003074514"}
REPORTER = {"reporter_name": "欧阳小五", "reporter_phone": "13600001111"}
RAW_VALUES = [
    PARTY["name"],
    PARTY["phone"],
    PARTY["id_number"],
    REPORTER["reporter_name"],
    REPORTER["reporter_phone"],
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% permission test\n"

# Routes deliberately not walked, with the reason.
EXEMPT = {
    "core:login": "the login page itself: public by design, shows no data",
    "core:logout": "ends the session; no data",
    "core:logout_everywhere": "ends every session of the user (the walker's too); no data",
    ":set_language": "switches the interface language; no data",
    "api:api-root": "ninja's reverse-only root, no view of its own",
    "public:submit/": "redirect to public:submit (checked)",
    "public:track/": "redirect to public:track (checked)",
    "public:rate": "the citizen's rating (POST, by receipt code, no login): tests/intake/test_satisfaction_rating.py",
    "dashboard:index": "the overview: walked in tests/test_permissions_apps.py with the alerts it lists",
    "core:notification_open": "marks the user's own notice read: tests/core/test_notifications.py and the apps walk",
    "core:notifications_read_all": "marks the user's own notices read: tests/core/test_notifications.py",
    "core:job_status": "a job is its starter's (and an administrator's): tests/core/test_jobs.py",
    "core:job_download": "a job's file is its starter's alone: tests/matters/test_export_job.py",
    "intake:suggest": "walked in tests/test_permissions_apps.py, whose places share a duplicate text",
    "intake:hotspots": "walked in tests/test_permissions_apps.py, whose places have similar reports",
    # a 根因分析 task exists only once a 黑天鹅 is confirmed, and its unit rule (own unit's tasks) is not the
    # matter's: role, scope (404 outside) and unit are tested in tests/matters/test_black_swan_review.py
    "matters:complete_root_cause": "tests/matters/test_black_swan_review.py (guard, unit rule, 404 outside)",
    # API tokens are scoped by owner, not by role and area; tests/api/test_tokens.py checks both guards
    "core:api_tokens": "the user's own tokens (administrators: their area's users'); see tests/api/test_tokens.py",
    "core:manage_user": "an account's page (管理): role and scope, 404 outside, in tests/core/test_admin_pages.py",
    "core:manage_user_step": "an account's buttons (管理): tests/core/test_admin_pages.py and the action guards in "
    "tests/core/test_admin_actions.py",
    "core:revoke_api_token": "owner or administrator of the owner's area; see tests/api/test_tokens.py",
    "GET /api/tokens": "the caller's own tokens (all=true: administrators); see tests/api/test_tokens.py",
    "POST /api/tokens/{token_id}/revoke": "owner or administrator of the area; see tests/api/test_tokens.py",
    # 协办, 协调请求, 问责: addressed to a unit (its members act wherever the matter lies); each action's guard
    # (role, scope, unit, positive control) and each page's scope are tested in tests/matters/test_cohandling.py,
    # test_coordination.py, test_coordination_cross_area.py and test_accountability.py
    "matters:add_cohandler": "state change: tests/matters/test_cohandling.py (guard and page)",
    "matters:complete_task": "state change by the co-handling unit: tests/matters/test_cohandling.py",
    "matters:withdraw_task": "state change: tests/matters/test_cohandling.py (guard; 404 outside the scope)",
    "matters:request_coordination": "state change: tests/matters/test_coordination.py (guard and page)",
    "matters:answer_request": "state change by the addressed unit: tests/matters/test_coordination.py",
    "matters:coordination_detail": "a request addressed to a unit: tests/matters/test_coordination.py (404 outside)",
    "matters:record_accountability": "state change: tests/matters/test_accountability.py (guard and page)",
    # typed links and 复发: both matters in scope; guards, pages and the ledger's linked-to filter are tested in
    # tests/matters/test_links.py and tests/matters/test_reopen.py
    "matters:link": "state change: tests/matters/test_links.py (guard on both matters, page)",
    "matters:unlink": "state change: tests/matters/test_links.py (guard, confirmation, page)",
    "matters:reopen": "state change: tests/matters/test_reopen.py (guard, confirmation, page)",
    "matters:confirm_label": "state change: tests/matters/test_to_label.py (guard, 404 outside, page)",
    "matters:decide_accountability": "state change: tests/emergency/test_emergency_em15_gaps.py (guard and page)",
    # 历史台账导入: one import per test; role (403), scope (404 outside, positive control) and each action's guard
    # in tests/intake/test_legacy_import_pages.py and test_legacy_import.py (the list page is walked above)
    "intake:legacy_detail": "an import of one area: tests/intake/test_legacy_import_pages.py (403, 404, control)",
    "intake:legacy_mapping": "state change: tests/intake/test_legacy_import.py (guard) and _pages.py",
    "intake:legacy_apply_mapping": "state change: tests/intake/test_legacy_import.py (guard) and _pages.py",
    "intake:legacy_save_mapping": "state change: tests/intake/test_legacy_import.py (guard) and _pages.py",
    "intake:legacy_check": "the dry run: tests/intake/test_legacy_import.py (guard) and _pages.py (403, 404)",
    "intake:legacy_commit": "state change: tests/intake/test_legacy_import.py (guard, all or nothing) and _pages.py",
}

# The API of screening, 稳评, warning and monthly reports: walked in tests/test_permissions_apps.py, whose world
# has rounds, returns, items, assessments, warnings, meetings and monthly reports in every place.
APPS_API_PREFIXES = (
    "/api/screening/",
    "/api/assessment/",
    "/api/warning/",
    "/api/monthly-reports",
    "/api/emergency/",
)


def walked_in_apps(key: str) -> bool:
    return key.split(" ", 1)[-1].startswith(APPS_API_PREFIXES)


# --- the objects --------------------------------------------------------------------------------------------
def _build(world) -> dict[str, SimpleNamespace]:
    """A, B and C objects, created through the actions by a superuser without an area (sees everything)."""
    w = world
    root = core_actions.create_user(
        None, username="root", password="test-pass-123", role="admin", is_superuser=True
    )
    county_c = core_actions.create_area(root, code="330200000000", name="邻县", level=AreaLevel.COUNTY)
    town_c = core_actions.create_area(
        root, code="330201000000", name="邻镇", level=AreaLevel.TOWN, parent=county_c
    )
    village_c = core_actions.create_area(
        root, code="330201001000", name="邻一村", level=AreaLevel.VILLAGE, parent=town_c
    )
    units = {
        "A": core_actions.create_unit(root, name="东一村第一网格工作站", kind=UnitKind.OTHER, area=w.grid_a1),
        "B": w.committee_b1,
        "C": core_actions.create_unit(
            root, name="邻一村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=village_c
        ),
    }
    areas = {"A": w.grid_a1, "B": w.grid_b1, "C": village_c}
    # unit scope: a matter assigned to the officer's unit, and one of a domain that unit serves
    core_actions.set_unit_domains(root, w.police, [w.land])
    committee_a2 = core_actions.create_unit(
        root, name="东二村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=w.village_a2
    )
    # each object's unit sits in the object's area (the unit routes are scoped by it)
    units.update(U=w.police, R=committee_a2)
    areas.update(U=w.town_a, R=w.village_a2)
    domains = {"R": w.land}
    deadline = timezone.localdate() + dt.timedelta(days=7)
    # 5 × 5 is 最高: the level rules ask for a 包案领导 (a leader over the place) and county handling
    leader_c = core_actions.create_user(
        root, username="lingdao-c", password="test-pass-123", role="leader", area=county_c
    )
    out = {}
    for key, area in areas.items():
        matter = matter_actions.create_matter(
            root,
            kind="dispute",
            domain=domains.get(key, w.wages),
            area=area,
            title=f"权限测试事项{key}",
            # personal data typed into free text: stored masked, never shown raw but by a reveal
            description=f"欠薪，联系人{PARTY['name']}，电话{PARTY['phone']}",
            parties=[dict(PARTY, role="applicant")],
            likelihood=5,
            consequence=5,
        )
        # 5 × 5 is a grey rhino: assigned only with a mitigation plan
        matter_actions.set_mitigation_plan(root, matter, plan="专班盯办")
        matter_actions.assign(
            root,
            matter,
            unit=units[key],
            deadline=deadline,
            lead_leader=leader_c if key == "C" else w.leader,
            exemption_reason="权限测试：就地办理",
        )
        session = matter_actions.record_mediation(
            root,
            matter,
            held_on=timezone.localdate(),
            mediators="调解员",
            summary=f"协商，申请人身份证号{PARTY['id_number']}",
            result="continuing",
            agreement_file=ContentFile(PDF, name="agreement.pdf"),
        )
        report = intake_actions.submit_report(
            root,
            channel="grid",
            title=f"权限测试诉求{key}",
            text=f"权限测试诉求{key}：路灯损坏，回电{REPORTER['reporter_phone']}",
            area=area,
            attachments=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")],
            **REPORTER,
        )
        matter_actions.record_accountability(
            root,
            matter,
            unit=units[key],
            role="handler",
            failure="overdue",
            finding=f"权限测试问责{key}",
            decision="通报",
            decided_on=timezone.localdate(),
        )
        matter.refresh_from_db()
        channel = WebhookChannel.objects.create(
            name=f"权限测试推送{key}",
            url=f"https://hook.example.gov.cn/{key}",
            area=area,
            created_at=timezone.now(),
        )
        out[key] = SimpleNamespace(
            key=key,
            area=area,
            unit=units[key],
            channel=channel,
            matter=matter,
            party=matter.parties.get(),
            mediation=session,
            report=report,
            attachment=report.attachments.get(),
        )
    return out


# --- the routes ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name" for pages, "METHOD /api/path" for the API
    url: Callable  # (objects of one area, world) -> url
    permission: str | None = LOGIN
    method: str = "GET"
    obj: bool = False  # the URL names an object of one area
    listing: Callable | None = None  # (objects of one area) -> text shown for it in the list
    data: Callable | None = None  # (objects of one area, world) -> POST data
    allowed: frozenset = frozenset({200})
    foreign: frozenset = frozenset({404})  # the answer when the role may but the object is outside the scope
    reveals: bool = False  # answers with personal data by design
    api: bool = False
    # a successful call must leave this trace: (objects, before, after counts) -> bool
    effect: Callable | None = None
    panel_key: str = ""
    about_matter: bool = False  # the object or list entry is a matter (or part of one): unit scope applies
    acts: bool = False  # changes the matter: a unit-scoped role may only on its unit's matters
    # objects (by key) whose matter a role's user handles without the permission, and may therefore reach
    # (a party's contact: care.reveal_contact, the matter's responsible unit); written by hand
    handled: tuple = ()


def page(key, url, **kw) -> Route:
    return Route(key=key, url=url, **kw)


def api(method, path, url, **kw) -> Route:
    kw.setdefault("allowed", frozenset({200}) if method == "GET" else frozenset({200, 201, 409, 422}))
    return Route(
        key=f"{method} /api{path}", url=lambda o, w, u=url: "/api" + u(o, w), method=method, api=True, **kw
    )


def _tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def _note_added(o, before, after) -> bool:
    return after["events"] > before["events"]


def _logged(o, before, after) -> bool:
    return after["audit"] > before["audit"]


FORM_ANSWERS = frozenset({200, 302, 400})  # re-rendered form, or redirect with a message

PAGE_ROUTES = [
    page("dashboard:home", lambda o, w: "/", listing=lambda o: o.report.title),
    page("core:notifications", lambda o, w: "/notifications/"),
    page("core:notification_preferences", lambda o, w: "/account/notifications/"),
    page("core:delivery_log", lambda o, w: "/notifications/deliveries/", permission="admin.manage"),
    page("core:audit", lambda o, w: "/audit/", permission="audit.view", listing=lambda o: o.matter.number),
    page("core:password_change", lambda o, w: "/account/password/"),
    page("core:two_factor_setup", lambda o, w: "/account/2fa/setup/"),
    page("core:two_factor_verify", lambda o, w: "/account/2fa/verify/"),
    page("core:lockouts", lambda o, w: "/account/lockouts/", permission="admin.manage"),
    page(
        "core:unlock",
        lambda o, w: "/account/lockouts/unlock/",
        method="POST",
        permission="admin.manage",
        data=lambda o, w: {"username": "nobody"},
        allowed=frozenset({302}),
    ),
    page("core:user_import", lambda o, w: "/account/users/import/", permission="admin.manage"),
    page(
        "core:user_import_template", lambda o, w: "/account/users/import/template/", permission="admin.manage"
    ),
    page(
        "core:user_import_confirm",
        lambda o, w: "/account/users/import/confirm/",
        method="POST",
        permission="admin.manage",
        data=lambda o, w: {"payload": "not-a-signed-preview"},
        allowed=frozenset({400}),  # an invalid preview: nothing created
    ),
    page(
        "core:user_import_passwords",
        lambda o, w: "/account/users/import/passwords/",
        method="POST",
        permission="admin.manage",
        allowed=frozenset({302}),  # no list waiting in this session
    ),
    # administration (管理): an area's or unit's page is found in the scope (404 outside)
    page("core:manage", lambda o, w: "/manage/", permission="admin.manage"),
    page("core:manage_schedule", lambda o, w: "/manage/schedule/", permission="admin.manage"),
    page(
        "core:manage_areas",
        lambda o, w: "/manage/areas/",
        permission="admin.manage",
        listing=lambda o: o.area.code,
    ),
    page("core:manage_area", lambda o, w: f"/manage/areas/{o.area.pk}/", obj=True, permission="admin.manage"),
    page(
        "core:manage_area_child",
        lambda o, w: f"/manage/areas/{o.area.pk}/child/",
        method="POST",
        obj=True,
        permission="admin.manage",
        data=lambda o, w: {"code": "", "name": ""},
        allowed=frozenset({422}),  # the form again: nothing created
    ),
    page(
        "core:manage_area_move",
        lambda o, w: f"/manage/areas/{o.area.pk}/move/",
        method="POST",
        obj=True,
        permission="admin.manage",
        allowed=frozenset({422}),
    ),
    page(
        "core:manage_area_boundary",
        lambda o, w: f"/manage/areas/{o.area.pk}/boundary/",
        method="POST",
        obj=True,
        permission="admin.manage",
        allowed=frozenset({422}),
    ),
    page(
        "core:manage_units",
        lambda o, w: "/manage/units/",
        permission="admin.manage",
        listing=lambda o: o.unit.name,
    ),
    page("core:manage_unit_new", lambda o, w: "/manage/units/new/", permission="admin.manage"),
    page("core:manage_unit", lambda o, w: f"/manage/units/{o.unit.pk}/", obj=True, permission="admin.manage"),
    page(
        "core:manage_channels",
        lambda o, w: "/manage/channels/",
        permission="admin.manage",
        listing=lambda o: o.channel.name,
    ),
    page(
        "core:manage_channel",
        lambda o, w: f"/manage/channels/{o.channel.pk}/",
        obj=True,
        permission="admin.manage",
    ),
    page(
        "core:manage_channel_active",
        lambda o, w: f"/manage/channels/{o.channel.pk}/active/",
        method="POST",
        obj=True,
        permission="admin.manage",
        data=lambda o, w: {"active": "0"},
        allowed=frozenset({302}),
        effect=_logged,
    ),
    page("core:manage_users", lambda o, w: "/manage/users/", permission="admin.manage"),
    page("core:manage_user_new", lambda o, w: "/manage/users/new/", permission="admin.manage"),
    page("core:manage_domains", lambda o, w: "/manage/domains/", permission="admin.manage"),
    page("core:manage_domain_new", lambda o, w: "/manage/domains/new/", permission="admin.manage"),
    page("core:manage_domain", lambda o, w: f"/manage/domains/{w.land.pk}/", permission="admin.manage"),
    page("core:manage_import", lambda o, w: "/manage/import/", permission="admin.manage"),
    page("core:manage_import_template", lambda o, w: "/manage/import/template/", permission="admin.manage"),
    page(
        "core:manage_import_confirm",
        lambda o, w: "/manage/import/confirm/",
        method="POST",
        permission="admin.manage",
        data=lambda o, w: {"payload": "not-a-signed-preview"},
        allowed=frozenset({400}),
    ),
    page(
        "core:audit_export",
        lambda o, w: "/audit/export/",
        permission="audit.view",
        listing=lambda o: o.matter.number,
        effect=_logged,
    ),
    # a matter's party is revealed on care's page, for a purpose: walked in tests/test_permissions_apps.py
    page(
        "core:reveal",
        lambda o, w: f"/reveal/report/{o.report.pk}/reporter_phone/",
        method="POST",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
    ),
    page(
        "core:reveal",
        lambda o, w: f"/reveal/matter/{o.matter.pk}/description/",
        method="POST",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
        about_matter=True,
    ),
    page(
        "core:reveal",
        lambda o, w: f"/reveal/report/{o.report.pk}/text/",
        method="POST",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
    ),
    page("intake:list", lambda o, w: "/intake/", permission="report.view", listing=lambda o: o.report.title),
    page(
        "intake:new", lambda o, w: "/intake/new/", permission="report.create", allowed=frozenset({200, 302})
    ),
    page("intake:grid", lambda o, w: "/intake/grid/", permission="report.create"),
    # an empty draft passes the gate and stops at the form's checks (400), receiving nothing
    page(
        "intake:grid_send",
        lambda o, w: "/intake/grid/send/",
        method="POST",
        permission="report.create",
        data=lambda o, w: {},
        allowed=frozenset({400}),
    ),
    page("intake:grid_sw", lambda o, w: "/intake/grid/sw.js", permission=PUBLIC),
    page("intake:grid_manifest", lambda o, w: "/intake/grid/manifest.webmanifest", permission=PUBLIC),
    page("intake:detail", lambda o, w: f"/intake/{o.report.pk}/", obj=True, permission="report.view"),
    page(
        "intake:print_receipt",
        lambda o, w: f"/intake/{o.report.pk}/print/receipt/",
        obj=True,
        permission="report.view",
    ),
    page(
        "intake:register",
        lambda o, w: f"/intake/{o.report.pk}/register/",
        method="POST",
        obj=True,
        permission="report.register",
        allowed=FORM_ANSWERS,
    ),
    page(
        "intake:link",
        lambda o, w: f"/intake/{o.report.pk}/link/",
        method="POST",
        obj=True,
        permission="report.register",
        allowed=FORM_ANSWERS,
    ),
    page(
        "intake:reject",
        lambda o, w: f"/intake/{o.report.pk}/reject/",
        method="POST",
        obj=True,
        permission="report.register",
        allowed=FORM_ANSWERS,
    ),
    page(
        "intake:matter_search",
        lambda o, w: f"/intake/{o.report.pk}/matters/?matter_q=权限",
        obj=True,
        permission="report.register",
        listing=lambda o: o.matter.number,
    ),
    page(
        "intake:attachment",
        lambda o, w: f"/intake/attachments/{o.attachment.pk}/",
        obj=True,
        permission="report.view",
    ),
    page("intake:legacy_list", lambda o, w: "/intake/legacy/", permission="intake.legacy_import"),
    page("public:submit", lambda o, w: "/public/submit", permission=PUBLIC),
    page("public:track", lambda o, w: f"/public/track?code={o.report.receipt_code}", permission=PUBLIC),
    # without a submission in this session the receipt page sends the visitor to the form
    page("public:receipt", lambda o, w: "/public/receipt", permission=PUBLIC, allowed=frozenset({302})),
    # the receipt as an image: likewise nothing without a submission in this session
    page(
        "public:receipt_image",
        lambda o, w: "/public/receipt.png",
        permission=PUBLIC,
        allowed=frozenset({404}),
    ),
    # Open311 (tests/api/test_open311.py: every call and error): public reads answer what the citizen's status
    # page shows for a receipt code; posting needs an api_key, so the walker's session alone is refused (400)
    page("open311:discovery", lambda o, w: "/open311/v2/discovery.json", permission=PUBLIC),
    page("open311:services", lambda o, w: "/open311/v2/services.xml", permission=PUBLIC),
    page("open311:service", lambda o, w: "/open311/v2/services/land_requisition.json", permission=PUBLIC),
    page(
        "open311:requests",
        lambda o, w: f"/open311/v2/requests.json?service_request_id={o.report.receipt_code}",
        permission=PUBLIC,
    ),
    page(
        "open311:requests",
        lambda o, w: "/open311/v2/requests.json",
        method="POST",
        data=lambda o, w: {
            "service_code": "land_requisition",
            "description": "x",
            "address_string": "东一村",
        },
        permission=PUBLIC,
        allowed=frozenset({400}),
    ),
    page(
        "open311:request", lambda o, w: f"/open311/v2/requests/{o.report.receipt_code}.xml", permission=PUBLIC
    ),
    page(
        "matters:ledger",
        lambda o, w: "/matters/",
        permission="matter.view",
        listing=lambda o: o.matter.number,
    ),
    page(
        "matters:export",
        lambda o, w: "/matters/export/",
        permission="ledger.export",
        listing=lambda o: o.matter.number,
    ),
    *[
        page(
            "matters:export_data",
            lambda o, w, f=fmt: f"/matters/export.{f}",
            permission="ledger.export",
            listing=lambda o: o.matter.number,
        )
        for fmt in ("csv", "json")
    ],
    page("matters:new", lambda o, w: "/matters/new/", permission="matter.create"),
    page(
        "matters:batch",
        lambda o, w: "/matters/batch/",
        method="POST",
        permission="matter.view",
        data=lambda o, w: {"ids": [o.matter.pk]},  # no action chosen: the form again, nothing run
        allowed=frozenset({400}),
    ),
    page(
        "matters:supervision",
        lambda o, w: "/matters/supervision/",
        permission="matter.view",
        listing=lambda o: o.matter.number,
    ),
    page("matters:ungraded", lambda o, w: "/matters/ungraded/", permission="matter.view"),
    page("matters:black_swans", lambda o, w: "/matters/black-swans/", permission="matter.view"),
    page(
        "matters:to_label",
        lambda o, w: "/matters/to-label/",
        permission="matter.correct",
        listing=lambda o: o.matter.number,
    ),
    page("matters:root_cause", lambda o, w: "/matters/root-cause/", permission="matter.view"),
    page("matters:level_rules", lambda o, w: "/matters/level-rules/", permission="matter.view"),
    page("matters:risk_matrix", lambda o, w: "/matters/risk-matrix/", permission="matter.view"),
    page("matters:progress_reports", lambda o, w: "/matters/progress-reports/", permission="matter.view"),
    page("matters:unit_members", lambda o, w: f"/matters/unit-members/?unit={o.unit.pk}", obj=True),
    page(
        "matters:agreement",
        lambda o, w: f"/matters/agreements/{o.mediation.pk}/",
        obj=True,
        permission="matter.view",
    ),
    page("matters:detail", lambda o, w: f"/matters/{o.matter.pk}/", obj=True, permission="matter.view"),
    page("matters:coordination", lambda o, w: "/matters/coordination/", permission="matter.view"),
    page(
        "matters:accountability",
        lambda o, w: "/matters/accountability/",
        permission="accountability.view",
        listing=lambda o: f"权限测试问责{o.key}",
    ),
    page(
        "matters:print_assignment",
        lambda o, w: f"/matters/{o.matter.pk}/print/assignment/",
        obj=True,
        permission="matter.view",
    ),
    page(
        "matters:print_supervision",
        lambda o, w: f"/matters/{o.matter.pk}/print/supervision/",
        obj=True,
        permission="matter.view",
    ),
    page("api-docs", lambda o, w: "/api/docs"),
    page("api-docs-asset", lambda o, w: "/api/docs/assets/swagger-ui.css", permission=PUBLIC),
    page("api:openapi-json", lambda o, w: "/api/openapi.json", permission=PUBLIC),
]

# The matter page's action panels and the permission of the role table each one needs.
PANEL_PERMISSIONS = {
    "assess": "matter.assess",
    "assign": "matter.assign",
    "start": "matter.start",
    "resolve": "matter.resolve",
    "follow_up": "matter.follow_up",
    "archive": "matter.archive",
    "escalate": "matter.escalate",
    "return": "matter.return",
    "merge": "matter.merge",
    "reject": "matter.reject",
    "residual": "matter.assess",
    "mediation": "mediation.record",
    "supervise": "matter.supervise",
    "party": "matter.note",
    "black_swan": "matter.flag",
    "black_swan_dismiss": "matter.flag",
    "grey_rhino": "matter.flag",
    "mitigation": "matter.flag",
    "regrade": "matter.assess",
    "correct": "matter.correct",
    "note": "matter.note",
    "lead_leader": "matter.lead_leader",
    "progress_report": "matter.progress_report",
}


def act_routes() -> list[Route]:
    routes = []
    for key, permission in PANEL_PERMISSIONS.items():
        # A real note proves that the permitted action runs; the other panels are posted empty, which
        # passes the gate (scope, role) and stops at the form, changing nothing.
        data = (lambda o, w: {"note-note": "权限测试备注"}) if key == "note" else (lambda o, w: {})
        routes.append(
            page(
                f"matters:act/{key}",
                lambda o, w, k=key: f"/matters/{o.matter.pk}/act/{k}/",
                method="POST",
                obj=True,
                permission=permission,
                data=data,
                allowed=FORM_ANSWERS,
                effect=_note_added if key == "note" else None,
                panel_key=key,
            )
        )
    return routes


def _matter_in(o, w):
    return {
        "kind": "dispute",
        "domain": w.wages.code,
        "area": o.area.code,
        "title": "接口登记",
        "description": "d",
    }


API_ROUTES = [
    api("GET", "/me", lambda o, w: "/me"),
    api("GET", "/units", lambda o, w: "/units?page_size=200", listing=lambda o: o.unit.name),
    api("GET", "/units/{unit_id}/members", lambda o, w: f"/units/{o.unit.pk}/members", obj=True),
    api("GET", "/areas", lambda o, w: "/areas?page_size=200", listing=lambda o: f'"code": "{o.area.code}"'),
    api("GET", "/areas/{code}", lambda o, w: f"/areas/{o.area.code}", obj=True),
    api("GET", "/domains", lambda o, w: "/domains"),
    api(
        "GET",
        "/reports",
        lambda o, w: "/reports?page_size=200",
        permission="report.view",
        listing=lambda o: o.report.title,
    ),
    api(
        "POST",
        "/reports",
        lambda o, w: "/reports",
        obj=True,
        permission="report.create",
        foreign={422},
        data=lambda o, w: {"channel": "visit", "text": "接口诉求", "area": o.area.code},
    ),
    api(
        "GET",
        "/reports/{report_id}",
        lambda o, w: f"/reports/{o.report.pk}",
        obj=True,
        permission="report.view",
    ),
    api(
        "GET",
        "/reports/{report_id}/attachments/{attachment_id}",
        lambda o, w: f"/reports/{o.report.pk}/attachments/{o.attachment.pk}",
        obj=True,
        permission="report.view",
    ),
    api(
        "POST",
        "/reports/{report_id}/register",
        lambda o, w: f"/reports/{o.report.pk}/register",
        obj=True,
        permission="report.register",
        data=lambda o, w: {"kind": "dispute", "domain": w.wages.code, "title": "接口登记"},
    ),
    api(
        "POST",
        "/reports/{report_id}/link",
        lambda o, w: f"/reports/{o.report.pk}/link",
        obj=True,
        permission="report.register",
        data=lambda o, w: {"matter": o.matter.pk},
    ),
    api(
        "POST",
        "/reports/{report_id}/reject",
        lambda o, w: f"/reports/{o.report.pk}/reject",
        obj=True,
        permission="report.register",
        data=lambda o, w: {"reason": "不属于受理范围"},
    ),
    api(
        "POST",
        "/reports/{report_id}/reveal",
        lambda o, w: f"/reports/{o.report.pk}/reveal",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
        data=lambda o, w: {"field": "reporter_phone"},
    ),
    api(
        "GET",
        "/matters",
        lambda o, w: "/matters?page_size=200",
        permission="matter.view",
        listing=lambda o: o.matter.number,
    ),
    api(
        "POST",
        "/matters",
        lambda o, w: "/matters",
        obj=True,
        permission="matter.create",
        foreign={422},
        data=_matter_in,
    ),
    api(
        "GET",
        "/matters/{matter_id}",
        lambda o, w: f"/matters/{o.matter.pk}",
        obj=True,
        permission="matter.view",
    ),
    api(
        "POST",
        "/matters/{matter_id}/reveal",
        lambda o, w: f"/matters/{o.matter.pk}/reveal",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
        data=lambda o, w: {"field": "description"},
    ),
    api(
        "POST",
        "/matters/{matter_id}/parties/{party_id}/reveal",
        lambda o, w: f"/matters/{o.matter.pk}/parties/{o.party.pk}/reveal",
        obj=True,
        permission="personal_data.reveal",
        reveals=True,
        effect=_logged,
        data=lambda o, w: {"field": "phone", "purpose": "follow_up"},
        # U is assigned to the officer's unit (东镇派出所): its handlers reach its parties' contact
        handled=(("department_officer", "U"),),
    ),
]

# The API's workflow endpoints: permission and a valid payload for each (valid, so the schema check — which
# runs before the view — cannot answer 422 in place of the gate).
API_ACTIONS = {
    "assess": ("matter.assess", lambda o, w: {"likelihood": 2, "consequence": 2}),
    "assign": (
        "matter.assign",
        lambda o, w: {
            "unit": o.unit.pk,
            "deadline": _tomorrow(),
            "lead_leader": w.leader.pk,
            "exemption_reason": "就地办理",
        },
    ),
    "start": ("matter.start", lambda o, w: {}),
    "resolve": ("matter.resolve", lambda o, w: {"outcome": "已化解"}),
    "follow_up": (
        "matter.follow_up",
        lambda o, w: {"visited_on": timezone.localdate().isoformat(), "satisfaction": "satisfied"},
    ),
    "archive": ("matter.archive", lambda o, w: {}),
    "escalate": ("matter.escalate", lambda o, w: {"reason": "需上级协调"}),
    "return": ("matter.return", lambda o, w: {"reason": "不属本单位"}),
    "merge": ("matter.merge", lambda o, w: {"into": o.matter.pk}),
    "reject": ("matter.reject", lambda o, w: {"reason": "不予受理"}),
    "mediation": (
        "mediation.record",
        lambda o, w: {
            "held_on": timezone.localdate().isoformat(),
            "mediators": "调解员",
            "summary": "协商",
            "result": "continuing",
        },
    ),
    "supervise": ("matter.supervise", lambda o, w: {"note": "请加快"}),
    "note": ("matter.note", lambda o, w: {"note": "接口备注"}),
    "parties": ("matter.note", lambda o, w: {"name": "某公司", "is_organisation": True}),
    "lead_leader": ("matter.lead_leader", lambda o, w: {"leader": w.leader.pk}),
    "progress_report": ("matter.progress_report", lambda o, w: {"text": "接口进展报告"}),
    "residual": ("matter.assess", lambda o, w: {"likelihood": 1, "consequence": 1}),
    "black_swan": ("matter.flag", lambda o, w: {"confirmed": False, "reason": "并非罕见"}),
    "black_swan_dismiss": ("matter.flag", lambda o, w: {"reason": "并非罕见"}),
    "grey_rhino": ("matter.flag", lambda o, w: {"marked": True}),
    "mitigation": ("matter.flag", lambda o, w: {"plan": "专班盯办"}),
    "regrade": ("matter.assess", lambda o, w: {"likelihood": 2, "consequence": 2, "reason": "复核"}),
    "correct": ("matter.correct", lambda o, w: {"reason": "复核人数", "people_involved": 3}),
}
# Order matters on one matter: notes and flags first, then the status changes, the closing ones last.
API_ACTION_ORDER = [
    "note",
    "parties",
    "supervise",
    "black_swan",
    "black_swan_dismiss",
    "grey_rhino",
    "mitigation",
    "regrade",
    "correct",
    "lead_leader",
    "residual",
    "mediation",
    "progress_report",
    "assess",
    "escalate",
    "return",
    "assign",
    "start",
    "resolve",
    "follow_up",
    "archive",
    "merge",
    "reject",
]
API_ROUTES += [
    api(
        "POST",
        f"/matters/{{matter_id}}/{name}",
        lambda o, w, n=name: f"/matters/{o.matter.pk}/{n}",
        obj=True,
        permission=API_ACTIONS[name][0],
        data=API_ACTIONS[name][1],
    )
    for name in API_ACTION_ORDER
]
# Routes whose object or list entries are matters (or parts of one), and those that change a matter.
MATTER_ROUTE_KEYS = {
    "intake:matter_search",
    "matters:ledger",
    "matters:export",
    "matters:export_data",
    "matters:supervision",
    "matters:progress_reports",
    "matters:agreement",
    "matters:detail",
    "matters:print_assignment",
    "matters:print_supervision",
    "GET /api/matters",
    "GET /api/matters/{matter_id}",
    "POST /api/matters/{matter_id}/parties/{party_id}/reveal",
    "POST /api/matters/{matter_id}/reveal",
}
ACTING_ROUTE_KEYS = {f"matters:act/{key}" for key in PANEL_PERMISSIONS} | {
    f"POST /api/matters/{{matter_id}}/{name}" for name in API_ACTION_ORDER
}
ROUTES = [
    replace(
        r,
        about_matter=r.about_matter or r.key in MATTER_ROUTE_KEYS | ACTING_ROUTE_KEYS,
        acts=r.key in ACTING_ROUTE_KEYS,
    )
    for r in PAGE_ROUTES + act_routes() + API_ROUTES
]
assert ACTING_ROUTE_KEYS <= {r.key for r in ROUTES}

# What each unit-scoped role sees and changes of the objects (by key), written from the rule.
UNIT_SCOPED = {"department_officer": {"sees": {"U", "R"}, "acts": {"U"}}}


# --- discovery ------------------------------------------------------------------------------------------------
def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield namespace, p.name, prefix + str(p.pattern)


def discovered_routes() -> set[str]:
    """Route keys of the checked namespaces: pages by name (or route when unnamed), the API by operation."""
    from anju.api.main import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    keys = {
        f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations
    }
    for namespace, name, route in _walk(get_resolver().url_patterns):
        if namespace and namespace not in CHECKED_NAMESPACES:
            continue
        if namespace == "api" and name not in ("openapi-json", "api-root"):
            # The operations come from the schema; a path left out of the schema is reported by its name.
            if "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route) not in schema["paths"]:
                keys.add(f"api:{name}")
            continue
        key = f"{namespace}:{name or route.split('/', 1)[-1]}" if namespace else (name or route)
        keys.add(":set_language" if name == "set_language" else key)
    return keys


def _dummy_url(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: "1" if m.group(1) == "int" else "x", route)


@pytest.mark.django_db
def test_every_page_of_every_app_needs_a_login():
    """A safety net beyond the walk, for every installed capability: anonymous visitors get no page other
    than the public ones (with made-up ids: at most a login redirect, 401, 403, 404 or 405)."""
    public = {r.key for r in ROUTES if r.permission == PUBLIC} | {
        "core:login",
        "public:submit/",
        "public:track/",
        "public_emergency:list",  # published information releases (tests/emergency/test_emergency_releases.py)
        "public_emergency:feed",  # their Atom feed (tests/emergency/test_emergency_across.py)
    }
    leaks = []
    client = Client()
    for namespace, name, route in _walk(get_resolver().url_patterns):
        key = f"{namespace}:{name or route.split('/', 1)[-1]}" if namespace else (name or route)
        if key in public or name in public or name == "set_language":
            continue
        response = client.get(_dummy_url(route))
        if response.status_code == 302 and "/login/" not in response["Location"]:
            leaks.append(f"{key} redirects elsewhere: {response['Location']}")
        elif response.status_code not in (302, 401, 403, 404, 405):
            leaks.append(f"{key} answers {response.status_code} to an anonymous visitor")
    assert not leaks, "\n".join(leaks)


def test_every_route_is_checked_or_exempt():
    checked = {r.key for r in ROUTES if not r.key.startswith("matters:act/")} | {"matters:act"}
    discovered = discovered_routes()
    missing = sorted(k for k in discovered - checked - set(EXEMPT) if not walked_in_apps(k))
    assert not missing, f"routes neither checked by the permission walk nor exempt: {missing}"
    stale = sorted((checked | set(EXEMPT)) - discovered)
    assert not stale, f"checked or exempt routes that no longer exist: {stale}"
    # the apps walk's routes are not walked here too
    assert not [k for k in checked | set(EXEMPT) if walked_in_apps(k)]


def test_every_matter_panel_is_walked():
    from anju.matters.panels import PANELS

    assert set(PANELS) == set(PANEL_PERMISSIONS)


# --- the walk -------------------------------------------------------------------------------------------------
def _counts() -> dict:
    return {"audit": AuditEvent.objects.count(), "events": MatterEvent.objects.count()}


def _body_text(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v)
            for s in book.worksheets
            for row in s.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if getattr(response, "streaming", False):
        content_type = response.get("Content-Type", "")
        if content_type.startswith(("text/csv", "application/json")):  # the ledger's data exports
            return b"".join(response.streaming_content).decode("utf-8")
        return ""
    if response.get("Content-Type", "").startswith("application/json"):
        # whatever the renderer's escaping, compare against the decoded text
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode("utf-8", errors="replace")


@dataclass
class Walk:
    user: object
    world: object
    objects: dict
    page_client: Client
    api_headers: dict
    unit_rule: dict | None = None  # UNIT_SCOPED's entry for the role
    failures: list = field(default_factory=list)

    def request(self, route: Route, o):
        url = route.url(o, self.world)
        data = route.data(o, self.world) if route.data else {}
        if route.api:
            if route.method == "GET":
                return self.page_client.get(url, headers=self.api_headers)
            return self.page_client.post(
                url, data=json.dumps(data), content_type="application/json", headers=self.api_headers
            )
        if route.method == "GET":
            return self.page_client.get(url)
        return self.page_client.post(url, data)

    def fail(self, route: Route, where: str, message: str):
        self.failures.append(f"{route.key} [{where}]: {message}")

    def may(self, route: Route) -> bool:
        if route.permission == PUBLIC:
            return True
        if self.user is None:
            return False
        return route.permission is None or role_has(self.user.role, route.permission)

    def denied_answer(self, route: Route) -> frozenset:
        if self.user is None and route.permission != PUBLIC:
            return frozenset({401}) if route.api else frozenset({302})
        return frozenset({403})

    def sees(self, o, about_matter: bool) -> bool:
        if self.user is None or not in_scope(self.user, o.area):
            return False
        return not about_matter or self.unit_rule is None or o.key in self.unit_rule["sees"]

    def may_change(self, o) -> bool:
        return self.unit_rule is None or o.key in self.unit_rule["acts"]

    def check(self, route: Route):
        targets = list(self.objects.values()) if route.obj else [self.objects["A"]]
        for o in targets:
            visible = not route.obj or self.sees(o, route.about_matter)
            if route.permission == PUBLIC:
                visible = True
            self.check_one(route, o, visible)

    def check_one(self, route: Route, o, visible: bool):
        where = o.key if route.obj else "-"
        may = self.may(route) and (not route.acts or self.may_change(o))
        if self.user is not None and (self.user.role, getattr(o, "key", "")) in route.handled:
            may = True
        before = _counts()
        response = self.request(route, o)
        after = _counts()
        status = response.status_code
        if may and visible:
            if status not in route.allowed:
                self.fail(route, where, f"expected {sorted(route.allowed)}, got {status}")
                return
            if route.effect and not route.effect(o, before, after):
                self.fail(route, where, "allowed but the action left no trace")
            self.check_content(route, where, response, revealing=route.reveals)
            return
        if not may and visible:
            expected = self.denied_answer(route)
            if route.panel_key and self.user is not None:
                expected = frozenset({302, 403})  # the matter page refuses with a message and redirects
        elif may:
            expected = route.foreign
        else:
            expected = self.denied_answer(route) | ({404} if self.user is not None else set())
        if status not in expected:
            self.fail(route, where, f"expected {sorted(expected)}, got {status}")
        if after != before:
            self.fail(route, where, f"refused but changed data: {before} -> {after}")
        self.check_content(route, where, response, revealing=False)

    def check_content(self, route: Route, where: str, response, revealing: bool):
        text = _body_text(response)
        if not revealing:
            leaked = [v for v in RAW_VALUES if v in text]
            if leaked:
                self.fail(route, where, f"unmasked personal data in the answer: {leaked}")
        # Nothing of an object outside the scope may appear anywhere: lists, detail pages, candidates, exports.
        for o in self.objects.values():
            hidden = [o.matter.number, o.matter.title] if not self.sees(o, about_matter=True) else []
            if not self.sees(o, about_matter=False):
                hidden.append(o.report.title)
            shown = [m for m in hidden if m in text]
            if shown:
                self.fail(route, where, f"shows {shown} of object {o.key}, outside the user's scope")
        if route.listing and response.status_code == 200:
            for o in self.objects.values():
                shown = route.listing(o) in text
                should = self.sees(o, route.about_matter)
                if shown != should:
                    state = "shows" if shown else "misses"
                    self.fail(route, where, f"list {state} the object of area {o.key}")


ROLE_USERS = {
    "grid_worker": "grid_worker",
    "village_cadre": "cadre",
    "centre_staff_town": "town_staff",
    "centre_staff_county": "centre_staff",
    "department_officer": "officer",
    "leader": "leader",
    "auditor": "auditor",
    "admin": "admin",
    "anonymous": None,
}


@pytest.fixture
def fast_password_hashing(settings):
    # The world has ten users; the production hasher would spend seconds on each of them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def quiet_refusals():
    # Hundreds of intended 403/404 answers would each log a warning with a traceback; errors still show.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_permission_walk(role, fast_password_hashing, quiet_refusals, world):
    objects = _build(world)
    user = getattr(world, ROLE_USERS[role]) if ROLE_USERS[role] else None
    client = Client()
    headers = {}
    if user is not None:
        client.force_login(user)
        headers = {"Authorization": f"Bearer {core_actions.issue_api_token(user, 'permission-test')}"}
    walk = Walk(
        user=user,
        world=world,
        objects=objects,
        page_client=client,
        api_headers=headers,
        unit_rule=UNIT_SCOPED.get(role),
    )
    for route in ROUTES:
        if route.api:
            # The API is walked with the token alone, not the browser session.
            walk.page_client = Client()
        else:
            walk.page_client = client
        walk.check(route)
    assert not walk.failures, f"{role}: {len(walk.failures)} mismatches\n" + "\n".join(walk.failures)
