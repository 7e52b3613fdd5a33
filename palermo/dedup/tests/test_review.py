"""The review queue: the job fills it, reviewers decide, permissions hold."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.dedup.models import Candidate, LinkageRun
from palermo.dedup.services import candidates_bulk_accept
from palermo.registry.tests.factories import other_institution_user, register, registrar
from palermo.testing.factories import member

pytestmark = pytest.mark.django_db


def reviewer():
    return member(Role.COORDINATOR, capabilities=(Capability.COORDINATION,))


def seed_pair():
    a = register(registrar(), "Milica", "Jovanović", birth_year=1994, date_of_birth=None)
    b = register(
        other_institution_user(), "Милица", "Јовановић", birth_year=1994, date_of_birth=None
    )
    register(registrar(), "Arben", "Gashi", birth_year=1971, date_of_birth=None)
    return a, b


def test_the_nightly_job_puts_cross_institution_pairs_in_the_queue(capsys):
    a, b = seed_pair()
    call_command("dedup_nightly", "--now")
    assert "done" in capsys.readouterr().out
    candidate = Candidate.objects.get()
    assert {candidate.left_id, candidate.right_id} == {a.registration_id, b.registration_id}
    assert candidate.probability > 0.5
    assert LinkageRun.objects.get().status == "done"
    call_command("dedup_nightly", "--now")  # a second run does not duplicate the pair
    assert Candidate.objects.count() == 1


def test_the_reviewer_sees_the_pair_side_by_side_and_merges(client_for):
    a, b = seed_pair()
    call_command("dedup_nightly", "--now")
    candidate = Candidate.objects.get()
    client = client_for(reviewer())
    page = client.get(f"/dedup/pairs/{candidate.pk}/")
    body = page.content.decode()
    assert "Милица" in body
    assert "Milica" in body
    assert "agrees" in body
    assert AuditEntry.objects.filter(
        action="registration.read", ids__icontains=str(a.registration_id)
    ).exists()
    response = client.post(f"/dedup/pairs/{candidate.pk}/accept/")
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == "accepted"
    b.person.refresh_from_db()
    assert b.person.merged_into_id == a.person_id  # the earlier-registered person is kept


def test_rejecting_keeps_the_persons_apart(client_for):
    seed_pair()
    call_command("dedup_nightly", "--now")
    candidate = Candidate.objects.get()
    client_for(reviewer()).post(f"/dedup/pairs/{candidate.pk}/reject/")
    candidate.refresh_from_db()
    assert candidate.status == "rejected"
    assert candidate.left.person.merged_into_id is None
    assert candidate.right.person.merged_into_id is None


def test_bulk_accept_refuses_a_low_threshold():
    with pytest.raises(ValidationError):
        candidates_bulk_accept(actor=reviewer(), minimum=0.8)


@pytest.mark.parametrize(
    "role",
    [Role.REGISTRAR, Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR, Role.ADMIN],
)
def test_other_roles_cannot_reach_the_queue(client_for, role):
    seed_pair()
    call_command("dedup_nightly", "--now")
    candidate = Candidate.objects.get()
    client = client_for(role, capabilities=(Capability.SERVICE_PROVIDER,))
    assert client.get("/dedup/").status_code == 403
    assert client.get(f"/dedup/pairs/{candidate.pk}/").status_code == 403
    assert client.post(f"/dedup/pairs/{candidate.pk}/accept/").status_code == 403
    candidate.refresh_from_db()
    assert candidate.status == "open"


def test_a_coordinator_outside_the_coordination_office_cannot_review(client_for):
    client = client_for(Role.COORDINATOR, capabilities=(Capability.SERVICE_PROVIDER,))
    assert client.get("/dedup/").status_code == 403
