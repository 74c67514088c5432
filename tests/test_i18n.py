"""The English catalogue: complete, compiled from the current .po, and used only when English is chosen.

The msgids are the Simplified Chinese source strings; ``src/anju/locale/en/LC_MESSAGES/django.po`` is the
source of truth for their English translations and ``django.mo`` is its committed, compiled form.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

import anju

LOCALE_DIR = Path(anju.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?([sdfr%])")


def parse_po(path: Path) -> list[dict]:
    """A minimal .po reader: one dict per live entry with its flags, msgid(s) and msgstr(s).

    Obsolete entries (``#~``) are skipped; the header entry (empty msgid) is returned too.
    """
    entries: list[dict] = []
    current: dict | None = None
    key: str | None = None

    def finish():
        if current is not None and "msgid" in current:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
                current, key = None, None
            continue
        if current is None:
            current = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key.startswith("msgstr"):
                current["msgstr"][key] += value
            else:
                current[key] += value
        else:
            keyword, _, literal = line.partition(" ")
            key = keyword
            if keyword.startswith("msgstr"):
                current["msgstr"][keyword] = ast.literal_eval(literal)
            else:
                current[keyword] = ast.literal_eval(literal)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    entries = [entry for entry in parse_po(PO_PATH) if entry["msgid"]]
    assert len(entries) > 1000, "the catalogue should hold the whole UI"
    return entries


def test_catalogue_is_complete_without_fuzzy_entries(catalogue):
    header = parse_po(PO_PATH)[0]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]["msgstr"]
    fuzzy = [entry["msgid"] for entry in catalogue if "fuzzy" in entry["flags"]]
    empty = [entry["msgid"] for entry in catalogue if not all(entry["msgstr"].values())]
    assert fuzzy == []
    assert empty == []


def test_translations_are_english_and_keep_placeholders(catalogue):
    for entry in catalogue:
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        for index, translated in enumerate(entry["msgstr"].values()):
            source = sources[min(index, 1)]
            assert not CJK.search(translated), (source, translated)
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(source)), (
                source,
                translated,
            )


def test_compiled_catalogue_matches_the_po(catalogue):
    """Every entry of the .po is what gettext answers in English, so the committed .mo is up to date."""
    assert MO_PATH.exists()
    stale = []
    with translation.override("en"):
        for entry in catalogue:
            if "msgid_plural" in entry:
                answers = [
                    translation.ngettext(entry["msgid"], entry["msgid_plural"], 1),
                    translation.ngettext(entry["msgid"], entry["msgid_plural"], 2),
                ]
                expected = [entry["msgstr"]["msgstr[0]"], entry["msgstr"]["msgstr[1]"]]
            elif "msgctxt" in entry:
                answers = [translation.pgettext(entry["msgctxt"], entry["msgid"])]
                expected = [entry["msgstr"]["msgstr"]]
            else:
                answers, expected = [translation.gettext(entry["msgid"])], [entry["msgstr"]["msgstr"]]
            if answers != expected:
                stale.append(entry["msgid"])
    assert stale == [], "recompile: cd src/anju && python -m django compilemessages -l en"


def test_chinese_is_active_unless_english_is_chosen():
    with translation.override("zh-hans"):
        assert translation.gettext("事项台账") == "事项台账"
    with translation.override("en"):
        assert translation.gettext("事项台账") == "Matter ledger"
        assert translation.ngettext("共 %(n)s 件事项", "共 %(n)s 件事项", 2) % {"n": 2} == "2 matters"
        assert translation.ngettext("共 %(n)s 件事项", "共 %(n)s 件事项", 1) % {"n": 1} == "1 matter"


def text_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# Each page: (path, whether it needs a login, English phrases shown, Chinese labels that must then be gone).
PAGES = [
    (
        "/login/",
        False,
        ["Log in to Anju", "Username", "Password", "Submit a request online"],
        ["登录安居平台", "用户名", "密码", "在线提交诉求"],
    ),
    (
        "/",
        True,
        ["Workbench", "Open matters", "Overdue matters", "Matter ledger", "Log out"],
        ["工作台", "在办事项", "超期事项", "事项台账", "退出"],
    ),
    (
        "/matters/",
        True,
        ["Ledger of disputes and risks", "Register matter", "Export to Excel", "Risk level", "Dispute"],
        ["矛盾纠纷风险隐患台账", "登记事项", "导出 Excel", "风险等级", "矛盾纠纷"],
    ),
    (
        "/public/submit",
        False,
        ["Submit a request online", "receipt code", "Village (community)", "Submit"],
        ["在线反映诉求", "回执码", "所在村（社区）", "如遇紧急情况"],
    ),
]


@pytest.fixture
def ledger_matter(world):
    from anju.matters import actions
    from anju.matters.models import MatterKind

    return actions.create_matter(
        world.centre_staff,
        kind=MatterKind.values[0],
        domain=world.wages,
        area=world.village_a1,
        title="欠薪样例",
        description="工人反映工资拖欠",
        likelihood=3,
        consequence=4,
    )


@pytest.mark.parametrize(("path", "login", "english", "chinese"), PAGES, ids=[page[0] for page in PAGES])
def test_pages_render_in_english_when_chosen(client, world, ledger_matter, path, login, english, chinese):
    if login:
        client.force_login(world.centre_staff)
    client.cookies["django_language"] = "en"
    response = client.get(path)
    html = text_of(response)
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in html
    for phrase in english:
        assert phrase in html, phrase
    for label in chinese:
        assert label not in html, label


@pytest.mark.parametrize(("path", "login", "english", "chinese"), PAGES, ids=[page[0] for page in PAGES])
def test_pages_stay_chinese_for_an_english_browser(
    client, world, ledger_matter, path, login, english, chinese
):
    if login:
        client.force_login(world.centre_staff)
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = text_of(response)
    assert response["Content-Language"] == "zh-hans"
    for label in chinese:
        assert label in html, label
    for phrase in english[:2]:
        assert phrase not in html, phrase


def test_choosing_english_in_the_menu_switches_the_pages(client, world):
    """The language menu posts to Django's set_language view, which stores the choice in the cookie."""
    client.force_login(world.centre_staff)
    assert "事项台账" in text_of(client.get("/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert "Matter ledger" in text_of(client.get("/"))
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "事项台账" in text_of(client.get("/"))


def test_form_errors_are_english_when_chosen(client, world):
    client.cookies["django_language"] = "en"
    html = text_of(client.post("/public/submit", {"area": "", "text": ""}))
    assert "Please correct the items marked in red." in html
    assert "请根据提示修改标红的项目" not in html
