"""The registry API: lists show exactly what the caller may open; other ids answer 404."""

from __future__ import annotations

import pytest
from django.test import Client

from palermo.accounts.tokens import token_issue
from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.testing.factories import member

from .factories import other_institution_user, register, registrar

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    token = token_issue(actor=user, user=user, name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_lists_and_details_agree_and_outsiders_get_404():
    alice = registrar()
    mine = [register(alice), register(alice, "Drita", "Berisha")]
    theirs = register(registrar(), "Vjosa", "Gashi")
    client = api(alice)
    cases = client.get("/api/v1/cases?limit=100").json()
    assert cases["count"] == 2
    assert {c["id"] for c in cases["items"]} == {str(c.pk) for c in mine}
    for item in cases["items"]:
        assert client.get(f"/api/v1/cases/{item['id']}").json()["id"] == item["id"]
    assert client.get(f"/api/v1/cases/{theirs.pk}").status_code == 404
    persons = client.get("/api/v1/persons").json()
    assert {p["id"] for p in persons["items"]} == {str(c.person_id) for c in mine}
    assert client.get(f"/api/v1/persons/{theirs.person_id}").status_code == 404
    assert client.get("/api/v1/persons/not-a-uuid").status_code == 404


def test_pagination_is_stable_and_complete():
    alice = registrar()
    cases = [register(alice, f"Name{i}", "Krasniqi") for i in range(7)]
    client = api(alice)
    seen = []
    for offset in range(0, 7, 3):
        page = client.get(f"/api/v1/cases?limit=3&offset={offset}").json()
        assert page["count"] == 7
        seen += [c["id"] for c in page["items"]]
    assert sorted(seen) == sorted(str(c.pk) for c in cases)
    assert len(seen) == len(set(seen))
    assert client.get("/api/v1/cases?limit=100").status_code == 200


def test_identity_is_returned_only_where_the_sections_allow():
    alice = registrar()
    case = register(alice, document_number="AB1234567", contact="via shelter")
    body = api(alice).get(f"/api/v1/persons/{case.person_id}").json()
    registration = body["registrations"][0]
    assert registration["identity"]["last_name"] == "Krasniqi"
    assert registration["identity"]["document_number"] == "AB1234567"
    assert registration["contact"] == "via shelter"
    coordinator = member(Role.COORDINATOR, capabilities=(Capability.COORDINATION,))
    coord = api(coordinator)
    case_body = coord.get(f"/api/v1/cases/{case.pk}").json()
    assert case_body["display_name"] == case.person.pseudonym
    assert case_body["sections"] == ["metadata"]
    assert coord.get(f"/api/v1/persons/{case.person_id}").json()["registrations"] == []


def test_every_api_read_is_audited_with_the_ids_shown():
    alice = registrar()
    case = register(alice)
    client = api(alice)
    client.get("/api/v1/cases")
    client.get(f"/api/v1/persons/{case.person_id}")
    entries = AuditEntry.objects.filter(channel="api", action__in=["case.read", "person.read"])
    assert {e.action for e in entries} == {"case.read", "person.read"}
    assert all(str(case.pk) in e.ids or str(case.person_id) in e.ids for e in entries)


def _fields_named(response) -> set[str]:
    """The fields a 422 names: ours ``{"detail": {field: [...]}}``, Ninja's a list of
    ``{"loc": [..., field], ...}``."""
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return set(detail)
    return {str(error["loc"][-1]) for error in detail}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"birth_year": "nineteen", "last_name": "A"}', "birth_year"),
        ('{"sex": "x", "last_name": "A"}', "sex"),
        ('{"citizenship": "QQ", "last_name": "A"}', "citizenship"),
        ("{}", "last_name"),
        ('{"last_name": "A", "date_of_birth": "2999-01-01"}', "date_of_birth"),
        ('{"last_name": "A", "birth_year": 2050}', "birth_year"),
        ('{"last_name": "A", "age": 140}', "age"),
    ],
)
def test_malformed_search_bodies_are_refused_naming_the_field(body, field):
    client = api(registrar())
    response = client.post("/api/v1/persons/search", body, content_type="application/json")
    assert response.status_code == 422, body
    assert field in _fields_named(response)
    assert not AuditEntry.objects.filter(action="person.searched").exists()


def test_a_search_body_that_is_not_json_is_refused():
    response = api(registrar()).post(
        "/api/v1/persons/search", "not json", content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert not AuditEntry.objects.filter(action="person.searched").exists()


def test_list_queries_do_not_grow_with_the_page(django_assert_max_num_queries):
    alice = registrar()
    for i in range(3):
        register(alice, f"N{i}", "Gashi")
    client = api(alice)
    with django_assert_max_num_queries(40) as small:
        client.get("/api/v1/cases?limit=50")
    for i in range(12):
        register(alice, f"M{i}", "Hoxha")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/api/v1/cases?limit=50")
    with django_assert_max_num_queries(45) as persons_small:
        client.get("/api/v1/persons?limit=50")
    register(alice, "Z", "Shala")
    with django_assert_max_num_queries(len(persons_small.captured_queries)):
        client.get("/api/v1/persons?limit=50")


def test_outsiders_do_not_see_cases_in_the_list():
    register(registrar())
    assert api(other_institution_user()).get("/api/v1/cases").json() == {"items": [], "count": 0}
