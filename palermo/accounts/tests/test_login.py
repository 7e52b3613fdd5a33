"""Signing in: the password step, the second-factor gate and what the audit trail keeps."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.models import AuditEntry
from palermo.core.roles import SECOND_FACTOR_ROLES, Role
from palermo.testing.factories import TEST_PASSWORD, UserFactory, member
from palermo.testing.otp import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/login/setup-2fa/"
DASHBOARD = "/"


def password_step(client: Client, username: str, password: str = TEST_PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def audit_text() -> str:
    """Everything the trail holds, as one string, to look for what must not be there."""
    return repr(list(AuditEntry.objects.values()))


# --- the password step ---------------------------------------------------------------


def test_login_page_is_public_and_asks_for_username_and_password():
    response = Client().get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()
    assert 'name="password"' in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login_page():
    response = Client().get("/accounts/profile/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_right_password_signs_in_and_is_audited_with_the_user_id_only():
    user = member(Role.CASE_WORKER, user=UserFactory(username="zebra.casework"))
    client = Client()
    response = password_step(client, "zebra.casework")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    entry = AuditEntry.objects.get(action="auth.password.ok")
    assert entry.actor_id == user.pk
    assert entry.object_id == str(user.pk)
    assert "zebra.casework" not in audit_text()
    assert TEST_PASSWORD not in audit_text()


def test_wrong_password_is_refused_with_a_message_and_audited_without_what_was_typed():
    member(Role.CASE_WORKER, user=UserFactory(username="zebra.typist"))
    client = Client()
    response = password_step(client, "zebra.typist", "Wrong-Guess-Of-Mine-42")
    assert response.status_code == 400
    assert "The username or password is wrong." in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert actions() == ["auth.password.failed"]
    text = audit_text()
    assert "zebra.typist" not in text
    assert "Wrong-Guess-Of-Mine-42" not in text


def test_unknown_username_gets_the_same_answer_as_a_wrong_password():
    member(Role.CASE_WORKER, user=UserFactory(username="zebra.known"))
    known = password_step(Client(), "zebra.known", "Wrong-Guess-Of-Mine-42")
    unknown = password_step(Client(), "zebra.nobody", "Wrong-Guess-Of-Mine-42")
    assert known.status_code == unknown.status_code == 400
    message = "The username or password is wrong."
    assert message in known.content.decode()
    assert message in unknown.content.decode()


def test_deactivated_user_cannot_sign_in():
    user = member(Role.CASE_WORKER)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client = Client()
    response = password_step(client, user.username)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_login_does_not_redirect_to_another_site():
    user = member(Role.ANALYST)
    response = password_step(Client(), user.username, next="https://evil.example/steal")
    assert response.status_code == 302
    assert response.url == DASHBOARD


def test_login_follows_a_local_next_url():
    user = member(Role.ANALYST)
    response = password_step(Client(), user.username, next="/institutions/")
    assert response.url == "/institutions/"


def test_login_changes_the_session_key():
    """No session fixation: the key a visitor had before signing in is not the one after."""
    user = member(Role.ANALYST)
    client = Client()
    client.get(LOGIN)
    session = client.session
    session["probe"] = "x"
    session.save()
    before = session.session_key
    password_step(client, user.username)
    assert client.session.session_key != before


def test_logout_needs_a_post_and_ends_the_session():
    user = member(Role.ANALYST)
    client = Client()
    password_step(client, user.username)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "auth.logout.ok" in actions()


# --- the second-factor gate ----------------------------------------------------------


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR_ROLES))
def test_role_reading_personal_data_is_sent_to_verify_for_any_page(role):
    user = member(role)  # has a confirmed authenticator
    client = Client()
    assert password_step(client, user.username).status_code == 302
    for path in (DASHBOARD, "/accounts/profile/", "/institutions/", "/accounts/users/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == VERIFY, path


def test_user_without_a_device_is_sent_to_enrol():
    user = member(Role.SUPERVISOR, totp=False)
    client = Client()
    password_step(client, user.username)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == SETUP
    # ... and cannot skip enrolment by going to the verify step either.
    assert client.get(VERIFY).url == SETUP


def test_unconfirmed_device_does_not_count_as_a_second_factor():
    user = member(Role.SUPERVISOR, totp=False)
    TOTPDevice.objects.create(user=user, name="half set up", confirmed=False)
    client = Client()
    password_step(client, user.username)
    assert client.get(DASHBOARD).url == SETUP


def test_htmx_request_gets_an_hx_redirect_instead_of_the_page():
    user = member(Role.INVESTIGATOR)
    client = Client()
    password_step(client, user.username)
    response = client.get("/institutions/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == VERIFY
    assert response.status_code == 204
    assert response.content == b""


def test_unverified_user_may_still_sign_out():
    user = member(Role.INVESTIGATOR)
    client = Client()
    password_step(client, user.username)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == LOGIN


def test_role_inherited_from_a_second_institution_also_needs_the_second_factor():
    """An analyst who is also a case worker elsewhere reads personal data: no exemption."""
    user = member(Role.ANALYST, totp=False)
    member(Role.CASE_WORKER, user=user, totp=False)
    client = Client()
    password_step(client, user.username)
    assert client.get(DASHBOARD).url == SETUP


@pytest.mark.parametrize(
    "roles", [(Role.ANALYST,), (Role.TRAINER,), (Role.ANALYST, Role.TRAINER)], ids=str
)
def test_analyst_or_trainer_only_user_is_not_forced_to_enrol(roles):
    user = member(roles, totp=False)
    client = Client()
    password_step(client, user.username)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- the verify step -----------------------------------------------------------------


def test_current_code_passes_the_verify_step_and_is_audited():
    user = member(Role.CASE_WORKER)
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    password_step(client, user.username)
    response = client.post(VERIFY, {"otp_token": totp_code(device)})
    assert response.status_code == 302
    assert response.url == DASHBOARD
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(DASHBOARD).status_code == 200
    assert actions() == ["auth.password.ok", "auth.second_factor.ok"]


def test_code_with_spaces_as_apps_show_it_is_accepted():
    user = member(Role.CASE_WORKER)
    code = totp_code(TOTPDevice.objects.get(user=user))
    client = Client()
    password_step(client, user.username)
    response = client.post(VERIFY, {"otp_token": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def test_wrong_code_is_refused_with_a_message_on_the_field_and_audited():
    user = member(Role.CASE_WORKER)
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    password_step(client, user.username)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(VERIFY, {"otp_token": wrong})
    assert response.status_code == 400
    assert response.context["form"].errors["otp_token"] == [
        "That code is not valid. Try the current one."
    ]
    assert 'id="id_otp_token_error"' in response.content.decode()
    assert client.get(DASHBOARD).url == VERIFY
    entry = AuditEntry.objects.get(action="auth.second_factor.failed")
    assert entry.actor_id == user.pk
    assert (entry.ids, entry.fields) == ([], [])  # nothing of what was typed


def test_a_code_from_another_users_app_is_refused():
    user = member(Role.CASE_WORKER)
    other = member(Role.CASE_WORKER)
    client = Client()
    password_step(client, user.username)
    response = client.post(VERIFY, {"otp_token": totp_code(TOTPDevice.objects.get(user=other))})
    assert response.status_code == 400
    assert client.get(DASHBOARD).url == VERIFY


def test_a_code_cannot_be_used_twice():
    user = member(Role.CASE_WORKER)
    device = TOTPDevice.objects.get(user=user)
    code = totp_code(device)
    first = Client()
    password_step(first, user.username)
    assert first.post(VERIFY, {"otp_token": code}).status_code == 302
    second = Client()
    password_step(second, user.username)
    response = second.post(VERIFY, {"otp_token": code})
    assert response.status_code == 400
    assert second.get(DASHBOARD).url == VERIFY


def test_verify_step_needs_the_password_step_first():
    response = Client().post(VERIFY, {"otp_token": "123456"})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_dashboard_after_both_steps_names_the_institution_acted_as():
    user = member(Role.CASE_WORKER)
    institution = user.memberships.get().institution
    client = Client()
    password_step(client, user.username)
    client.post(VERIFY, {"otp_token": totp_code(TOTPDevice.objects.get(user=user))})
    response = client.get(DASHBOARD)
    assert f"You are acting as {institution.name}." in response.content.decode()


def test_recovery_codes_are_offered_at_the_verify_step_and_each_works_once():
    user = member(Role.CASE_WORKER)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    device.token_set.create(token="abcd2345")
    device.token_set.create(token="efgh6789")
    client = Client()
    password_step(client, user.username)
    response = client.post(VERIFY, {"otp_token": "abcd2345"}, follow=True)
    assert response.status_code == 200
    assert "You used a recovery code; 1 are left." in response.content.decode()
    assert list(device.token_set.values_list("token", flat=True)) == ["efgh6789"]

    again = Client()
    password_step(again, user.username)
    refused = again.post(VERIFY, {"otp_token": "abcd2345"})
    assert refused.status_code == 400
    assert "otp_token" in refused.context["form"].errors


def test_guessing_codes_is_slowed_down():
    """After each wrong code even the right one must wait, twice as long each time:
    six digits cannot be tried at speed."""
    from palermo.testing.clock import frozen_clock

    user = member(Role.CASE_WORKER)
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(totp_code(device)) + 7) % 1_000_000:06d}"
    client = Client()
    password_step(client, user.username)
    with frozen_clock() as clock:
        client.post(VERIFY, {"otp_token": wrong})  # wait 1 s
        assert client.post(VERIFY, {"otp_token": totp_code(device)}).status_code == 400
        clock.advance(seconds=1.5)
        client.post(VERIFY, {"otp_token": wrong})  # wait 2 s
        clock.advance(seconds=1.5)
        assert client.post(VERIFY, {"otp_token": totp_code(device)}).status_code == 400
        clock.advance(seconds=1)
        assert client.post(VERIFY, {"otp_token": totp_code(device)}).status_code == 302
    assert AuditEntry.objects.filter(action="auth.second_factor.failed").count() == 4


def test_a_code_from_minutes_ago_is_refused():
    user = member(Role.CASE_WORKER)
    device = TOTPDevice.objects.get(user=user)
    client = Client()
    password_step(client, user.username)
    response = client.post(VERIFY, {"otp_token": totp_code(device, offset_steps=-4)})
    assert response.status_code == 400
