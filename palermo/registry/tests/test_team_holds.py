"""``CaseTeamMember.beyond_hold``: the cases a member opens through the team alone.

Lists find those cases by the flag, so a flag left False where the member's institution no
longer holds the case would hide it from them: each write that changes access or the team
keeps it, and these tests check it after each.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from palermo.core.roles import Capability, Role
from palermo.registry.access import visible_cases
from palermo.registry.models import CaseTeamMember
from palermo.registry.services import case_transfer, team_add, team_remove
from palermo.registry.services.holds import refresh_team_holds
from palermo.testing.factories import InstitutionFactory, member

from .factories import institution_of, register, registrar

pytestmark = pytest.mark.django_db


def flags(case) -> dict[str, bool]:
    return {
        row.user.username: row.beyond_hold
        for row in CaseTeamMember.objects.filter(case=case, removed_at__isnull=True)
    }


def listed(client) -> list:
    return [row.case.pk for row in client.get("/registry/cases/").context["rows"]]


@pytest.fixture
def shared_case():
    """A police case with a shelter case worker on its team (the shelter holds nothing)."""
    police_user = registrar()
    case = register(police_user)
    supervisor = member(Role.SUPERVISOR, institution=institution_of(police_user))
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    worker = member(Role.CASE_WORKER, institution=shelter)
    row = team_add(actor=supervisor, case=case, user=worker, institution=shelter)
    return case, police_user, supervisor, worker, row


def test_a_member_from_another_institution_opens_the_case_through_the_team(client_for, shared_case):
    case, police_user, _supervisor, worker, _row = shared_case
    assert flags(case) == {police_user.username: False, worker.username: True}
    assert listed(client_for(worker)) == [case.pk]
    assert client_for(worker).get(f"/registry/cases/{case.pk}/").status_code == 200


def test_the_flag_follows_the_lead_when_the_case_is_transferred(client_for, shared_case):
    case, police_user, supervisor, worker, _row = shared_case
    shelter = institution_of(worker)
    case_transfer(
        actor=supervisor, case=case, to_institution=shelter, reason="The shelter leads the case"
    )
    assert flags(case) == {police_user.username: False, worker.username: False}
    other = InstitutionFactory(capabilities=(Capability.SERVICE_PROVIDER,))
    shelter_lead = member(Role.SUPERVISOR, institution=shelter)
    case.refresh_from_db()
    case_transfer(
        actor=shelter_lead, case=case, to_institution=other, reason="Another provider takes it over"
    )
    # The shelter's lead was revoked: its member is back to seeing the case by the team.
    assert flags(case) == {police_user.username: False, worker.username: True}
    assert listed(client_for(worker)) == [case.pk]


def test_a_removed_member_no_longer_lists_the_case(client_for, shared_case):
    case, _police_user, supervisor, worker, row = shared_case
    team_remove(actor=supervisor, case=case, member=row)
    assert listed(client_for(worker)) == []
    assert list(visible_cases(worker)) == []


def test_refreshing_repairs_wrong_flags_and_writes_only_those(shared_case):
    case, police_user, _supervisor, worker, _row = shared_case
    CaseTeamMember.objects.update(beyond_hold=False)
    CaseTeamMember.objects.filter(user=police_user).update(beyond_hold=True)
    assert refresh_team_holds([case.pk]) == 2
    assert flags(case) == {police_user.username: False, worker.username: True}
    assert refresh_team_holds() == 0


def test_the_migration_flags_the_rows_it_finds(shared_case):
    case, police_user, _supervisor, worker, _row = shared_case
    CaseTeamMember.objects.update(beyond_hold=False)  # as the column's default leaves them
    migration = importlib.import_module("palermo.registry.migrations.0008_team_beyond_hold")
    migration.flag_team_rows_beyond_hold(apps, None)
    assert flags(case) == {police_user.username: False, worker.username: True}
