"""API test helpers: a JSON client that authenticates with a real bearer token, and matters in two villages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone


class ApiClient:
    """Calls the API as one user through a token issued by ``core.actions.issue_api_token``."""

    def __init__(self, user=None, token: str | None = None):
        from anju.core import actions

        self.client = Client()
        self.token = token if token is not None else (actions.issue_api_token(user) if user else None)

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get("/api" + path, params, headers=self._headers())

    def post(self, path: str, payload: dict | None = None):
        return self.client.post(
            "/api" + path,
            data=json.dumps(payload or {}, default=str),
            content_type="application/json",
            headers=self._headers(),
        )


@pytest.fixture
def api():
    """``api(user)`` → an ``ApiClient`` for that user (tokens are cached per user)."""
    clients = {}

    def for_user(user):
        if user.pk not in clients:
            clients[user.pk] = ApiClient(user)
        return clients[user.pk]

    return for_user


@pytest.fixture
def api_token():
    """``api_token(secret)`` → an ``ApiClient`` sending that bearer token (or none when None)."""
    return lambda token=None: ApiClient(token=token)


@pytest.fixture
def matters(world):
    """One registered matter in 东一村's grid (town A) and one in 西一村 (town B), with a party each."""
    from anju.matters import actions

    def make(area, title, party_name, phone):
        return actions.create_matter(
            world.centre_staff,
            kind="dispute",
            domain=world.wages,
            area=area,
            title=title,
            description="拖欠工资三个月",
            people_involved=12,
            amount_involved="36000",
            parties=[
                {"role": "applicant", "name": party_name, "phone": phone, "id_number": "110101199003074514"}
            ],
        )

    world.matter_a = make(world.grid_a1, "东一村工地欠薪", "张三丰", "13812345678")
    world.matter_b = make(world.village_b1, "西一村工地欠薪", "李四光", "13987654321")
    return world


@pytest.fixture
def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The world fixture creates nine users; the production hasher would spend seconds on each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
