"""Account services: each checks the actor, writes in one transaction with its audit entry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.accounts.models import ApiToken, Membership, User
from palermo.accounts.services import (
    institution_switch,
    memberships_set,
    second_factor_enrol,
    second_factor_reset,
    user_create,
    user_update,
)
from palermo.accounts.tokens import token_issue, token_revoke
from palermo.core.models import AuditEntry
from palermo.core.roles import SECOND_FACTOR_ROLES, Role
from palermo.testing.factories import InstitutionFactory, UserFactory, member
from palermo.testing.otp import totp_code

pytestmark = pytest.mark.django_db

GOOD = "Plum-Orchard-Lantern-31"
NON_ADMIN = [r for r in Role.values if r != Role.ADMIN]


def nothing_written(call, exc=PermissionDenied):
    before = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    with pytest.raises(exc) as caught:
        call()
    after = (User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    assert after == before
    return caught.value


@pytest.mark.parametrize("role", NON_ADMIN)
def test_user_management_services_refuse_every_other_role(role):
    actor = member(role)
    subject = member(Role.CASE_WORKER)
    institution = InstitutionFactory()
    nothing_written(lambda: user_create(actor=actor, username="x.new", password=GOOD))
    nothing_written(
        lambda: memberships_set(
            actor=actor, user=subject, institution=institution, roles=[Role.ADMIN]
        )
    )
    nothing_written(
        lambda: memberships_set(
            actor=actor, user=actor, institution=institution, roles=[Role.ADMIN]
        )
    )
    nothing_written(
        lambda: user_update(
            actor=actor, user=subject, email="", first_name="", last_name="", is_active=False
        )
    )
    nothing_written(lambda: second_factor_reset(actor=actor, user=subject))
    assert TOTPDevice.objects.filter(user=subject).exists()


def test_a_deactivated_admin_can_do_nothing():
    admin = member(Role.ADMIN)
    admin.is_active = False
    admin.save()
    nothing_written(lambda: user_create(actor=admin, username="x.new", password=GOOD))


def test_unknown_role_is_refused():
    admin = member(Role.ADMIN)
    subject = member(Role.CASE_WORKER)
    error = nothing_written(
        lambda: memberships_set(
            actor=admin, user=subject, institution=InstitutionFactory(), roles=["overlord"]
        ),
        ValidationError,
    )
    assert "roles" in error.message_dict


def test_usernames_are_trimmed_and_checked_for_allowed_characters():
    user = user_create(actor=None, username="  spaced.out  ", password=GOOD)
    assert user.username == "spaced.out"
    for bad in ("two words", "semi;colon", "slash/name", "<b>x</b>"):
        error = nothing_written(
            lambda bad=bad: user_create(actor=None, username=bad, password=GOOD), ValidationError
        )
        assert "username" in error.message_dict


def test_user_create_audit_names_fields_never_values():
    admin = member(Role.ADMIN)
    user = user_create(
        actor=admin,
        username="quiet.person",
        password=GOOD,
        email="quiet@example.invalid",
        first_name="Teuta",
        last_name="Morina",
    )
    entry = AuditEntry.objects.get(action="user.created")
    assert entry.object_id == str(user.pk)
    trail = repr(list(AuditEntry.objects.values()))
    for value in ("quiet.person", "quiet@example.invalid", "Teuta", "Morina", GOOD):
        assert value not in trail


def test_switch_refuses_foreign_institutions_and_writes_nothing():
    user = member(Role.CASE_WORKER)
    foreign = InstitutionFactory()
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        institution_switch(actor=user, institution_id=foreign.pk)
    assert User.objects.get(pk=user.pk).last_institution_id != foreign.pk
    assert AuditEntry.objects.count() == before


def test_enrolment_with_a_wrong_code_leaves_no_device_behind():
    user = member(Role.CASE_WORKER, totp=False)
    key = "ab" * 20
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"
    with pytest.raises(ValidationError):
        second_factor_enrol(actor=user, key_hex=key, token=wrong)
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_enrolment_replaces_an_earlier_authenticator():
    user = member(Role.CASE_WORKER)
    old = TOTPDevice.objects.get(user=user)
    key = "cd" * 20
    device, codes = second_factor_enrol(actor=user, key_hex=key, token=totp_code(key))
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    assert device.pk is not None
    assert device.key != old.key
    assert len(codes) == 10


def test_token_is_issued_only_to_a_user_with_a_role():
    roleless = UserFactory()
    with pytest.raises(PermissionDenied):
        token_issue(actor=None, user=roleless, name="x", days=5)
    assert not ApiToken.objects.exists()


def test_only_an_admin_may_revoke_someone_elses_token_in_the_service():
    owner = member(Role.CASE_WORKER)
    token_issue(actor=owner, user=owner, name="x", days=5)
    token = ApiToken.objects.get()
    with pytest.raises(PermissionDenied):
        token_revoke(actor=member(Role.SUPERVISOR), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    token_revoke(actor=member(Role.ADMIN), token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("role", Role.values)
def test_who_needs_a_second_factor(role):
    assert member(role).needs_second_factor() is (role in SECOND_FACTOR_ROLES)


def test_everyone_but_analysts_and_trainers_needs_a_second_factor():
    assert set(Role.values) - SECOND_FACTOR_ROLES == {Role.ANALYST, Role.TRAINER}
