"""Personal API tokens: issued once, stored hashed, refused as soon as they should be."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from palermo.accounts.models import ApiToken, Membership
from palermo.accounts.services import memberships_set, user_update
from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.testing.clock import frozen_clock
from palermo.testing.factories import InstitutionFactory, UserFactory, member

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
PROFILE = "/accounts/profile/"


def create_on_profile(client: Client, name: str = "reporting script", days: int = 30) -> str:
    response = client.post(PROFILE, {"token-name": name, "token-days": days})
    assert response.status_code == 200
    return response.context["new_token"]


def issue(username: str, *args: str) -> str:
    out = StringIO()
    call_command("issue_token", username, *args, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


def api(path: str, token: str | None = None, **headers: str):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return Client().get(path, headers=headers)


def assert_refused(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "detail": "A valid token is required (Authorization: Bearer <token>)."
    }
    assert response["WWW-Authenticate"] == "Bearer"


def table_dump() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        return repr(cursor.fetchall())


# --- issuing -------------------------------------------------------------------------


def test_token_created_on_the_profile_is_shown_once_and_stored_only_as_a_hash(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    secret = create_on_profile(client)
    assert secret.startswith("plm_")
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in table_dump()
    assert secret.split("_", 2)[2] not in table_dump()
    assert secret not in client.get(PROFILE).content.decode()
    assert secret not in repr(list(AuditEntry.objects.values()))
    entry = AuditEntry.objects.get(action="token.issued")
    assert (entry.actor_id, entry.object_id) == (user.pk, str(token.pk))


def test_profile_token_acts_as_the_active_institution(client_for):
    first = InstitutionFactory(capabilities=[Capability.SHELTER])
    second = InstitutionFactory(capabilities=[Capability.SERVICE_PROVIDER])
    user = member(Role.CASE_WORKER, institution=first)
    member(Role.SUPERVISOR, institution=second, user=user)
    client = client_for(user)
    client.post("/accounts/institution/", {"institution": second.pk})
    secret = create_on_profile(client)
    assert ApiToken.objects.get(user=user).institution_id == second.pk
    body = api(ME, secret).json()
    assert body["active_institution"]["id"] == second.pk
    assert body["roles"] == [Role.SUPERVISOR]


@pytest.mark.parametrize("days", [0, 366])
def test_token_lifetime_is_limited_and_refused_on_the_days_field(client_for, days):
    user = member(Role.CASE_WORKER)
    response = client_for(user).post(PROFILE, {"token-name": "x", "token-days": days})
    assert response.status_code == 400
    assert "days" in response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_issue_token_command_prints_the_token_alone_on_its_last_line():
    user = member(Role.INVESTIGATOR, user=UserFactory(username="cli.user"))
    out = StringIO()
    call_command("issue_token", "cli.user", "--days", "7", stdout=out)
    lines = out.getvalue().rstrip("\n").splitlines()
    secret = lines[-1]
    assert re.fullmatch(r"plm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", secret)
    assert secret not in "\n".join(lines[:-1])
    token = ApiToken.objects.get(user=user)
    assert token.expires_at - timezone.now() == pytest.approx(
        timedelta(days=7), abs=timedelta(minutes=1)
    )
    assert secret not in table_dump()
    assert api(ME, secret).json()["username"] == "cli.user"
    entry = AuditEntry.objects.get(action="token.issued")
    assert entry.channel == "cli"
    assert entry.actor_id is None


def test_issue_token_command_can_choose_one_of_the_users_institutions():
    home = InstitutionFactory(code="home-unit")
    other = InstitutionFactory(code="other-unit")
    user = member(Role.INVESTIGATOR, institution=home)
    member(Role.REGISTRAR, institution=other, user=user)
    secret = issue(user.username, "--institution", "other-unit")
    assert api(ME, secret).json()["active_institution"]["code"] == "other-unit"


def test_issue_token_command_refuses_bad_requests():
    user = member(Role.INVESTIGATOR)
    InstitutionFactory(code="not-mine")
    with pytest.raises(CommandError, match="No active user"):
        issue("nobody.here")
    with pytest.raises(CommandError, match="is not a member of"):
        issue(user.username, "--institution", "not-mine")
    with pytest.raises(CommandError, match="between 1 and 365 days"):
        issue(user.username, "--days", "0")
    no_roles = UserFactory()
    with pytest.raises(CommandError):
        issue(no_roles.username)
    user.is_active = False
    user.save()
    with pytest.raises(CommandError, match="No active user"):
        issue(user.username)
    assert not ApiToken.objects.exists()


# --- using ---------------------------------------------------------------------------


def test_me_answers_username_institution_and_roles():
    institution = InstitutionFactory(code="csw-a", name="Centre A")
    user = member(
        (Role.REGISTRAR, Role.CASE_WORKER),
        institution=institution,
        user=UserFactory(username="token.user"),
    )
    secret = issue(user.username)
    response = api(ME, secret)
    assert response.status_code == 200
    assert response.json() == {
        "username": "token.user",
        "active_institution": {"id": institution.pk, "code": "csw-a", "name": "Centre A"},
        "roles": [Role.REGISTRAR, Role.CASE_WORKER],
    }


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Token plm_000000000000_abc",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-token",
        "Bearer plm_000000000000_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ],
)
def test_missing_or_malformed_token_gets_401_json_never_a_redirect(header):
    member(Role.CASE_WORKER)
    headers = {} if header is None else {"Authorization": header}
    assert_refused(Client().get(ME, headers=headers))
    assert_refused(Client().get("/api/v1/institutions", headers=headers))


def test_a_tampered_token_is_refused():
    user = member(Role.CASE_WORKER)
    secret = issue(user.username)
    tampered = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    assert_refused(api(ME, tampered))


def test_a_signed_in_browser_session_is_not_an_api_credential(client_for):
    client = client_for(Role.CASE_WORKER)
    response = client.get(ME)
    assert_refused(response)


def test_expired_token_is_refused():
    user = member(Role.CASE_WORKER)
    secret = issue(user.username, "--days", "1")
    assert api(ME, secret).status_code == 200
    with frozen_clock() as clock:
        clock.advance(days=1, seconds=1)
        assert_refused(api(ME, secret))


def test_token_stops_working_when_the_user_is_deactivated():
    admin = member(Role.ADMIN)
    user = member(Role.CASE_WORKER)
    secret = issue(user.username)
    user_update(
        actor=admin, user=user, email=user.email, first_name="A", last_name="B", is_active=False
    )
    assert_refused(api(ME, secret))


def test_token_stops_working_when_the_membership_of_its_institution_goes():
    admin = member(Role.ADMIN)
    first = InstitutionFactory()
    second = InstitutionFactory()
    user = member(Role.CASE_WORKER, institution=first)
    member(Role.CASE_WORKER, institution=second, user=user)
    secret = issue(user.username)  # acts as the first institution
    memberships_set(actor=admin, user=user, institution=first, roles=[])
    assert Membership.objects.filter(user=user).count() == 1
    assert_refused(api(ME, secret))


def test_token_stops_working_when_its_institution_is_deactivated():
    institution = InstitutionFactory()
    user = member(Role.CASE_WORKER, institution=institution)
    secret = issue(user.username)
    institution.active = False
    institution.save()
    assert_refused(api(ME, secret))


def test_token_follows_role_changes_in_its_institution():
    admin = member(Role.ADMIN)
    institution = InstitutionFactory()
    user = member(Role.CASE_WORKER, institution=institution)
    secret = issue(user.username)
    memberships_set(actor=admin, user=user, institution=institution, roles=[Role.REGISTRAR])
    assert api(ME, secret).json()["roles"] == [Role.REGISTRAR]


def test_using_a_token_records_when_it_was_last_used():
    user = member(Role.CASE_WORKER)
    secret = issue(user.username)
    assert ApiToken.objects.get().last_used_at is None
    api(ME, secret)
    assert ApiToken.objects.get().last_used_at is not None


# --- revoking ------------------------------------------------------------------------


def test_revoking_from_the_profile_stops_the_token_and_is_audited(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    secret = create_on_profile(client)
    token = ApiToken.objects.get(user=user)
    assert api(ME, secret).status_code == 200
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_refused(api(ME, secret))
    entry = AuditEntry.objects.get(action="token.revoked")
    assert (entry.actor_id, entry.object_id) == (user.pk, str(token.pk))
    assert "revoked" in client.get(PROFILE).content.decode()


def test_revoking_needs_a_post(client_for):
    user = member(Role.CASE_WORKER)
    client = client_for(user)
    create_on_profile(client)
    token = ApiToken.objects.get(user=user)
    assert client.get(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_user_cannot_revoke_someone_elses_token(client_for):
    owner = member(Role.CASE_WORKER)
    secret = issue(owner.username)
    token = ApiToken.objects.get(user=owner)
    for intruder in (Role.CASE_WORKER, Role.ADMIN):
        response = client_for(intruder).post(f"/accounts/profile/tokens/{token.pk}/revoke/")
        assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api(ME, secret).status_code == 200
    assert not AuditEntry.objects.filter(action="token.revoked").exists()


def test_profile_lists_only_the_users_own_tokens(client_for):
    owner = member(Role.CASE_WORKER)
    issue(owner.username, "--name", "owner-secret-integration")
    other = client_for(Role.CASE_WORKER)
    assert "owner-secret-integration" not in other.get(PROFILE).content.decode()
