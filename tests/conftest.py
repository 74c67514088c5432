"""Shared fixtures: a small real area tree, the default domains, units and one user per role.

Tests use the real database (SQLite by default, PostgreSQL when ANJU_DATABASE_URL says so).
"""

from __future__ import annotations

import os
import tempfile

# Each test run gets its own data folder (keys, uploads) before Django settings load.
if not os.environ.get("ANJU_DATA_DIR"):
    os.environ["ANJU_DATA_DIR"] = tempfile.mkdtemp(prefix="anju-test-")

import pytest  # noqa: E402


@pytest.fixture
def browser(monkeypatch):
    """Debian's chromium (ANJU_CHROMIUM: another binary), headless, driven by Playwright's sync API."""
    from anju.chromium import CHROMIUM, launch

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) or set ANJU_CHROMIUM"
        )
    # Playwright's sync API keeps an event loop in this thread, so Django would take the test's own ORM calls
    # (fixtures, assertions) for async code. They are ordinary blocking calls; allow them for this test only.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """SQLite tests use a file, one per xdist worker, not Django's shared in-memory database: that one locks
    whole tables and fails a second writer at once, where the real (file) database makes it wait, so the
    concurrency tests could not run on it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = os.path.join(
            os.environ["ANJU_DATA_DIR"], f"test-{worker}.sqlite3"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The second factor is required of centre staff, leaders and administrators by default; the tests of
    # other capabilities sign in without one (tests/core/test_two_factor.py tests the requirement).
    settings.ANJU_2FA_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts and ends in the default language: a test that switches to English (a request with
    the English cookie activates it for the thread) must not leave the next test's messages in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    """County → 2 towns → 2 villages each → 1 grid each, units and users of every role."""
    from anju.core import actions
    from anju.core.bootstrap import load_domains
    from anju.core.models import AreaLevel, Domain, UnitKind
    from anju.core.roles import Role

    load_domains()

    class World:
        pass

    w = World()
    w.county = actions.create_area(None, code="330100000000", name="示范县", level=AreaLevel.COUNTY)
    w.town_a = actions.create_area(
        None, code="330101000000", name="东镇", level=AreaLevel.TOWN, parent=w.county
    )
    w.town_b = actions.create_area(
        None, code="330102000000", name="西镇", level=AreaLevel.TOWN, parent=w.county
    )
    w.village_a1 = actions.create_area(
        None, code="330101001000", name="东一村", level=AreaLevel.VILLAGE, parent=w.town_a
    )
    w.village_a2 = actions.create_area(
        None, code="330101002000", name="东二村", level=AreaLevel.VILLAGE, parent=w.town_a
    )
    w.village_b1 = actions.create_area(
        None, code="330102001000", name="西一村", level=AreaLevel.VILLAGE, parent=w.town_b
    )
    w.grid_a1 = actions.create_area(
        None, code="330101001001", name="东一村第一网格", level=AreaLevel.GRID, parent=w.village_a1
    )
    w.grid_b1 = actions.create_area(
        None, code="330102001001", name="西一村第一网格", level=AreaLevel.GRID, parent=w.village_b1
    )
    w.centre = actions.create_unit(None, name="示范县综治中心", kind=UnitKind.CENTRE, area=w.county)
    w.town_centre = actions.create_unit(None, name="东镇综治中心", kind=UnitKind.CENTRE, area=w.town_a)
    w.police = actions.create_unit(None, name="东镇派出所", kind=UnitKind.DEPARTMENT, area=w.town_a)
    w.committee_a1 = actions.create_unit(
        None, name="东一村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=w.village_a1
    )
    w.committee_b1 = actions.create_unit(
        None, name="西一村村委会", kind=UnitKind.VILLAGE_COMMITTEE, area=w.village_b1
    )

    def user(username, role, area, unit=None):
        return actions.create_user(
            None,
            username=username,
            password="test-pass-123",
            role=role,
            area=area,
            unit=unit,
            display_name=username,
        )

    w.admin = user("admin", Role.ADMIN, w.county, w.centre)
    w.centre_staff = user("zongzhi", Role.CENTRE_STAFF, w.county, w.centre)
    w.town_staff = user("zhen", Role.CENTRE_STAFF, w.town_a, w.town_centre)
    w.leader = user("lingdao", Role.LEADER, w.county, w.centre)
    w.officer = user("bumen", Role.DEPARTMENT_OFFICER, w.town_a, w.police)
    w.cadre = user("cun", Role.VILLAGE_CADRE, w.village_a1, w.committee_a1)
    w.cadre_b = user("cun_b", Role.VILLAGE_CADRE, w.village_b1, w.committee_b1)
    w.grid_worker = user("wangge", Role.GRID_WORKER, w.grid_a1, w.committee_a1)
    w.auditor = user("shenji", Role.AUDITOR, w.county, w.centre)
    w.wages = Domain.objects.get(code="social_security_wages")
    w.land = Domain.objects.get(code="land_requisition")
    return w
