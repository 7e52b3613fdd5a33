"""The role × capability × action × section matrix, generated from the policy table and
checked through real users, memberships and institutions."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from palermo.core import policy
from palermo.core.access import ensure_can
from palermo.core.roles import ALL_CAPABILITIES, Capability, Role, Section
from palermo.testing.factories import member

CAPABILITY_SETS = [(), *[(c,) for c in Capability.values]]
CELLS = list(policy.POLICY.items())


@pytest.mark.parametrize("capabilities", CAPABILITY_SETS, ids=lambda c: "+".join(c) or "none")
@pytest.mark.parametrize("role", Role.values)
def test_every_cell_of_the_matrix(db, role, capabilities):
    """For this role in an institution with these capabilities, every (action, section)
    cell is allowed exactly when the table says so, through ensure_can on a real user."""
    user = member(role, capabilities=capabilities)
    mismatches = []
    for (action, section), rule in CELLS:
        expected = role in rule.roles and (
            rule.capabilities is None or bool(rule.capabilities & set(capabilities))
        )
        try:
            ensure_can(user, action, section=section)
            allowed = True
        except PermissionDenied:
            allowed = False
        if allowed != expected:
            mismatches.append((action, section, expected, allowed))
    assert mismatches == []


def test_the_table_names_only_known_roles_and_capabilities():
    for (action, section), rule in policy.POLICY.items():
        assert rule.roles <= set(Role.values), action
        assert rule.capabilities is None or rule.capabilities <= ALL_CAPABILITIES, action
        assert section in ("", *Section.values), action


def test_unknown_action_is_a_programming_error_not_a_silent_denial():
    with pytest.raises(policy.UnknownActionError):
        policy.allows({Role.ADMIN}, set(), "institution.manag")
    with pytest.raises(policy.UnknownActionError):
        policy.allows({"superhero"}, set(), "institution.manage")


@pytest.mark.parametrize("section", Section.values)
def test_admins_analysts_auditors_and_trainers_never_read_a_person(section):
    for role in (Role.ADMIN, Role.ANALYST, Role.AUDITOR, Role.TRAINER):
        assert not policy.allows({role}, ALL_CAPABILITIES, "person.read", section)


@pytest.mark.parametrize("section", Section.values)
def test_an_institution_without_capabilities_gets_no_personal_data(section):
    """An international partner's users see no record, whatever roles they are given."""
    assert not policy.allows(set(Role.values), set(), "person.read", section)
    assert not policy.allows(set(Role.values), set(), "person.break_glass")


def test_coordinator_oversight_is_metadata_only():
    caps = {Capability.COORDINATION}
    assert policy.allows({Role.COORDINATOR}, caps, "person.read", Section.METADATA)
    for section in set(Section.values) - {Section.METADATA}:
        assert not policy.allows({Role.COORDINATOR}, caps, "person.read", section), section


def test_only_case_workers_and_supervisors_read_locations_and_health():
    for section in (Section.LOCATION, Section.HEALTH):
        allowed = {
            r for r in Role.values if policy.allows({r}, ALL_CAPABILITIES, "person.read", section)
        }
        assert allowed == {Role.CASE_WORKER, Role.SUPERVISOR}


def test_only_auditors_read_the_audit_trail():
    allowed = {r for r in Role.values if policy.allows({r}, ALL_CAPABILITIES, "audit.read")}
    assert allowed == {Role.AUDITOR}


def test_a_user_without_membership_can_do_nothing(db):
    from palermo.testing.factories import UserFactory

    user = UserFactory()
    for (action, section), _rule in CELLS:
        with pytest.raises(PermissionDenied):
            ensure_can(user, action, section=section)


def test_roles_count_only_in_the_active_institution(db):
    """A user who is an auditor in one institution and a case worker in another acts with
    one set of roles at a time."""
    user = member(Role.AUDITOR)
    other = member(Role.CASE_WORKER, capabilities=(Capability.SERVICE_PROVIDER,), user=user)
    user.act_as(user.memberships.get(role=Role.AUDITOR).institution_id)
    ensure_can(user, "audit.read")
    with pytest.raises(PermissionDenied):
        ensure_can(user, "person.read", section=Section.HEALTH)
    other.act_as(other.memberships.get(role=Role.CASE_WORKER).institution_id)
    ensure_can(other, "person.read", section=Section.HEALTH)
    with pytest.raises(PermissionDenied):
        ensure_can(other, "audit.read")


def test_inactive_users_and_inactive_institutions_lose_every_right(db):
    user = member(Role.AUDITOR)
    user.is_active = False
    with pytest.raises(PermissionDenied):
        ensure_can(user, "audit.read")
    user.is_active = True
    institution = user.memberships.get().institution
    institution.active = False
    institution.save()
    user.act_as(None)
    with pytest.raises(PermissionDenied):
        ensure_can(user, "audit.read")


def test_access_matrix_document_is_current():
    call_command("access_matrix", "--check")
