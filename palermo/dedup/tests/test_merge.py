"""Merge and un-merge: a round trip with nothing in between restores the database exactly;
additions made after the merge stay with the registration or case they were added to."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.dedup.services import persons_merge, persons_unmerge
from palermo.registry.models import (
    Case,
    CaseAccess,
    CaseTeamMember,
    Person,
    PersonRelation,
    Registration,
)
from palermo.registry.services import relation_add
from palermo.registry.tests.factories import other_institution_user, register, registrar
from palermo.testing.factories import member

pytestmark = pytest.mark.django_db


def reviewer():
    return member(Role.COORDINATOR, capabilities=(Capability.COORDINATION,))


def snapshot() -> dict[str, list[dict]]:
    """Every row of the registry tables a merge touches, as plain values."""
    tables = {}
    for model in (Person, Registration, Case, PersonRelation, CaseAccess, CaseTeamMember):
        rows = [model_to_dict(obj) for obj in model.objects.order_by("pk")]
        for row in rows:
            for key, value in row.items():
                row[key] = str(value)
        tables[model.__name__] = rows
    return tables


def two_registrations_of_one_human():
    a_user, b_user = registrar(), other_institution_user()
    a = register(a_user, "Milica", "Jovanović", birth_year=1994)
    b = register(b_user, "Милица", "Јовановић", birth_year=1994)
    return a, b, a_user, b_user


def test_a_round_trip_with_nothing_in_between_restores_everything_exactly():
    a, b, a_user, _b_user = two_registrations_of_one_human()
    child = register(a_user, "Besa", "Jovanović", child=True)
    relation_add(actor=a_user, from_person=a.person, to_person=child.person, kind="child")
    before = snapshot()
    merge = persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)
    assert snapshot() != before
    assert Registration.objects.filter(person=a.person).count() == 2
    persons_unmerge(actor=reviewer(), merge=merge)
    assert snapshot() == before


def test_after_merge_the_person_is_one_with_both_registrations_and_cases():
    a, b, _a_user, b_user = two_registrations_of_one_human()
    persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)
    survivor = Person.objects.get(pk=a.person_id)
    assert survivor.registrations.count() == 2
    assert survivor.cases.count() == 2
    b.person.refresh_from_db()
    assert b.person.merged_into == survivor
    # Registrations and cases keep their origin.
    assert Registration.objects.get(pk=b.registration_id).origin_person_id == b.person_id
    # Each institution still sees only its own registration of the merged person.
    from palermo.registry.access import visible_persons

    b_user._registry_scope = None
    assert list(visible_persons(b_user)) == [survivor]


def test_additions_after_the_merge_go_back_where_they_were_added():
    a, b, a_user, b_user = two_registrations_of_one_human()
    merge = persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)
    # After the merge, institution B opens a new case under its own registration…
    b_user._registry_scope = None
    new_case_b = Case.objects.create(
        person=a.person,
        origin_person=a.person,
        registration=b.registration,
        kind="nrm",
        state="detected",
        registering_institution=b.registering_institution,
        lead_institution=b.lead_institution,
        created_by=b_user,
        detection_date=b.detection_date,
        detection_source="police",
    )
    # …and institution A registers the merged person again (a registration made for it).
    new_registration_a = register(a_user, "Milica", "Jovanovic", person=a.person, birth_year=1994)
    persons_unmerge(actor=reviewer(), merge=merge)
    new_case_b.refresh_from_db()
    assert new_case_b.person_id == b.person_id  # follows the registration it was added to
    assert Registration.objects.get(pk=new_registration_a.registration_id).person_id == a.person_id
    assert set(Registration.objects.filter(person=b.person).values_list("pk", flat=True)) == {
        b.registration_id
    }
    assert Case.objects.filter(person=b.person).count() == 2


def test_merge_and_unmerge_are_audited():
    a, b, *_ = two_registrations_of_one_human()
    merge = persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)
    persons_unmerge(actor=reviewer(), merge=merge)
    actions = list(
        AuditEntry.objects.filter(action__in=["person.merged", "person.unmerged"]).values_list(
            "action", flat=True
        )
    )
    assert actions == ["person.merged", "person.unmerged"]


def test_relatives_cannot_be_merged_into_one_person():
    actor = registrar()
    mother = register(actor, "Hana", "Kuqi")
    child = register(actor, "Besa", "Kuqi", child=True)
    relation_add(actor=actor, from_person=mother.person, to_person=child.person, kind="child")
    with pytest.raises(ValidationError):
        persons_merge(actor=reviewer(), survivor=mother.person, absorbed=child.person)


def test_undoing_twice_or_out_of_order_is_refused():
    a, b, *_ = two_registrations_of_one_human()
    c = register(registrar(), "Milica", "Jovanovich", birth_year=1994)
    first = persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)
    persons_merge(actor=reviewer(), survivor=c.person, absorbed=a.person)
    with pytest.raises(ValidationError, match="undo that merge first"):
        persons_unmerge(actor=reviewer(), merge=first)


@pytest.mark.parametrize(
    "role",
    [Role.REGISTRAR, Role.CASE_WORKER, Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR, Role.ADMIN],
)
def test_only_the_coordinators_reviewers_merge(role):
    a, b, *_ = two_registrations_of_one_human()
    with pytest.raises(PermissionDenied):
        persons_merge(
            actor=member(role, capabilities=(Capability.SERVICE_PROVIDER, Capability.COORDINATION)),
            survivor=a.person,
            absorbed=b.person,
        )
    b.person.refresh_from_db()
    assert b.person.merged_into is None


def test_a_merged_away_persons_page_leads_to_the_survivor_for_whoever_may_see_it(client_for):
    a, b, _a_user, b_user = two_registrations_of_one_human()
    absorbed_url = f"/registry/persons/{b.person_id}/"
    assert client_for(b_user).get(absorbed_url).status_code == 200
    persons_merge(actor=reviewer(), survivor=a.person, absorbed=b.person)

    response = client_for(b_user).get(absorbed_url)

    assert response.status_code == 302
    assert response["Location"] == f"/registry/persons/{a.person_id}/"
    # Someone who sees neither person learns nothing: the old id is simply not found.
    stranger = other_institution_user()
    assert client_for(stranger).get(absorbed_url).status_code == 404
    # An id that was never merged and is out of scope stays a 404 too.
    assert client_for(stranger).get(f"/registry/persons/{a.person_id}/").status_code == 404
