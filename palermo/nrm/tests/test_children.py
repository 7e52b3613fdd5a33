"""Children (under 18 or presumed so): the centre for social work is told at registration,
a guardian is recorded, and return or residence decisions wait for a best-interests
determination."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from palermo.core.models import Notification
from palermo.core.roles import Role, Section
from palermo.nrm.models import BestInterestsDetermination, TrackEvent
from palermo.nrm.services import best_interests_record, track_record
from palermo.registry.access import scope_for
from palermo.registry.models import CaseAccess, PersonRelation
from palermo.registry.services import relation_add
from palermo.registry.tests.factories import register
from palermo.testing.factories import member

from .factories import DOCUMENT, FIRST, LAST, World, api, fresh, personal_data

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def child_registered_by_the_police(world, municipality="Prizren", **identity):
    """A child registered by the police: the CSW of the child's municipality is not involved
    until it is told."""
    return register(
        world.investigator,
        FIRST,
        LAST,
        child=True,
        municipality=municipality,
        document_number=DOCUMENT,
        **identity,
    )


# --- presumption of minority -----------------------------------------------------------


def test_a_person_presumed_to_be_a_child_is_treated_as_one():
    world = World()
    adult_by_papers = world.case(presumed_minor=True)
    assert adult_by_papers.registration.age_on(TODAY) >= 18
    assert adult_by_papers.is_child
    assert not world.case().is_child


def test_outside_the_case_team_a_childs_case_shows_the_pseudonym(client_for):
    world = World()
    case = world.case(presumed_minor=True)
    colleague = member(Role.CASE_WORKER, institution=world.csw)  # same institution, not on team
    html = client_for(colleague).get(f"/registry/cases/{case.pk}/").content.decode()
    assert case.person.pseudonym in html
    for value in personal_data(case):
        assert value not in html
    team_html = client_for(world.worker).get(f"/registry/cases/{case.pk}/").content.decode()
    assert f"{FIRST} {LAST}" in team_html


# --- the centre for social work is told -------------------------------------------------


def test_the_csw_of_the_childs_municipality_gets_metadata_access_and_a_notification(
    client_for, django_capture_on_commit_callbacks
):
    world = World()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = child_registered_by_the_police(world, municipality=" prizren ")
    access = CaseAccess.objects.get(case=case, institution=world.csw)
    assert access.source == CaseAccess.Source.CHILD_PROTECTION
    assert access.sections == ["metadata"]
    assert scope_for(fresh(world.worker)).case_sections(case) == {Section.METADATA}
    # The police and the centre share it: each lists it filtered by the other.
    page = client_for(world.worker).get("/registry/cases/", {"institution": world.police.pk})
    assert [row.case.pk for row in page.context["rows"]] == [case.pk]
    notes = Notification.objects.filter(kind="child.case")
    assert {n.user for n in notes} == {world.worker, world.csw_supervisor}
    assert all(n.url == f"/registry/cases/{case.pk}/" for n in notes)
    for note in notes:
        assert case.reference in note.text
        for value in personal_data(case):
            assert value not in note.text
    assert {m.to[0] for m in mail.outbox} == {world.worker.email, world.csw_supervisor.email}
    for message in mail.outbox:
        for value in personal_data(case):
            assert value not in message.subject + message.body


def test_the_csw_sees_the_child_case_in_lists_and_api_under_its_pseudonym_only(client_for):
    world = World()
    case = child_registered_by_the_police(world)
    web = client_for(world.worker)
    listing = web.get("/registry/cases/").content.decode()
    assert case.reference in listing
    assert case.person.pseudonym in listing
    page = web.get(f"/registry/cases/{case.pk}/").content.decode()
    assert case.person.pseudonym in page
    assert "Recruited with a false job offer." not in page
    for html in (listing, page):
        for value in personal_data(case):
            assert value not in html
    body = api(world.worker).get("/api/v1/cases?limit=100").json()
    (row,) = [c for c in body["items"] if c["id"] == str(case.pk)]
    assert row["display_name"] == case.person.pseudonym
    assert row["sections"] == ["metadata"]


def test_no_matching_csw_notifies_the_coordinator_instead(django_capture_on_commit_callbacks):
    world = World()
    coordinator = world.coordinator
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = child_registered_by_the_police(world, municipality="Gjakova")
    assert not CaseAccess.objects.filter(
        case=case, source=CaseAccess.Source.CHILD_PROTECTION
    ).exists()
    assert not Notification.objects.filter(kind="child.case").exists()
    note = Notification.objects.get(kind="child.case.unmatched")
    assert note.user == coordinator
    assert case.reference in note.text
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    for value in personal_data(case):
        assert value not in note.text
        assert value not in message.subject + message.body


def test_a_child_without_a_municipality_is_reported_to_the_coordinator():
    world = World()
    coordinator = world.coordinator
    case = child_registered_by_the_police(world, municipality="")
    assert Notification.objects.filter(kind="child.case.unmatched", user=coordinator).exists()
    assert not CaseAccess.objects.filter(case=case, institution=world.csw).exists()


def test_an_adult_case_tells_no_csw():
    world = World()
    world.coordinator  # noqa: B018  (exists, and must not be told either)
    register(world.investigator, FIRST, LAST, municipality="Prizren")
    assert not Notification.objects.filter(kind__startswith="child.case").exists()
    assert not CaseAccess.objects.filter(source=CaseAccess.Source.CHILD_PROTECTION).exists()


# --- guardian or legal representative ----------------------------------------------------


@pytest.mark.parametrize("kind", ["guardian", "legal_representative"])
def test_a_guardian_or_legal_representative_is_recorded_as_a_relation(client_for, kind):
    world = World()
    child = world.case(child=True)
    guardian = register(world.worker, "Besa", "Gashi")
    relation = relation_add(
        actor=world.worker, from_person=child.person, to_person=guardian.person, kind=kind
    )
    assert PersonRelation.objects.get(from_person=child.person, kind=kind) == relation
    html = client_for(world.worker).get(f"/registry/persons/{child.person_id}/").content.decode()
    assert guardian.person.pseudonym in html


# --- best interests before return and residence -------------------------------------------


@pytest.mark.parametrize(
    ("track", "state"),
    [
        ("residence", "granted"),
        ("residence", "refused"),
        ("return", "requested"),
        ("return", "returned"),
    ],
)
def test_a_childs_return_or_residence_needs_a_best_interests_determination_first(track, state):
    world = World()
    case = world.case(child=True)
    with pytest.raises(ValidationError) as exc:
        track_record(actor=world.worker, case=case, track=track, state=state, on=TODAY)
    assert "state" in exc.value.message_dict
    assert not TrackEvent.objects.filter(case=case).exists()
    best_interests_record(
        actor=world.worker,
        case=case,
        decided_on=TODAY,
        summary="Staying with the aunt in Prizren is in her best interests.",
    )
    step = track_record(actor=world.worker, case=case, track=track, state=state, on=TODAY)
    assert (step.track, step.state) == (track, state)


@pytest.mark.parametrize(
    ("track", "state"), [("residence", "applied"), ("return", "risk_assessed")]
)
def test_steps_that_decide_nothing_need_no_determination(track, state):
    world = World()
    case = world.case(child=True)
    assert track_record(actor=world.worker, case=case, track=track, state=state, on=TODAY)


def test_an_adults_return_needs_no_determination():
    world = World()
    case = world.case()
    assert track_record(actor=world.worker, case=case, track="return", state="requested", on=TODAY)


def test_a_presumed_minor_needs_a_determination_too():
    world = World()
    case = world.case(presumed_minor=True)
    with pytest.raises(ValidationError):
        track_record(actor=world.worker, case=case, track="residence", state="granted", on=TODAY)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"decided_on": TODAY + timedelta(days=1)}, "decided_on"),
        ({"summary": "ok"}, "summary"),
        ({"summary": "          "}, "summary"),
    ],
)
def test_a_determination_with_bad_input_is_refused_on_the_field(override, field):
    world = World()
    case = world.case(child=True)
    values = {"decided_on": TODAY, "summary": "Staying with the aunt is in her best interests."}
    with pytest.raises(ValidationError) as exc:
        best_interests_record(actor=world.worker, case=case, **{**values, **override})
    assert field in exc.value.message_dict
    assert not BestInterestsDetermination.objects.filter(case=case).exists()


def test_a_determination_is_for_childrens_cases_and_their_holders():
    world = World()
    adult = world.case()
    with pytest.raises(ValidationError):
        best_interests_record(
            actor=world.worker, case=adult, decided_on=TODAY, summary="Not a child at all here."
        )
    child = world.case(child=True)
    world.consent(child)
    world.to_shelter(child, ["health"], accept=True)
    with pytest.raises(PermissionDenied):  # reads the case through a referral, does not hold it
        best_interests_record(
            actor=world.shelter_worker,
            case=child,
            decided_on=TODAY,
            summary="Staying with the aunt is in her best interests.",
        )
    assert not BestInterestsDetermination.objects.exists()


def test_the_determination_and_track_forms_on_the_case_page(client_for):
    world = World()
    case = world.case(child=True)
    web = client_for(world.worker)
    refused = web.post(
        f"/nrm/cases/{case.pk}/tracks/", {"track": "return", "state": "requested", "on": TODAY}
    )
    assert refused.status_code == 302
    assert not TrackEvent.objects.filter(case=case).exists()
    web.post(
        f"/nrm/cases/{case.pk}/best-interests/",
        {"decided_on": TODAY, "summary": "Return to her mother is safe and wanted."},
    )
    assert BestInterestsDetermination.objects.filter(case=case).exists()
    web.post(
        f"/nrm/cases/{case.pk}/tracks/", {"track": "return", "state": "requested", "on": TODAY}
    )
    assert TrackEvent.objects.filter(case=case, track="return", state="requested").exists()
