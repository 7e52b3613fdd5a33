"""Search before create: matches in scope across scripts and spellings; nothing leaks."""

from __future__ import annotations

import base64
import re
import uuid
import zlib

import pytest
from django.test import Client

from palermo.core.models import AuditEntry
from palermo.core.roles import Capability, Role
from palermo.registry.models import DuplicateAlert
from palermo.registry.search import SearchQuery, search_persons
from palermo.testing.factories import member

from .factories import other_institution_user, register, registrar

pytestmark = pytest.mark.django_db


def found(actor, **query):
    return [m.person_id for m in search_persons(actor=actor, query=SearchQuery(**query)).matches]


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        (("Милица", "Јовановић"), ("Milica", "Jovanovic")),  # Serbian Cyrillic vs Latin
        (("Milica", "Jovanović"), ("Milica", "Jovanovic")),  # diacritics dropped
        (("Arta", "Krasniqi"), ("Arta", "Krasniki")),  # typo
        (("Arta", "Krasniqi"), ("Krasniqi", "Arta")),  # swapped
        (("Oleksandr", "Kovalenko"), ("Олександр", "Коваленко")),  # Ukrainian Cyrillic
    ],
)
def test_finds_the_same_person_across_scripts_and_spellings(registered, typed):
    actor = registrar()
    case = register(actor, *registered)
    dob = case.registration.date_of_birth
    assert case.person_id in found(
        actor, first_name=typed[0], last_name=typed[1], date_of_birth=dob
    )


def test_finds_by_exact_document_number_without_decrypting():
    actor = registrar()
    case = register(actor, "Drita", "Berisha", document_number="AB 1234567")
    assert found(actor, document_number="ab1234567") == [case.person_id]


def test_out_of_scope_matches_are_never_revealed_and_alert_the_coordinator(client_for):
    owner = registrar()
    case = register(owner, "Милица", "Јовановић")
    other = other_institution_user()
    assert (
        found(
            other,
            first_name="Milica",
            last_name="Jovanovic",
            date_of_birth=case.registration.date_of_birth,
        )
        == []
    )
    alert = DuplicateAlert.objects.get()
    assert alert.existing_person_id == case.person_id
    assert alert.searching_institution_id == other.principal.institution_id


def _search_page(client: Client, **data) -> str:
    page = client.post("/registry/search/", data).content.decode()
    # Remove what differs between any two requests (CSRF and signed tokens).
    return re.sub(r'value="[^"]{20,}"', 'value=""', page)


def test_the_page_is_identical_whether_or_not_something_matches_elsewhere(client_for):
    """Not even a count such as "one more match elsewhere": the searcher's page is the same."""
    other = other_institution_user()
    client = client_for(other)
    query = {"first_name": "Milica", "last_name": "Jovanovic", "birth_year": "1994"}
    before = _search_page(client, **query)
    register(registrar(), "Милица", "Јовановић", birth_year=1994)
    after = _search_page(client, **query)
    assert before == after
    assert "No likely match in your records." in after


def _readable(token: str) -> bytes:
    """What anyone holding a signed value reads of it without the key: its payload, in
    base64 (zlib-compressed when it starts with ".")."""
    payload = token.rsplit(":", 2)[0]
    packed = payload.removeprefix(".")
    raw = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
    return zlib.decompress(raw) if payload.startswith(".") else raw


def test_the_search_token_hides_a_match_elsewhere_even_as_its_length(client_for):
    """The hidden token carries the alert to the registration step, unreadable to the
    searcher and as long as when nothing matched elsewhere."""
    other = other_institution_user()
    client = client_for(other)
    query = {"first_name": "Milica", "last_name": "Jovanovic", "birth_year": "1994"}
    before = client.post("/registry/search/", query).context["token"]
    case = register(registrar(), "Милица", "Јовановић", birth_year=1994)
    after = client.post("/registry/search/", query).context["token"]
    alert = DuplicateAlert.objects.get()
    assert len(after) == len(before)
    readable = _readable(after)
    for secret in (alert.pk, case.person_id):
        for form in (str(secret).encode(), secret.hex.encode(), secret.bytes):
            assert form not in readable


