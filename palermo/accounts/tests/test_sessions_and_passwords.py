"""Idle sessions expire after 30 minutes; passwords follow the length and strength rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from palermo.accounts.models import Membership, User
from palermo.accounts.services import user_create, user_set_password
from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.testing.clock import frozen_clock
from palermo.testing.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


def expiry_of(client) -> object:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_sessions_last_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.PALERMO_SESSION_REFRESH_SECONDS == 60


def test_each_request_pushes_the_session_expiry_forward(client_for):
    client = client_for(Role.CASE_WORKER)
    with frozen_clock() as clock:
        start = clock.now
        assert client.get("/").status_code == 200
        assert expiry_of(client) == start + timedelta(minutes=30)
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
        assert expiry_of(client) == start + timedelta(minutes=50)


def test_the_session_is_written_at_most_once_a_minute(client_for):
    client = client_for(Role.CASE_WORKER)
    with frozen_clock() as clock:
        start = clock.now
        client.get("/")
        clock.advance(seconds=59)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        assert expiry_of(client) == start + timedelta(minutes=30)  # not pushed yet
        clock.advance(seconds=1)
        client.get("/")
        assert expiry_of(client) == start + timedelta(minutes=31)


def test_an_anonymous_visit_creates_no_session(client):
    assert client.get("/accounts/login/").status_code == 200
    assert not Session.objects.exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32  # a stale cookie: no such session
    assert client.get("/accounts/login/").status_code == 200
    assert not Session.objects.exists()


def test_an_idle_session_ends_after_thirty_minutes(client_for):
    client = client_for(Role.CASE_WORKER)
    with frozen_clock() as clock:
        client.get("/")
        clock.advance(minutes=29)
        assert client.get("/").status_code == 200  # still active, and pushed forward
        clock.advance(minutes=31)
        response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_session_cookie_is_not_kept_by_the_browser_and_not_readable_by_scripts(client_for):
    client = client_for(Role.CASE_WORKER)
    response = client.get("/")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["max-age"] == ""  # ends with the browser; the server enforces the 30 min
    assert cookie["samesite"] == "Lax"


def test_signed_in_pages_are_never_cached(client_for):
    response = client_for(Role.CASE_WORKER).get("/accounts/profile/")
    assert "no-store" in response["Cache-Control"]


# --- password rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-pw-9", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("482915736402", "This password is entirely numeric."),
    ],
)
def test_weak_password_is_refused_on_the_password_field(password, message):
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, username="new.person", password=password)
    assert message in caught.value.message_dict["password"]
    assert not User.objects.filter(username="new.person").exists()


def test_password_like_the_username_is_refused():
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, username="marigona.krasniqi", password="marigona.krasniqi")
    assert "password" in caught.value.message_dict


def test_eleven_characters_are_refused_and_twelve_accepted():
    with pytest.raises(ValidationError):
        user_create(actor=None, username="eleven", password="Vq7#mZp2!Lk")
    user = user_create(actor=None, username="twelve", password="Vq7#mZp2!Lkx")
    assert user.check_password("Vq7#mZp2!Lkx")


def test_the_password_is_stored_hashed():
    user = user_create(actor=None, username="hashed", password="Vq7#mZp2!Lkx")
    assert (
        "Vq7#mZp2!Lkx"
        not in User.objects.filter(pk=user.pk).values_list("password", flat=True).get()
    )


def test_own_password_change_needs_the_current_password(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    response = client.post(
        "/accounts/profile/",
        {"pw-current_password": "Not-My-Password-1", "pw-new_password": "Fresh-Lemon-Tree-84"},
    )
    assert response.status_code == 400
    assert response.context["password_form"].errors["current_password"] == [
        "This is not your current password."
    ]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_own_password_change_applies_the_rules_on_the_new_password_field(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    response = client.post(
        "/accounts/profile/",
        {"pw-current_password": TEST_PASSWORD, "pw-new_password": "short-9"},
    )
    assert response.status_code == 400
    errors = response.context["password_form"].errors
    assert (
        "This password is too short. It must contain at least 12 characters."
        in (errors["new_password"])
    )
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_set").exists()


def test_own_password_change_keeps_the_session_and_is_audited(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    response = client.post(
        "/accounts/profile/",
        {"pw-current_password": TEST_PASSWORD, "pw-new_password": "Fresh-Lemon-Tree-84"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Fresh-Lemon-Tree-84")
    assert client.get("/accounts/profile/").status_code == 200
    entry = AuditEntry.objects.get(action="user.password_set")
    assert (entry.actor_id, entry.object_id) == (user.pk, str(user.pk))
    assert "Fresh-Lemon-Tree-84" not in repr(list(AuditEntry.objects.values()))


def test_nobody_else_may_set_a_users_password_without_the_admin_role():
    actor = member(Role.SUPERVISOR)
    victim = member(Role.CASE_WORKER)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_set_password(actor=actor, user=victim, password="Fresh-Lemon-Tree-84")
    victim.refresh_from_db()
    assert victim.check_password(TEST_PASSWORD)
    assert Membership.objects.filter(user=victim).exists()
