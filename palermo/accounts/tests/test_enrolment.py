"""Enrolling an authenticator app, recovery codes, and an administrator's reset."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.testing.factories import TEST_PASSWORD, member
from palermo.testing.otp import PENDING_KEY, b32_of, pending_key, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
SETUP = "/accounts/login/setup-2fa/"
DASHBOARD = "/"


def signed_in_without_device(role: str = Role.CASE_WORKER) -> tuple[Client, object]:
    user = member(role, totp=False)
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    return client, user


def test_setup_page_shows_a_qr_code_and_the_secret_of_the_pending_key():
    client, _user = signed_in_without_device()
    response = client.get(SETUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html  # inline, no image request
    secret_shown = re.search(r'<code id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', html).group(1)
    assert secret_shown.replace(" ", "") == b32_of(pending_key(client)).rstrip("=")
    assert not TOTPDevice.objects.exists()  # nothing stored before it is confirmed


def test_each_visit_to_the_setup_page_offers_a_new_secret():
    client, _user = signed_in_without_device()
    client.get(SETUP)
    first = pending_key(client)
    client.get(SETUP)
    assert pending_key(client) != first


def test_valid_code_confirms_the_device_and_shows_ten_recovery_codes_once():
    client, user = signed_in_without_device()
    client.get(SETUP)
    key = pending_key(client)
    response = client.post(SETUP, {"otp_token": totp_code(key)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    html = response.content.decode()
    assert all(code in html for code in codes)

    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == key
    assert sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == (sorted(codes))
    assert PENDING_KEY not in client.session
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(DASHBOARD).status_code == 200
    entry = AuditEntry.objects.get(action="2fa.enrolled")
    assert entry.actor_id == user.pk
    # The codes are not shown again anywhere.
    profile = client.get("/accounts/profile/").content.decode()
    assert not any(code in profile for code in codes)


def test_wrong_code_at_enrolment_is_refused_on_the_field_and_keeps_the_secret():
    client, user = signed_in_without_device()
    client.get(SETUP)
    key = pending_key(client)
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"otp_token": wrong})
    assert response.status_code == 400
    assert response.context["form"].errors["otp_token"] == [
        "That code is not valid. Check your phone's clock."
    ]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="2fa.enrolled").exists()
    # The user tries again with the same secret scanned into their app.
    assert pending_key(client) == key
    assert client.post(SETUP, {"otp_token": totp_code(key)}).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


def test_enrolment_cannot_confirm_a_secret_chosen_by_the_browser():
    """The secret comes from the session, never from what the form posts."""
    client, user = signed_in_without_device()
    client.get(SETUP)
    chosen = "00" * 20
    client.post(SETUP, {"otp_token": totp_code(chosen), "key": chosen})
    assert not TOTPDevice.objects.filter(user=user, key=chosen).exists()


def test_user_with_a_device_cannot_enrol_another_before_verifying():
    """Someone who knows only the password cannot replace the owner's authenticator."""
    user = member(Role.CASE_WORKER)
    original = TOTPDevice.objects.get(user=user)
    client = Client()
    client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url == VERIFY
    attacker_key = "11" * 20
    session = client.session
    session[PENDING_KEY] = attacker_key
    session.save()
    response = client.post(SETUP, {"otp_token": totp_code(attacker_key)})
    assert response.url == VERIFY
    assert list(TOTPDevice.objects.filter(user=user)) == [original]


def test_recovery_code_from_enrolment_signs_in_once():
    client, user = signed_in_without_device()
    client.get(SETUP)
    codes = client.post(SETUP, {"otp_token": totp_code(pending_key(client))}).context["codes"]
    client.post("/accounts/logout/")

    again = Client()
    again.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert again.post(VERIFY, {"otp_token": codes[0]}).status_code == 302
    assert again.get(DASHBOARD).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    third = Client()
    third.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert third.post(VERIFY, {"otp_token": codes[0]}).status_code == 400
    assert third.get(DASHBOARD).url == VERIFY


def test_new_recovery_codes_replace_the_old_ones(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    old = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    old.token_set.create(token="oldcode1")
    response = client.post("/accounts/profile/recovery-codes/")
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    tokens = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert tokens == set(codes)
    assert AuditEntry.objects.filter(
        action="2fa.recovery_codes_regenerated", actor_id=user.pk
    ).exists()


def test_admin_reset_removes_the_second_factor_and_the_user_enrols_again(client_for):
    admin = client_for(Role.ADMIN)
    user = member(Role.CASE_WORKER)
    StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    users_client = client_for(user)
    assert users_client.get(DASHBOARD).status_code == 200

    response = admin.post(f"/accounts/users/{user.pk}/reset-2fa/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="2fa.reset")
    assert (entry.actor_id, entry.object_id) == (admin.user.pk, str(user.pk))
    # The open session loses its verified state with the device.
    assert users_client.get(DASHBOARD).url == SETUP


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_only_an_admin_may_reset_a_second_factor(client_for, role):
    user = member(Role.CASE_WORKER)
    response = client_for(role).post(f"/accounts/users/{user.pk}/reset-2fa/")
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEntry.objects.filter(action="2fa.reset").exists()