def test_the_api_search_does_not_reveal_other_institutions_either():
    from palermo.accounts.tokens import token_issue

    register(registrar(), "Arta", "Krasniqi", birth_year=1990)
    other = other_institution_user()
    token = token_issue(actor=other, user=other, name="t", days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(
        "/api/v1/persons/search",
        {"first_name": "Arta", "last_name": "Krasniqi", "birth_year": 1990},
        content_type="application/json",
    )
    assert response.json() == {"items": [], "count": 0}


def test_names_are_posted_never_in_urls_or_the_audit_trail(client_for):
    actor = registrar()
    client = client_for(actor)
    assert (
        client.get("/registry/search/", {"last_name": "Krasniqi"}).status_code == 200
    )  # a GET searches nothing
    client.post("/registry/search/", {"first_name": "Arta", "last_name": "Krasniqi"})
    entry = AuditEntry.objects.filter(action="person.searched").get()
    assert "Krasniqi" not in str(entry.ids) + str(entry.fields) + entry.object_id
    assert set(entry.fields) == {"first_name", "last_name"}


def test_a_search_without_any_name_or_document_is_refused(client_for):
    response = client_for(registrar()).post("/registry/search/", {"sex": "female"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="person.searched").exists()


def test_roles_that_do_not_register_cannot_search(client_for):
    for role in (Role.ANALYST, Role.AUDITOR, Role.ADMIN, Role.COORDINATOR, Role.VICTIM_ADVOCATE):
        user = member(role, capabilities=(Capability.SERVICE_PROVIDER,))
        assert client_for(user).post("/registry/search/", {"last_name": "A"}).status_code == 403


def _save_form(first_name: str, last_name: str) -> dict[str, str]:
    """The registration page's fields as a registrar saves them."""
    return {
        "step": "save",
        "id-first_name": first_name,
        "id-last_name": last_name,
        "id-sex": "female",
        "id-citizenship": "XK",
        "id-document_type": "none",
        "case-kind": "nrm",
        "case-detection_date": "2026-01-10",
        "case-detection_source": "hotline",
        "case-country_of_exploitation": "XK",
        "case-trafficking_scope": "internal",
        "case-accompaniment": "unknown",
        "ex0-form": "labour",
        "ex0-country": "XK",
        "ex0-recruiter_relation": "employer",
        "ex1-country": "ZZ",
        "ex1-recruiter_relation": "unknown",
    }


def test_register_under_a_match_adds_a_registration_to_the_same_person(client_for):
    actor = registrar()
    case = register(actor, "Arta", "Krasniqi")
    client = client_for(actor)
    page = client.post("/registry/search/", {"first_name": "Arta", "last_name": "Krasniki"})
    token = page.context["token"]
    start = client.post(
        "/registry/register/",
        {
            "token": token,
            "person": str(case.person_id),
            "first_name": "Arta",
            "last_name": "Krasniki",
        },
    )
    assert start.status_code == 200
    assert start.context["identity_form"].initial["last_name"] == "Krasniki"
    saved = client.post(
        "/registry/register/",
        {"token": token, "person": str(case.person_id), **_save_form("Arta", "Krasniki")},
    )
    assert saved.status_code == 302
    case.person.refresh_from_db()
    assert case.person.registrations.count() == 2
    assert case.person.cases.count() == 2


def test_registering_after_a_match_elsewhere_links_the_alert_to_the_new_registration(client_for):
    """The coordinator's alert names the registration that followed the search: the token
    brought its id to the registration step."""
    case = register(registrar(), "Милица", "Јовановић", birth_year=1994)
    other = other_institution_user()
    client = client_for(other)
    query = {"first_name": "Milica", "last_name": "Jovanovic", "birth_year": "1994"}
    token = client.post("/registry/search/", query).context["token"]
    saved = client.post(
        "/registry/register/", {"token": token, **_save_form("Milica", "Jovanovic")}
    )
    assert saved.status_code == 302
    alert = DuplicateAlert.objects.get()
    assert alert.existing_person_id == case.person_id
    assert alert.new_registration is not None
    assert alert.new_registration.institution_id == other.principal.institution_id
    assert alert.new_registration.person_id != case.person_id


def test_a_token_cannot_be_used_to_attach_to_a_person_that_was_not_shown(client_for):
    actor = registrar()
    client = client_for(actor)
    page = client.post("/registry/search/", {"first_name": "Nobody", "last_name": "Nowhere"})
    stranger = register(registrar(), "Vjosa", "Gashi")
    response = client.post(
        "/registry/register/", {"token": page.context["token"], "person": str(stranger.person_id)}
    )
    assert response.status_code == 404


def test_the_name_keys_carry_the_year_of_birth_and_near_years_come_first(monkeypatch):
    """With more namesakes than the candidate limit, those born within two years of the
    query (or of unknown birth) are taken first, by the year kept on the name keys."""
    from palermo.registry import search
    from palermo.registry.models import NameKey

    actor = registrar()
    for _ in range(5):
        register(actor, "Arta", "Krasniqi", birth_year=1950)
    unknown = register(actor, "Arta", "Krasniqi", date_of_birth=None)
    target = register(actor, "Arta", "Krasniqi", birth_year=1991)
    assert set(
        NameKey.objects.filter(registration=target.registration).values_list(
            "birth_year", flat=True
        )
    ) == {1991}
    assert set(
        NameKey.objects.filter(registration=unknown.registration).values_list(
            "birth_year", flat=True
        )
    ) == {None}
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    ids, _by_document = search._candidate_ids(
        SearchQuery(first_name="Arta", last_name="Krasniqi", birth_year=1990)
    )
    assert {uuid.UUID(i) for i in ids} == {target.registration_id, unknown.registration_id}


def test_a_common_name_keeps_the_namesakes_born_nearest_the_query(monkeypatch):
    """More namesakes within two years of the query than the candidate limit: those born the
    query's own year come first, then a year either side, then two. (Read as one window, the
    index gave the earliest years first and cut the query's own.)"""
    from palermo.registry import search

    actor = registrar()
    born = {
        year: register(actor, "Arta", "Krasniqi", birth_year=year).registration_id
        for year in (1988, 1989, 1990, 1991, 1992)
    }
    monkeypatch.setattr(search, "MAX_CANDIDATES", 1)
    monkeypatch.setattr(search, "MAX_CANDIDATES_ONE_NAME", 1)
    query = SearchQuery(first_name="Arta", last_name="Krasniqi", birth_year=1990)
    ids, _by_document = search._candidate_ids(query)
    assert [uuid.UUID(i) for i in ids] == [born[1990]]
    monkeypatch.setattr(search, "MAX_CANDIDATES", 3)
    ids, _by_document = search._candidate_ids(query)
    assert {uuid.UUID(i) for i in ids} == {born[1989], born[1990], born[1991]}
    # By the surname alone, the namesakes tie on more: that search keeps its own, larger limit.
    monkeypatch.setattr(search, "MAX_CANDIDATES_ONE_NAME", 3)
    ids, _by_document = search._candidate_ids(SearchQuery(last_name="Krasniqi", birth_year=1990))
    assert {uuid.UUID(i) for i in ids} == {born[1989], born[1990], born[1991]}


@pytest.mark.parametrize(
    "identity",
    [
        {"sex": "female"},  # a full date of birth (the factory's)
        {"sex": "male", "date_of_birth": None, "birth_year": 1999},
        {"sex": "unknown", "date_of_birth": None, "age": 30, "citizenship": "ZZ"},
        {"place_of_birth": "Prizren", "citizenship": "AL"},
    ],
)
def test_candidates_are_prepared_as_the_engine_prepares_their_records(identity):
    """Search prepares its candidates from their typed values (``features_of``): the same
    features the nightly linkage and the review screen get from their records."""
    from palermo.dedup.engine.records import prepare_record
    from palermo.registry.linkage import CANDIDATE_FIELDS, features_of, record_of
    from palermo.registry.models import Registration

    case = register(registrar(), "Милица", "Јовановић-Shala", **identity)
    values = Registration.objects.filter(pk=case.registration_id).values(*CANDIDATE_FIELDS).get()
    assert features_of(values) == prepare_record(record_of(values))
    assert features_of(values).gn is not None
