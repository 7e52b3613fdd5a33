"""Security headers, CSRF, cookies, caching and the health check."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client

from palermo.core.roles import Role

pytestmark = pytest.mark.django_db

PAGES = ["/", "/accounts/profile/", "/institutions/", "/audit/", "/accounts/users/"]


def _inline_problems(html: str) -> list[str]:
    problems = []
    for match in re.finditer(r"<script\b([^>]*)>", html):
        attrs = match.group(1)
        if "src=" not in attrs and 'type="application/json"' not in attrs:
            problems.append(match.group(0))
    problems += re.findall(r"\son[a-z]+=\"", html)  # inline event handlers
    problems += re.findall(r"\sstyle=\"", html)  # inline styles (CSP style-src 'self')
    return problems


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ADMIN, Role.CASE_WORKER])
def test_pages_carry_no_inline_script_or_style(client_for, role):
    client = client_for(role)
    for path in PAGES:
        response = client.get(path)
        if response.status_code != 200:
            continue
        assert _inline_problems(response.content.decode()) == [], path


def test_login_page_has_security_headers():
    response = Client().get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert _inline_problems(response.content.decode()) == []


def test_signed_in_pages_are_never_cached(client_for):
    response = client_for(Role.AUDITOR).get("/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_csrf_is_enforced_on_posts():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(client_for):
    from palermo.testing.factories import TEST_PASSWORD, member

    user = member(Role.ANALYST)
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # A browser-session cookie; the server ends the session after 30 idle minutes.
    assert cookie["max-age"] == ""
    assert client.session.get_expiry_age() == 1800


def test_healthz_reports_the_database():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable():
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=Exception("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
