"""Sections hidden inside the holding institution: location, unreadable attachments, a
child's identity in search results — shown to the case team only, through pages and API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from palermo.accounts.tokens import token_issue
from palermo.core.roles import Capability, Role
from palermo.registry.models import Attachment
from palermo.registry.services import team_add
from palermo.testing.factories import InstitutionFactory, member

from .factories import institution_of, register, registrar

pytestmark = pytest.mark.django_db

STREET = "Rruga Agim Ramadani 17"
SHELTER = "Safe House Dardania"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\nSCREENING FORM\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def colleague(user, roles):
    return member(roles, institution=institution_of(user))


def api(user) -> Client:
    token = token_issue(actor=user, user=user, name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def add_to_team(case, user) -> None:
    supervisor = colleague(case.created_by, Role.SUPERVISOR)
    team_add(actor=supervisor, case=case, user=user, institution=institution_of(user))


def test_location_is_shown_only_once_the_worker_joins_the_case_team(client_for):
    """Same institution, same role: the shelter and current location appear on the person
    page and in the API only when the case worker is on the case team."""
    shelter = InstitutionFactory(name=SHELTER, capabilities=(Capability.SHELTER,))
    case = register(registrar(), current_location=STREET, shelter_id=shelter.pk)
    worker = colleague(case.created_by, Role.CASE_WORKER)
    client, client_api = client_for(worker), api(worker)

    page = client.get(f"/registry/persons/{case.person_id}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Krasniqi" in body  # the worker does see the record…
    assert STREET not in body  # …but not where the person is
    assert SHELTER not in body
    assert "Current location" not in body
    person = client_api.get(f"/api/v1/persons/{case.person_id}")
    assert person.json()["registrations"][0]["current_location"] is None
    assert STREET not in person.content.decode()
    sections = client_api.get(f"/api/v1/cases/{case.pk}").json()["sections"]
    assert "identity" in sections
    assert "location" not in sections

    add_to_team(case, worker)
    body = client.get(f"/registry/persons/{case.person_id}/").content.decode()
    assert STREET in body
    assert SHELTER in body
    person = client_api.get(f"/api/v1/persons/{case.person_id}").json()
    assert person["registrations"][0]["current_location"] == STREET
    assert "location" in client_api.get(f"/api/v1/cases/{case.pk}").json()["sections"]


def test_an_attachment_in_a_section_the_user_cannot_read_answers_404(client_for):
    """A registrar may open the case but not its story: a story file is not there for them."""
    alice = registrar()
    case = register(alice)
    upload = client_for(alice).post(
        f"/registry/cases/{case.pk}/attachments/",
        {
            "file": SimpleUploadedFile("screening.pdf", PDF, content_type="application/pdf"),
            "section": "story",
            "kind": "screening_form",
        },
    )
    assert upload.status_code == 302
    url = f"/registry/cases/{case.pk}/attachments/{Attachment.objects.get().pk}/"
    registrar_only = client_for(colleague(alice, Role.REGISTRAR))
    assert registrar_only.get(f"/registry/cases/{case.pk}/").status_code == 200
    response = registrar_only.get(url)
    assert response.status_code == 404
    assert PDF not in response.content
    story_reader = client_for(colleague(alice, Role.INVESTIGATOR))
    assert story_reader.get(url).content == PDF


def test_search_shows_a_child_by_pseudonym_outside_the_case_team_and_by_name_within(
    client_for,
):
    """Typed in Latin letters, stored in Cyrillic: the stored name in the results can only
    come from the record, never from the query echoed back."""
    case = register(registrar(), "Милица", "Јовановић", child=True)
    assert case.is_child
    searcher = colleague(case.created_by, (Role.REGISTRAR, Role.CASE_WORKER))
    client = client_for(searcher)
    query = {
        "first_name": "Milica",
        "last_name": "Jovanovic",
        "date_of_birth": case.registration.date_of_birth.isoformat(),
    }

    response = client.post("/registry/search/", query)
    [(match, row)] = response.context["matches"]
    assert match.person_id == case.person_id
    assert row.display_name == case.person.pseudonym
    body = response.content.decode()
    assert case.person.pseudonym in body
    assert "Јовановић" not in body

    add_to_team(case, searcher)
    response = client.post("/registry/search/", query)
    [(_match, row)] = response.context["matches"]
    assert row.display_name == "Милица Јовановић"
    assert "Јовановић" in response.content.decode()
