"""The institutions API: the list/detail contract every list of the API follows."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from palermo.core.roles import Capability, Role
from palermo.institutions.models import Institution
from palermo.testing.factories import InstitutionFactory, institution_type, member

pytestmark = pytest.mark.django_db

LIST = "/api/v1/institutions"


def token_for(user) -> str:
    out = StringIO()
    call_command("issue_token", user.username, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


@pytest.fixture
def get():
    """``get(user)`` returns a function that GETs API paths with that user's token."""

    def bind(user):
        headers = {"Authorization": f"Bearer {token_for(user)}"}

        def call(path, params=None):
            return Client().get(path, params or {}, headers=headers)

        return call

    return bind


def test_list_answers_items_and_count_in_a_stable_order(get):
    parent = InstitutionFactory(name="Bravo", code="bravo")
    InstitutionFactory(name="Alpha", code="alpha", parent=parent, capabilities=[Capability.SHELTER])
    InstitutionFactory(name="Alpha", code="alpha-2")  # same name: the id breaks the tie
    user = member(Role.CASE_WORKER, institution=parent)
    response = get(user)(LIST)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 3
    assert [i["code"] for i in body["items"]] == ["alpha", "alpha-2", "bravo"]
    first = body["items"][0]
    assert first == {
        "id": Institution.objects.get(code="alpha").pk,
        "code": "alpha",
        "name": "Alpha",
        "type": "ngo",
        "parent_id": parent.pk,
        "municipality": "",
        "active": True,
        "capabilities": [Capability.SHELTER],
    }


def test_same_names_are_listed_by_id_whatever_order_they_were_stored_in(get):
    home = InstitutionFactory(name="Zulu")
    later = InstitutionFactory(pk=home.pk + 1000, name="Twin")
    earlier = InstitutionFactory(pk=home.pk + 500, name="Twin")
    later.municipality = "Ferizaj"  # rewritten rows move on PostgreSQL's heap
    later.save()
    items = get(member(Role.REGISTRAR, institution=home))(LIST).json()["items"]
    assert [i["id"] for i in items] == [earlier.pk, later.pk, home.pk]


def test_each_listed_id_opens_the_same_item_by_its_detail_path(get):
    for n in range(4):
        InstitutionFactory(capabilities=[Capability.SERVICE_PROVIDER] if n % 2 else [])
    call = get(member(Role.REGISTRAR))
    items = call(LIST).json()["items"]
    assert items
    for item in items:
        detail = call(f"{LIST}/{item['id']}")
        assert detail.status_code == 200
        assert detail.json() == item


def test_limit_and_offset_page_through_the_list_without_gaps_or_repeats(get):
    for n in range(7):
        InstitutionFactory(name=f"Unit {n % 3}")  # repeated names: order must still be total
    call = get(member(Role.REGISTRAR))
    everything = call(LIST, {"limit": 100}).json()
    assert everything["count"] == 8
    pages = [call(LIST, {"limit": 3, "offset": offset}).json() for offset in (0, 3, 6)]
    assert [p["count"] for p in pages] == [8, 8, 8]
    assert [len(p["items"]) for p in pages] == [3, 3, 2]
    paged = [i["id"] for p in pages for i in p["items"]]
    assert paged == [i["id"] for i in everything["items"]]


def test_limit_of_one_hundred_is_accepted_and_bad_paging_is_refused(get):
    InstitutionFactory.create_batch(3)
    call = get(member(Role.REGISTRAR))
    assert call(LIST, {"limit": 100}).status_code == 200
    for params in ({"limit": 0}, {"limit": -1}, {"offset": -1}, {"limit": "ten"}):
        response = call(LIST, params)
        assert response.status_code == 422, params
        assert response["Content-Type"].startswith("application/json")


def test_unknown_id_answers_404_json(get):
    response = get(member(Role.REGISTRAR))(f"{LIST}/999999")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_inactive_institution_is_neither_listed_nor_opened_for_non_admins(get):
    closed = InstitutionFactory(name="Closed", active=False)
    call = get(member(Role.REGISTRAR))
    body = call(LIST).json()
    assert closed.pk not in [i["id"] for i in body["items"]]
    assert body["count"] == len(body["items"]) == 1
    assert call(f"{LIST}/{closed.pk}").status_code == 404


def test_admin_sees_inactive_institutions(get):
    closed = InstitutionFactory(name="Closed", active=False)
    call = get(member(Role.ADMIN))
    ids = [i["id"] for i in call(LIST).json()["items"]]
    assert closed.pk in ids
    assert call(f"{LIST}/{closed.pk}").json()["active"] is False


def test_paths_take_no_trailing_slash(get):
    call = get(member(Role.REGISTRAR))
    assert call(LIST).status_code == 200
    assert call(LIST + "/").status_code == 404


def test_list_needs_a_token():
    InstitutionFactory()
    response = Client().get(LIST)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_list_query_count_does_not_grow_with_institutions(get, django_assert_max_num_queries):
    home = InstitutionFactory(capabilities=[Capability.SHELTER])
    call = get(member(Role.CASE_WORKER, institution=home))
    call(LIST)  # the token's first use records it; measure steady state
    with CaptureQueriesContext(connection) as few:
        assert call(LIST).json()["count"] == 1
    for n in range(12):
        InstitutionFactory(
            parent=home,
            type=institution_type(f"kind-{n}"),
            capabilities=[Capability.SHELTER, Capability.CHILD_PROTECTION],
        )
    with django_assert_max_num_queries(len(few)):
        body = call(LIST, {"limit": 100}).json()
    assert body["count"] == len(body["items"]) == 13
    assert all(len(i["capabilities"]) == 2 for i in body["items"] if i["id"] != home.pk)
    with django_assert_max_num_queries(8):
        call(LIST)
