"""The auditor's access report: who read or changed a person's record or cases, and when."""

from __future__ import annotations

import uuid

import pytest

from palermo.core.models import AuditEntry
from palermo.core.roles import Role

from .factories import register, registrar

pytestmark = pytest.mark.django_db


def _report(client, person) -> str:
    response = client.get(f"/registry/persons/{person.pk}/reads/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_auditor_names_a_record_by_its_reference_and_sees_every_read_of_it_and_its_cases(
    client_for,
):
    actor = registrar()
    case = register(actor, "Arta", "Krasniqi")
    other = register(actor, "Drita", "Berisha")
    reader = client_for(actor)
    assert reader.get(f"/registry/cases/{case.pk}/").status_code == 200
    assert reader.get("/registry/cases/").status_code == 200
    auditor = client_for(Role.AUDITOR)
    menu = auditor.get("/registry/access-reports/")
    assert menu.status_code == 200
    assert 'href="/registry/access-reports/"' in menu.content.decode()  # in the menu
    found = auditor.post("/registry/access-reports/", {"record": case.person.pseudonym.lower()})
    assert found.status_code == 302
    assert found["Location"] == f"/registry/persons/{case.person_id}/reads/"
    page = _report(auditor, case.person)
    # The case page and the list (which both show the person's name) are reads of them.
    assert page.count("case.read") == 2
    assert actor.username in page
    assert "registration.created" in page
    assert "Krasniqi" not in page  # ids and actions, no content
    assert "Arta" not in page
    # Another person's record is not in this report, and it is not in that one's.
    other_page = _report(auditor, other.person)
    assert other_page.count("case.read") == 1  # the list showed both cases
    assert "Berisha" not in other_page


def test_the_report_is_itself_audited_and_found_by_record_id(client_for):
    case = register(registrar(), "Arta", "Krasniqi")
    auditor = client_for(Role.AUDITOR)
    found = auditor.post("/registry/access-reports/", {"record": str(case.person_id)})
    assert found.status_code == 302
    _report(auditor, case.person)
    entry = AuditEntry.objects.filter(action="person.access_report").get()
    assert entry.object_id == str(case.person_id)
    assert entry.actor_id == auditor.user.pk


def test_an_unknown_reference_is_refused_naming_the_field(client_for):
    auditor = client_for(Role.AUDITOR)
    for typed in ("P-NOPE", str(uuid.uuid4()), "not an id"):
        response = auditor.post("/registry/access-reports/", {"record": typed})
        assert response.status_code == 400
        assert response.context["form"].errors["record"] == [
            "No person record has this reference or id."
        ]
    assert auditor.get(f"/registry/persons/{uuid.uuid4()}/reads/").status_code == 404


@pytest.mark.parametrize("role", [Role.REGISTRAR, Role.COORDINATOR, Role.ADMIN, Role.ANALYST])
def test_only_the_auditor_reads_access_reports(client_for, role):
    case = register(registrar(), "Arta", "Krasniqi")
    client = client_for(role)
    assert client.get("/registry/access-reports/").status_code == 403
    assert (
        client.post("/registry/access-reports/", {"record": str(case.person_id)}).status_code == 403
    )
    assert client.get(f"/registry/persons/{case.person_id}/reads/").status_code == 403
