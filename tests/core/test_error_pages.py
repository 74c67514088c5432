"""Error pages in Chinese with a way back; privacy headers on every answer."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_page_answers_a_chinese_404_with_a_way_back(world):
    client = Client()
    client.force_login(world.cadre)
    response = client.get("/matters/999999999/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "页面不存在" in page and 'href="/"' in page and "返回首页" in page
    assert "Not Found" not in page


@pytest.mark.django_db
def test_a_role_refusal_answers_a_chinese_403(world):
    client = Client()
    client.force_login(world.cadre)
    response = client.get("/audit/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@pytest.mark.django_db
def test_a_stale_form_answers_a_chinese_page_not_the_csrf_debug_page(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "cun", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "刷新页面" in page
    assert "CSRF verification failed" not in page


def test_the_server_error_page_needs_no_context_and_says_nothing_was_saved():
    page = render_to_string("500.html")
    assert "系统出错" in page and "没有保存" in page and 'href="/"' in page


@pytest.mark.django_db
def test_citizens_pages_and_signed_in_pages_are_not_cached(world):
    anonymous = Client()
    assert anonymous.get("/public/track").headers["Cache-Control"] == "no-store"
    assert "camera=(self)" in anonymous.get("/public/track").headers["Permissions-Policy"]
    # control: an anonymous visitor's redirect to the login page carries no such header
    redirect = anonymous.get("/matters/")
    assert redirect.status_code == 302 and "Cache-Control" not in redirect.headers
    staff = Client()
    staff.force_login(world.centre_staff)
    assert staff.get("/matters/").headers["Cache-Control"] == "no-store"
