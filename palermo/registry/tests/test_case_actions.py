"""Actions on a case or person page: unsealing, transferring the lead, relations between
persons and the case team, through the web views a user submits."""

from __future__ import annotations

import pytest
from django.http import Http404

from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.registry.models import CaseEvent, CaseTeamMember, CaseTransfer, PersonRelation
from palermo.registry.services import case_seal, relation_add, relation_end
from palermo.testing.factories import InstitutionFactory, member

from .factories import PERSONAL, institution_of, other_institution_user, register, registrar, share

pytestmark = pytest.mark.django_db

SEAL_REASON = "Official suspected of involvement"


def colleague(user, roles):
    return member(roles, institution=institution_of(user))


def case_url(case, action=""):
    return f"/registry/cases/{case.pk}/{action}"


def sealed_case():
    """A case sealed by its lead institution's supervisor, naming an investigator colleague."""
    alice = registrar()
    case = register(alice)
    supervisor = colleague(alice, Role.SUPERVISOR)
    named = colleague(alice, Role.INVESTIGATOR)
    case_seal(actor=supervisor, case=case, reason=SEAL_REASON, named_users=[named])
    return case, alice, supervisor, named


# --- unsealing --------------------------------------------------------------------------


def test_the_sealing_supervisor_unseals_and_the_holding_institution_sees_the_case_again(
    client_for,
):
    """After unsealing, a colleague who was not named opens the case; the auditor is told."""
    case, alice, supervisor, _named = sealed_case()
    worker = colleague(alice, Role.CASE_WORKER)
    assert client_for(worker).get(case_url(case)).status_code == 404
    response = client_for(supervisor).post(
        case_url(case, "unseal/"), {"reason": "The suspicion was cleared by the inquiry"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert not case.sealed
    worker_client = client_for(worker)
    assert worker_client.get(case_url(case)).status_code == 200
    assert case.reference in worker_client.get("/registry/cases/").content.decode()
    entry = AuditEntry.objects.get(action="case.unsealed", object_id=str(case.pk))
    assert entry.actor_id == supervisor.pk
    assert entry.flagged
    event = CaseEvent.objects.get(case=case, kind="unsealed")
    assert event.reason == "The suspicion was cleared by the inquiry"


def test_a_named_user_without_the_supervisor_role_cannot_unseal(client_for):
    """The investigator named on the seal sees the case but may not lift the seal."""
    case, _alice, _supervisor, named = sealed_case()
    response = client_for(named).post(
        case_url(case, "unseal/"), {"reason": "The suspicion was cleared by the inquiry"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.sealed
    assert not AuditEntry.objects.filter(action="case.unsealed").exists()


def test_a_supervisor_not_named_on_the_seal_gets_404_and_the_case_stays_sealed(client_for):
    case, alice, _supervisor, _named = sealed_case()
    other_supervisor = colleague(alice, Role.SUPERVISOR)
    response = client_for(other_supervisor).post(
        case_url(case, "unseal/"), {"reason": "The suspicion was cleared by the inquiry"}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.sealed
    assert AuditEntry.objects.filter(
        action="case.sealed_access_attempt", actor_id=other_supervisor.pk, flagged=True
    ).exists()


def test_unsealing_needs_a_reason_of_the_minimum_length(client_for):
    case, _alice, supervisor, _named = sealed_case()
    response = client_for(supervisor).post(case_url(case, "unseal/"), {"reason": "cleared"})
    assert response.status_code == 400
    assert "reason" in response.context["unseal_form"].errors
    case.refresh_from_db()
    assert case.sealed


def test_only_the_lead_institution_can_unseal(client_for):
    """Sealing is reserved to the lead institution's supervisor; so is lifting the seal."""
    alice = registrar()
    case = register(alice)
    lead_supervisor = colleague(alice, Role.SUPERVISOR)
    partner = InstitutionFactory(capabilities=PERSONAL)
    share(case, partner)
    partner_supervisor = member(Role.SUPERVISOR, institution=partner)
    case_seal(
        actor=lead_supervisor, case=case, reason=SEAL_REASON, named_users=[partner_supervisor]
    )
    client = client_for(partner_supervisor)
    assert client.get(case_url(case)).status_code == 200
    response = client.post(
        case_url(case, "unseal/"), {"reason": "The suspicion was cleared by the inquiry"}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.sealed


# --- transfer of the lead ---------------------------------------------------------------


@pytest.fixture
def transfer_setting():
    alice = registrar()
    case = register(alice)
    supervisor = colleague(alice, Role.SUPERVISOR)
    csw = InstitutionFactory(capabilities=(Capability.CHILD_PROTECTION,))
    return case, supervisor, csw


@pytest.mark.parametrize("reason", ["too short", "   brief           "])
def test_a_transfer_with_a_too_short_reason_is_refused_on_the_reason_field(
    client_for, transfer_setting, reason
):
    """The form says what is wrong with the reason; the lead and history stay as they were."""
    case, supervisor, csw = transfer_setting
    lead = case.lead_institution_id
    response = client_for(supervisor).post(
        case_url(case, "transfer/"), {"to_institution": csw.pk, "reason": reason}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.lead_institution_id == lead
    assert not CaseTransfer.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case, kind="transferred").exists()
    errors = response.context["transfer_form"].errors
    assert "at least 10 characters" in " ".join(errors["reason"])
    assert "at least 10 characters" in response.content.decode()


def test_a_transfer_hands_the_lead_over_and_records_the_reason(client_for, transfer_setting):
    case, supervisor, csw = transfer_setting
    previous = case.lead_institution_id
    response = client_for(supervisor).post(
        case_url(case, "transfer/"),
        {"to_institution": csw.pk, "reason": "  Case management by the CSW  "},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.lead_institution_id == csw.pk
    transfer = CaseTransfer.objects.get(case=case)
    assert (transfer.from_institution_id, transfer.to_institution_id) == (previous, csw.pk)
    assert transfer.reason == "Case management by the CSW"
    assert transfer.transferred_by_id == supervisor.pk
    event = CaseEvent.objects.get(case=case, kind="transferred")
    assert event.reason == "Case management by the CSW"
    worker = member(Role.CASE_WORKER, institution=csw)
    assert client_for(worker).get(case_url(case)).status_code == 200


# --- relations between persons ------------------------------------------------------------


def relate_url(person):
    return f"/registry/persons/{person.pk}/relations/"


def test_relating_from_a_person_outside_ones_scope_answers_404_and_records_nothing(
    client_for,
):
    alice = registrar()
    mine = register(alice, "Drita", "Berisha")
    theirs = register(registrar(), "Vjosa", "Gashi")
    response = client_for(alice).post(
        relate_url(theirs.person),
        {"kind": "child", "other": mine.person.pseudonym, "direction": "out"},
    )
    assert response.status_code == 404
    assert not PersonRelation.objects.exists()


def test_relating_to_a_person_outside_ones_scope_is_refused_as_if_unknown(client_for):
    """The pseudonym of someone else's person reads as unknown: nothing confirms it exists."""
    alice = registrar()
    mine = register(alice, "Drita", "Berisha")
    theirs = register(registrar(), "Vjosa", "Gashi")
    response = client_for(alice).post(
        relate_url(mine.person),
        {"kind": "child", "other": theirs.person.pseudonym, "direction": "out"},
    )
    assert response.status_code == 400
    assert "other" in response.context["relation_form"].errors
    assert "Gashi" not in response.content.decode()
    assert not PersonRelation.objects.exists()


def test_the_relation_service_answers_404_for_a_person_outside_scope():
    """Imports and the API reach ``relation_add``/``relation_end`` without the view's lookup."""
    alice = registrar()
    mine = register(alice, "Drita", "Berisha")
    bob = registrar()
    theirs = register(bob, "Vjosa", "Gashi")
    with pytest.raises(Http404):
        relation_add(actor=alice, from_person=mine.person, to_person=theirs.person, kind="child")
    assert not PersonRelation.objects.exists()
    share(theirs, institution_of(alice))
    alice._registry_scope = None
    relation = relation_add(
        actor=alice, from_person=mine.person, to_person=theirs.person, kind="child"
    )
    with pytest.raises(Http404):
        relation_end(actor=bob, relation=relation)
    relation.refresh_from_db()
    assert relation.ended_at is None


def test_a_relation_recorded_on_the_person_page_is_shown_there(client_for):
    alice = registrar()
    mother = register(alice, "Drita", "Berisha")
    child = register(alice, "Besa", "Berisha", child=True)
    client = client_for(alice)
    response = client.post(
        relate_url(mother.person),
        {"kind": "child", "other": child.person.pseudonym.lower(), "direction": "out"},
    )
    assert response.status_code == 302
    relation = PersonRelation.objects.get()
    assert (relation.from_person, relation.to_person, relation.kind) == (
        mother.person,
        child.person,
        "child",
    )
    assert (
        child.person.pseudonym
        in client.get(f"/registry/persons/{mother.person.pk}/").content.decode()
    )


def test_the_person_page_shows_relations_to_visible_persons_only(client_for):
    """A relation recorded by another institution to a person the viewer cannot see is
    left out; one to a person the viewer sees is listed."""
    alice = registrar()
    mother = register(alice, "Drita", "Berisha")
    hidden_child = register(alice, "Besa", "Berisha", child=True)
    bob = other_institution_user()
    visible_child = register(bob, "Arben", "Berisha", child=True)
    share(mother, institution_of(bob))
    relation_add(
        actor=alice, from_person=mother.person, to_person=hidden_child.person, kind="child"
    )
    relation_add(
        actor=bob, from_person=visible_child.person, to_person=mother.person, kind="guardian"
    )
    html = client_for(bob).get(f"/registry/persons/{mother.person.pk}/").content.decode()
    assert visible_child.person.pseudonym in html
    assert hidden_child.person.pseudonym not in html
    html = client_for(alice).get(f"/registry/persons/{mother.person.pk}/").content.decode()
    assert hidden_child.person.pseudonym in html
    assert visible_child.person.pseudonym not in html


def test_an_ended_relation_is_no_longer_shown(client_for):
    alice = registrar()
    mother = register(alice, "Drita", "Berisha")
    child = register(alice, "Besa", "Berisha", child=True)
    relation = relation_add(
        actor=alice, from_person=mother.person, to_person=child.person, kind="child"
    )
    relation_end(actor=alice, relation=relation)
    html = client_for(alice).get(f"/registry/persons/{mother.person.pk}/").content.decode()
    assert child.person.pseudonym not in html
    assert AuditEntry.objects.filter(action="relation.ended").exists()


# --- the case team ------------------------------------------------------------------------


def test_a_user_added_to_the_team_opens_the_case_until_removed(client_for):
    alice = registrar()
    case = register(alice)
    outsider = other_institution_user(roles=(Role.CASE_WORKER,))
    outsider_client = client_for(outsider)
    assert outsider_client.get(case_url(case)).status_code == 404
    manager = client_for(alice)
    response = manager.post(
        case_url(case, "team/"),
        {"username": outsider.username, "institution": institution_of(outsider).pk},
    )
    assert response.status_code == 302
    row = CaseTeamMember.objects.get(case=case, user=outsider, removed_at__isnull=True)
    assert outsider_client.get(case_url(case)).status_code == 200
    assert AuditEntry.objects.filter(action="case.team_added", ids=[str(outsider.pk)]).exists()
    response = manager.post(case_url(case, f"team/{row.pk}/remove/"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.removed_at is not None
    assert outsider_client.get(case_url(case)).status_code == 404


@pytest.mark.parametrize("role", [Role.INVESTIGATOR, Role.REGISTRAR])
def test_a_user_without_the_team_right_gets_403_and_the_team_is_unchanged(client_for, role):
    alice = registrar()
    case = register(alice)
    outsider = other_institution_user(roles=(Role.CASE_WORKER,))
    client_for(alice).post(
        case_url(case, "team/"),
        {"username": outsider.username, "institution": institution_of(outsider).pk},
    )
    row = CaseTeamMember.objects.get(case=case, user=outsider)
    client = client_for(colleague(alice, role))
    assert client.get(case_url(case)).status_code == 200  # they see the case
    third = other_institution_user(roles=(Role.CASE_WORKER,))
    response = client.post(
        case_url(case, "team/"),
        {"username": third.username, "institution": institution_of(third).pk},
    )
    assert response.status_code == 403
    assert client.post(case_url(case, f"team/{row.pk}/remove/")).status_code == 403
    assert not CaseTeamMember.objects.filter(case=case, user=third).exists()
    row.refresh_from_db()
    assert row.removed_at is None
