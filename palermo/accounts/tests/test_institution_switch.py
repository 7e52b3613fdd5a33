"""A user with several institutions acts as one at a time and switches between them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from palermo.accounts.models import User
from palermo.core.access import ensure_can
from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role, Section
from palermo.testing.factories import InstitutionFactory, member

pytestmark = pytest.mark.django_db

SWITCH = "/accounts/institution/"


@pytest.fixture
def two_hats():
    """Case worker at a shelter, auditor at the coordinator's office (its first institution)."""
    shelter = InstitutionFactory(name="Shelter Shpresa", capabilities=[Capability.SHELTER])
    office = InstitutionFactory(name="Coordination Office", capabilities=[Capability.COORDINATION])
    user = member(Role.AUDITOR, institution=office)
    member(Role.CASE_WORKER, institution=shelter, user=user)
    return user, office, shelter


def principal_after(response):
    return response.wsgi_request.user.principal


def test_user_starts_as_their_last_institution(client_for, two_hats):
    user, office, _shelter = two_hats
    response = client_for(user).get("/")
    principal = principal_after(response)
    assert principal.institution_id == office.pk
    assert principal.roles == {Role.AUDITOR}
    assert principal.capabilities == {Capability.COORDINATION}
    assert "You are acting as Coordination Office." in response.content.decode()


def test_switching_gives_the_other_institutions_roles_and_capabilities(client_for, two_hats):
    user, office, shelter = two_hats
    client = client_for(user)
    response = client.post(SWITCH, {"institution": shelter.pk})
    assert response.status_code == 302
    response = client.get("/")
    principal = principal_after(response)
    assert principal.institution_id == shelter.pk
    assert principal.roles == {Role.CASE_WORKER}
    assert principal.capabilities == {Capability.SHELTER}
    assert principal.institution_ids == {office.pk, shelter.pk}
    assert "You are acting as Shelter Shpresa." in response.content.decode()
    # What they may do follows: the case worker reads health, the auditor does not.
    acting = response.wsgi_request.user
    ensure_can(acting, "person.read", section=Section.HEALTH)
    with pytest.raises(PermissionDenied):
        ensure_can(acting, "audit.read")
    assert client.get("/audit/").status_code == 403


def test_switch_is_audited_as_the_new_institution(client_for, two_hats):
    user, _office, shelter = two_hats
    client_for(user).post(SWITCH, {"institution": shelter.pk})
    entry = AuditEntry.objects.get(action="institution.switched")
    assert entry.actor_id == user.pk
    assert entry.institution_id == shelter.pk
    assert entry.ids == [str(shelter.pk)]


def test_switch_is_remembered_for_the_next_sign_in(client_for, two_hats):
    user, _office, shelter = two_hats
    client_for(user).post(SWITCH, {"institution": shelter.pk})
    fresh = User.objects.get(pk=user.pk)
    assert fresh.last_institution_id == shelter.pk
    assert fresh.principal.institution_id == shelter.pk


def test_switch_returns_to_the_page_the_user_was_on(client_for, two_hats):
    user, _office, shelter = two_hats
    response = client_for(user).post(SWITCH, {"institution": shelter.pk, "next": "/institutions/"})
    assert response.url == "/institutions/"
    response = client_for(user).post(
        SWITCH, {"institution": shelter.pk, "next": "https://evil.example/"}
    )
    assert response.url == "/"


def test_user_cannot_switch_to_an_institution_they_do_not_belong_to(client_for, two_hats):
    user, office, _shelter = two_hats
    stranger = InstitutionFactory(capabilities=[Capability.LAW_ENFORCEMENT])
    member(Role.INVESTIGATOR, institution=stranger)
    client = client_for(user)
    response = client.post(SWITCH, {"institution": stranger.pk}, follow=True)
    assert "You are not a member of that institution." in response.content.decode()
    principal = principal_after(client.get("/"))
    assert principal.institution_id == office.pk
    assert Role.INVESTIGATOR not in principal.roles
    assert User.objects.get(pk=user.pk).last_institution_id == office.pk
    assert not AuditEntry.objects.filter(action="institution.switched").exists()


def test_session_cannot_be_pointed_at_a_foreign_institution(client_for, two_hats):
    """Even a forged session value only selects among the user's own memberships."""
    user, office, _shelter = two_hats
    stranger = InstitutionFactory()
    client = client_for(user)
    session = client.session
    session["palermo_institution"] = stranger.pk
    session.save()
    principal = principal_after(client.get("/"))
    assert principal.institution_id == office.pk


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_malformed_switch_is_refused(client_for, two_hats, value):
    user, office, _shelter = two_hats
    client = client_for(user)
    response = client.post(SWITCH, {"institution": value}, follow=True)
    assert response.status_code == 200
    assert "You are not a member of that institution." in response.content.decode()
    assert principal_after(client.get("/")).institution_id == office.pk


def test_user_cannot_switch_to_an_inactive_institution(client_for, two_hats):
    user, office, shelter = two_hats
    shelter.active = False
    shelter.save()
    client = client_for(user)
    client.post(SWITCH, {"institution": shelter.pk})
    assert principal_after(client.get("/")).institution_id == office.pk


def test_switching_needs_a_post(client_for, two_hats):
    user, _office, shelter = two_hats
    response = client_for(user).get(SWITCH, {"institution": shelter.pk})
    assert response.status_code == 405


def test_switcher_lists_only_the_users_institutions(client_for, two_hats):
    user, office, shelter = two_hats
    other = InstitutionFactory(name="Somebody Else Unit")
    html = client_for(user).get("/").content.decode()
    assert f'value="{shelter.pk}"' in html
    assert f'value="{office.pk}"' in html
    assert other.name not in html


def test_switch_takes_effect_in_a_session_begun_at_the_login_page(two_hats):
    """A real sign-in stores the starting institution in the session; the switch must
    replace it there, not only in the user's row."""
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palermo.testing.factories import TEST_PASSWORD
    from palermo.testing.otp import totp_code

    user, office, shelter = two_hats
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    client.post(
        "/accounts/login/verify/", {"otp_token": totp_code(TOTPDevice.objects.get(user=user))}
    )
    assert principal_after(client.get("/")).institution_id == office.pk
    client.post(SWITCH, {"institution": shelter.pk})
    assert principal_after(client.get("/")).institution_id == shelter.pk
    client.post(SWITCH, {"institution": office.pk})
    assert principal_after(client.get("/")).institution_id == office.pk
