"""English mode is complete: walk the main pages as several roles with English chosen and find no Chinese.

Chinese that a user entered (area, unit and matter names; the titles typed below) stays as entered; it is
listed by hand in ``USER_DATA`` and removed before the scan. Everything else on an English page — labels,
risk levels, timeline lines, messages — must be English, and English text uses ASCII punctuation, not the
full-width （，。：；） of Chinese typography.

When this fails, the message lists each page (role and path) with the offending text in context, so the
missing catalogue entry is easy to find.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+(?:[（），。：；、“”《》 \d]*[\u3400-\u9fff\uf900-\ufaff]+)*")
FULL_WIDTH = re.compile(r"[（），。：；]")
MAX_PER_PAGE = 25

# Values the test world and this test entered as users would; they stay Chinese in English mode.
USER_DATA = [
    # tests/conftest.py world: areas and units
    "东一村第一网格",
    "西一村第一网格",
    "示范县综治中心",
    "东镇综治中心",
    "东镇派出所",
    "东一村村委会",
    "西一村村委会",
    "示范县",
    "东一村",
    "东二村",
    "西一村",
    "东镇",
    "西镇",
    # entered below
    "欠薪样例",
    "工人反映工资拖欠",
    "搬迁样例",
    "拟搬迁农贸市场",
    "评估小组",
    "路面积水",
    "道路积水待修",
    "已安排维修",
    # the language menu names each language in itself
    "简体中文",
]


# The domain list of /manage/ shows each default domain's Chinese name beside its English one, by design.
DOMAIN_NAMES_ZH = [
    "政治安全",
    "军队退役人员",
    "重大经济案件（涉众型）",
    "涉环保项目",
    "征地拆迁",
    "交通运输",
    "恶性或极端事件",
    "社会保障和民工欠薪",
    "涉农问题",
    "民族宗教和邪教",
    "涉法涉诉",
    "卫生健康",
    "信访突出问题",
    "教育",
    "网络舆情",
]
PAGE_DATA = {"/manage/domains/": DOMAIN_NAMES_ZH}
# The audit log shows records as they were stored (notes, snapshots of data): not scanned.
NOT_SCANNED = ("/audit/",)


def user_data_removed(html: str, page: str = "") -> str:
    allowed = USER_DATA + [
        value for prefix, values in PAGE_DATA.items() if prefix in page for value in values
    ]
    for value in sorted(allowed, key=len, reverse=True):
        html = html.replace(value, "")
    return html


def visible_text(html: str) -> str:
    """The page less its scripts, styles and comments (attributes such as title= stay: they are read)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.DOTALL | re.IGNORECASE)
    return re.sub(r"<!--.*?-->", " ", html, flags=re.DOTALL)


def in_context(text: str, match: re.Match, width: int = 30) -> str:
    start, end = max(0, match.start() - width), min(len(text), match.end() + width)
    return " ".join(text[start:end].split())


def offences(html: str, pattern: re.Pattern, page: str = "") -> list[str]:
    text = user_data_removed(visible_text(html), page)
    found: dict[str, str] = {}
    for match in pattern.finditer(text):
        found.setdefault(match.group(0), in_context(text, match))
    lines = [f"{word!r} in …{context}…" for word, context in found.items()]
    if len(lines) > MAX_PER_PAGE:
        lines = [*lines[:MAX_PER_PAGE], f"… and {len(lines) - MAX_PER_PAGE} more"]
    return lines


@pytest.fixture
def english_world(world):
    """A matter assessed and assigned (standard timeline lines), an assessment item with a plan."""
    from anju.assessment import actions as assessment_actions
    from anju.matters import actions
    from anju.matters.models import MatterKind

    matter = actions.create_matter(
        world.centre_staff,
        kind=MatterKind.values[0],
        domain=world.wages,
        area=world.village_a1,
        title="欠薪样例",
        description="工人反映工资拖欠",
        likelihood=3,
        consequence=4,
    )
    actions.assess(world.centre_staff, matter, likelihood=3, consequence=4)
    today = timezone.localdate()
    item = assessment_actions.create_item(
        world.centre_staff,
        year=today.year,
        title="搬迁样例",
        category="project",
        description="拟搬迁农贸市场",
        sponsor_unit=world.town_centre,
        area=world.town_a,
        affected_areas=[world.village_a1],
        domains=[world.land],
        people_affected=100,
        planned_decision_date=today + dt.timedelta(days=60),
    )
    assessment = assessment_actions.start_assessment(
        world.centre_staff,
        item,
        body_unit=world.town_centre,
        team="评估小组",
        methods=["survey"],
        schedule_start=today,
        schedule_end=today + dt.timedelta(days=30),
    )
    from anju.intake import actions as intake_actions

    report = intake_actions.submit_report(None, channel="online", text="路面积水", area=world.village_a1)
    tracked = intake_actions.register_report(
        world.centre_staff, report, kind="demand", domain=world.land, title="道路积水待修"
    )
    actions.add_note(world.centre_staff, tracked, note="已安排维修", public=True)
    world.matter, world.item, world.assessment, world.report = matter, item, assessment, report
    return world


