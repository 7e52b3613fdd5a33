"""Account lockout (django-axes): 5 failures lock the username for 30 minutes."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client

from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.testing.clock import frozen_clock
from palermo.testing.factories import TEST_PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
WRONG = "Not-The-Password-77"
LOCKED_MESSAGE = "Too many failed sign-in attempts"


def attempt(username: str, password: str, **client_kwargs) -> tuple[Client, object]:
    client = Client(**client_kwargs)
    return client, client.post(LOGIN, {"username": username, "password": password})


def fail(username: str, times: int) -> list[int]:
    return [attempt(username, WRONG)[1].status_code for _ in range(times)]


def test_settings_are_five_failures_and_thirty_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME * 60 == 30
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]


def test_four_failures_do_not_lock_the_account():
    user = member(Role.ANALYST)
    assert fail(user.username, 4) == [400] * 4
    client, response = attempt(user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_locked_account_refuses_the_right_password():
    user = member(Role.ANALYST)
    statuses = fail(user.username, 5)
    assert statuses[:4] == [400] * 4
    assert statuses[4] == 429  # the fifth failure is the one that locks
    client, response = attempt(user.username, TEST_PASSWORD)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_follows_the_username_not_the_browser_or_address():
    user = member(Role.ANALYST)
    fail(user.username, 5)
    _client, response = attempt(
        user.username, TEST_PASSWORD, REMOTE_ADDR="10.9.8.7", HTTP_USER_AGENT="Another/1.0"
    )
    assert response.status_code == 429


def test_lockout_of_one_username_does_not_lock_a_colleague_behind_the_same_address():
    locked = member(Role.ANALYST)
    colleague = member(Role.ANALYST)
    fail(locked.username, 5)
    client, response = attempt(colleague.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_lockout_ends_after_the_cool_off_time():
    user = member(Role.ANALYST)
    with frozen_clock() as clock:
        fail(user.username, 5)
        clock.advance(minutes=29)
        assert attempt(user.username, TEST_PASSWORD)[1].status_code == 429
        # That refused attempt counted too: the 30 minutes start again from it.
        clock.advance(minutes=29)
        assert attempt(user.username, TEST_PASSWORD)[1].status_code == 429
        clock.advance(minutes=31)
        client, response = attempt(user.username, TEST_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_success_clears_earlier_failures():
    user = member(Role.ANALYST)
    fail(user.username, 4)
    attempt(user.username, TEST_PASSWORD)
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert fail(user.username, 4) == [400] * 4


def test_an_operator_can_unlock_an_account():
    user = member(Role.ANALYST)
    fail(user.username, 5)
    reset(username=user.username)
    assert attempt(user.username, TEST_PASSWORD)[1].status_code == 302


def test_failures_and_the_lockout_are_audited_without_username_or_password():
    user = member(Role.ANALYST, user=UserFactory(username="zebra.lockout"))
    fail(user.username, 5)
    attempt(user.username, TEST_PASSWORD)
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions.count("auth.password.failed") == 4
    assert actions.count("auth.locked.failed") == 2
    assert "auth.password.ok" not in actions
    trail = repr(list(AuditEntry.objects.values()))
    for secret in ("zebra.lockout", WRONG, TEST_PASSWORD):
        assert secret not in trail


def test_the_lockout_records_never_keep_the_typed_password():
    user = member(Role.ANALYST)
    fail(user.username, 5)
    attempt(user.username, TEST_PASSWORD)
    stored = repr(list(AccessAttempt.objects.values()))
    assert WRONG not in stored
    assert TEST_PASSWORD not in stored