STAFF_PAGES = [
    "/",
    "/dashboard/",
    "/matters/",
    "/matters/new/",
    "/matters/supervision/",
    "/matters/coordination/",
    "/intake/",
    "/intake/new/",
    "/screening/",
    "/assessment/",
    "/assessment/tasks/",
    "/warning/",
    "/warning/signals/",
    "/warning/meetings/",
    "/warning/tasks/",
    "/reports/",
    "/notifications/",
    "/account/password/",
    "/account/2fa/setup/",
    "/account/notifications/",
    "/account/tokens/",
]
ADMIN_PAGES = [
    "/manage/",
    "/manage/areas/",
    "/manage/units/",
    "/manage/units/new/",
    "/manage/users/",
    "/manage/users/new/",
    "/manage/domains/",
    "/manage/domains/new/",
    "/manage/import/",
    "/account/lockouts/",
    "/audit/",
]
PUBLIC_PAGES = ["/login/", "/public/submit", "/public/track"]
ROLES = ["centre_staff", "town_staff", "leader", "officer", "cadre", "grid_worker", "auditor", "admin"]


def walk(client, english_world) -> dict[str, str]:
    """{"role path": html} for every page of the walk, in English."""
    pages: dict[str, str] = {}
    client.cookies["django_language"] = "en"
    for path in [*PUBLIC_PAGES, f"/public/track?code={english_world.report.receipt_code}"]:
        pages[f"(public) {path}"] = client.get(path).content.decode()
    assert (
        "Registered and accepted" in pages[f"(public) /public/track?code={english_world.report.receipt_code}"]
    )
    for role in ROLES:
        client.force_login(getattr(english_world, role))
        client.cookies["django_language"] = "en"
        paths = list(STAFF_PAGES)
        paths += [f"/matters/{english_world.matter.pk}/", f"/assessment/{english_world.assessment.pk}/"]
        if role == "admin":
            paths += ADMIN_PAGES
        for path in paths:
            if path in NOT_SCANNED:
                continue
            response = client.get(path)
            if response.status_code in (301, 302):
                continue
            assert response["Content-Language"] == "en", f"{role} {path} is not in English"
            pages[f"{role} {path}"] = response.content.decode()
        client.logout()
    return pages


def test_every_page_of_the_walk_is_english(client, english_world):
    pages = walk(client, english_world)
    assert len(pages) > 100
    report = {page: offences(html, CJK, page) for page, html in pages.items()}
    report = {page: found for page, found in report.items() if found}
    lines = [f"{page}:\n    " + "\n    ".join(found) for page, found in sorted(report.items())]
    assert not report, "Chinese on English pages (add the msgid to the English .po):\n" + "\n".join(lines)


def test_english_pages_use_ascii_punctuation(client, english_world):
    pages = walk(client, english_world)
    report = {page: offences(html, FULL_WIDTH, page) for page, html in pages.items()}
    report = {page: found for page, found in report.items() if found}
    lines = [f"{page}:\n    " + "\n    ".join(found) for page, found in sorted(report.items())]
    assert not report, "Full-width punctuation on English pages:\n" + "\n".join(lines)


def test_the_scan_finds_chinese_that_is_not_user_data():
    """Positive control: the scan reports a label left in Chinese, and not a user's entry."""
    html = "<p>Ledger 东镇 <span title='事项台账'>x</span></p><script>var a = '脚本';</script>"
    found = offences(html, CJK)
    assert len(found) == 1 and "'事项台账'" in found[0]
    assert offences("<p>Level: High，done</p>", FULL_WIDTH) == ["'，' in …<p>Level: High，done</p>…"]
