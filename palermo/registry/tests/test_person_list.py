"""The person list: each filter and sort lists exactly its persons in scope, pages by key
keep them, bad input is named on its field, a fixed number of queries, children redacted."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from palermo.core.roles import Role
from palermo.registry.models import Case, Person
from palermo.testing.factories import member

from .factories import institution_of, other_institution_user, register, registrar, share

pytestmark = pytest.mark.django_db

URL = "/registry/persons/"


def created(person: Person, when: datetime) -> Person:
    Person.objects.filter(pk=person.pk).update(created_at=when)
    person.refresh_from_db()
    return person


@pytest.fixture
def world():
    """Alice's institution registered five persons (one of them also registered by Bob's);
    Bob's institution registered one more, which Alice never sees."""
    alice, bob = registrar(), other_institution_user()
    now = timezone.now()
    people = {
        "adult": register(alice, "Vesa", "Hoxha").person,
        "child": register(alice, "Besa", "Morina", child=True).person,
        "man": register(alice, "Driton", "Gashi", sex="male").person,
        "old": created(register(alice, "Jeta", "Shala").person, now - timedelta(days=3 * 366)),
        "shared": register(alice, "Nora", "Berisha").person,
        "bobs": register(bob, "Mira", "Kelmendi").person,
    }
    # Bob's institution registers her too, once a referral has shown her to it.
    share(Case.objects.get(person=people["shared"]), institution_of(bob))
    register(bob, "Nora", "Berisha", person=people["shared"])
    return alice, bob, people


def listed(client, **params) -> list:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [row.person.pk for row in response.context["rows"]]


def test_each_filter_lists_exactly_its_persons_in_scope(client_for, world):
    alice, bob, p = world
    client = client_for(alice)
    mine = {p[k].pk for k in ("adult", "child", "man", "old", "shared")}

    def found(**params):
        return set(listed(client, **params))

    assert found() == mine
    assert found(child="yes") == {p["child"].pk}
    assert found(child="no") == mine - {p["child"].pk}
    assert found(institution=institution_of(bob).pk) == {p["shared"].pk}
    assert found(institution=institution_of(alice).pk) == mine
    assert found(sex="male") == {p["man"].pk}
    assert found(sex="female") == mine - {p["man"].pk}  # the child: Alice is on its team
    assert found(sex="other") == set()
    assert found(year=p["old"].created_at.year) == {p["old"].pk}
    assert found(year=p["adult"].created_at.year) == mine - {p["old"].pk}
    assert found(child="no", sex="female", institution=institution_of(bob).pk) == {p["shared"].pk}
    # Bob sees his own two, whatever Alice's institution registered too.
    assert set(listed(client_for(bob), institution=institution_of(alice).pk)) == {p["shared"].pk}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"child": "no"},
        {"child": "yes"},
        {"sex": "female"},
        {"order": "pseudonym"},
        {"order": "created"},
        {"year": "YEAR"},
        {"institution": "BOBS"},
    ],
)
def test_a_person_of_another_institution_never_appears(client_for, world, params):
    alice, bob, p = world
    params = {
        k: {"YEAR": p["bobs"].created_at.year, "BOBS": institution_of(bob).pk}.get(v, v)
        for k, v in params.items()
    }
    assert p["bobs"].pk not in listed(client_for(alice), **params)
    if params.get("child") != "yes":  # Bob's person is an adult
        assert p["bobs"].pk in listed(client_for(bob), **params)


def test_sorts_newest_first_oldest_first_and_by_pseudonym(client_for):
    alice = registrar()
    now = timezone.now()
    persons = [
        created(register(alice, f"N{i}", "Gashi").person, now - timedelta(days=i)) for i in range(4)
    ]
    client = client_for(alice)
    newest = [x.pk for x in persons]
    assert listed(client) == newest
    assert listed(client, order="-created") == newest
    assert listed(client, order="created") == newest[::-1]
    by_pseudonym = [x.pk for x in sorted(persons, key=lambda x: x.pseudonym)]
    assert listed(client, order="pseudonym") == by_pseudonym


PERSON_PLANS = ["walk", "collect"]


def take_person_plan(monkeypatch, plan: str) -> None:
    """Make the institution, sex and year filters walk the list in order, checking each
    person, or collect the persons they match and sort them (``selectors.persons_for``)."""
    from palermo.registry import selectors

    walk = plan == "walk"
    monkeypatch.setattr(selectors, "_walk_persons_is_cheaper", lambda scope, i: walk)
    monkeypatch.setattr(selectors, "SEX_COLLECT_MAX", 0 if walk else 10**9)
    monkeypatch.setattr(selectors, "YEAR_COLLECT_MAX", 0 if walk else 10**9)


@pytest.mark.parametrize("plan", PERSON_PLANS)
@pytest.mark.parametrize("order", ["-created", "created", "pseudonym"])
def test_the_filters_list_the_same_persons_whichever_plan_they_take(
    client_for, monkeypatch, world, plan, order
):
    alice, bob, p = world
    take_person_plan(monkeypatch, plan)
    client = client_for(alice)
    mine = [p[k] for k in ("adult", "child", "man", "old", "shared")]
    newest = sorted(mine, key=lambda x: (x.created_at, x.pk), reverse=True)
    in_order = {
        "-created": newest,
        "created": newest[::-1],
        "pseudonym": sorted(mine, key=lambda x: x.pseudonym),
    }[order]

    def expected(*keys):
        return [x.pk for x in in_order if x in [p[k] for k in keys]]

    def found(**params):
        return listed(client, order=order, **params)

    assert found(institution=institution_of(bob).pk) == expected("shared")
    assert found(institution=institution_of(alice).pk) == expected(*p.keys())
    assert found(sex="female") == expected("adult", "child", "old", "shared")
    assert found(sex="male", child="no") == expected("man")
    assert found(year=p["adult"].created_at.year) == expected("adult", "child", "man", "shared")
    assert found(year=p["old"].created_at.year, sex="female") == expected("old")


def test_the_institution_filter_collects_for_an_institution_sharing_no_one(monkeypatch):
    """Walking the list for an institution that registered none of the user's persons reads
    every person in scope; collecting its (few) persons is cheaper. One that registered
    many of them is walked, unless walking costs more than its registrations."""
    from palermo.registry import selectors
    from palermo.registry.access import scope_for

    alice, bob, nobody = registrar(), other_institution_user(), other_institution_user()
    for i in range(4):
        case = register(alice, f"N{i}", "Gashi")
        share(case, institution_of(bob))
        register(bob, f"N{i}", "Gashi", person=case.person)
    scope = scope_for(alice)
    assert selectors._walk_persons_is_cheaper(scope, institution_of(alice).pk)
    assert not selectors._walk_persons_is_cheaper(scope, institution_of(nobody).pk)
    # Every one of Alice's persons, but only four registrations: collecting is cheaper.
    assert not selectors._walk_persons_is_cheaper(scope, institution_of(bob).pk)
    monkeypatch.setattr(selectors, "WALK_COST", 0.01)  # walking nearly free: it walks
    assert selectors._walk_persons_is_cheaper(scope, institution_of(bob).pk)


def _link(response, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', response.content.decode())
    return URL + html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("order", ["-created", "created", "pseudonym"])
@pytest.mark.parametrize("plan", PERSON_PLANS)
def test_pages_by_key_keep_the_filter_and_the_order(client_for, monkeypatch, order, plan):
    from palermo.registry.views import records

    monkeypatch.setattr(records, "PAGE_SIZE", 2)
    take_person_plan(monkeypatch, plan)
    alice = registrar()
    now = timezone.now().replace(month=6, day=15)  # one year, whatever the day
    children = [
        created(register(alice, f"C{i}", "Gashi", child=True).person, now - timedelta(days=i))
        for i in range(5)
    ]
    for i in range(3):
        created(register(alice, f"A{i}", "Hoxha").person, now - timedelta(days=i, hours=1))
    client = client_for(alice)
    params = {"child": "yes", "order": order, "sex": "female", "year": now.year}
    params["institution"] = institution_of(alice).pk
    response = client.get(URL, params)
    pages = [[r.person.pk for r in response.context["rows"]]]
    while (next_url := _link(response, "next")) is not None:
        assert "child=yes" in next_url
        assert "after=" in next_url
        response = client.get(next_url)
        pages.append([r.person.pk for r in response.context["rows"]])
    expected = {
        "-created": children,
        "created": children[::-1],
        "pseudonym": sorted(children, key=lambda x: x.pseudonym),
    }[order]
    assert [pk for page in pages for pk in page] == [x.pk for x in expected]
    assert [len(page) for page in pages] == [2, 2, 1]
    # Previous from the last page goes back by key, under the same filter.
    previous = _link(response, "prev")
    assert previous is not None
    assert "child=yes" in previous
    assert "before=" in previous
    assert [r.person.pk for r in client.get(previous).context["rows"]] == pages[1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("institution", "999999"),
        ("institution", "x"),
        ("year", "abc"),
        ("year", "1800"),
        ("sex", "nope"),
        ("child", "maybe"),
        ("order", "name"),
    ],
)
def test_a_bad_filter_is_named_and_the_list_is_not_filtered(client_for, world, field, value):
    alice, _bob, p = world
    response = client_for(alice).get(
        URL, {field: value, "child": "yes"} if field != "child" else {field: value}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    body = response.content.decode()
    assert 'class="invalid-feedback d-block"' in body
    assert f'id="id_{field}_error"' in body  # what the field's aria-describedby names
    assert 'aria-invalid="true"' in body
    listed_ids = {r.person.pk for r in response.context["rows"]}
    assert listed_ids == {p[k].pk for k in ("adult", "child", "man", "old", "shared")}


def test_the_form_is_labelled_and_keeps_what_was_chosen(client_for):
    alice = registrar()
    register(alice)
    body = client_for(alice).get(URL, {"sex": "male", "order": "pseudonym"}).content.decode()
    for field in ("child", "institution", "sex", "year", "order"):
        assert f'<label for="id_{field}"' in body
    assert '<option value="male" selected>' in body
    assert '<option value="pseudonym" selected>' in body
    assert 'type="submit"' in body


def _twice(case: Case, other) -> None:
    """``other``'s institution registers ``case``'s person too (after a referral)."""
    share(case, institution_of(other))
    register(other, "Arta", "Krasniqi", person=case.person, child=case.is_child)


@pytest.mark.parametrize(
    "params",
    [{}, {"child": "yes"}, {"child": "no", "sex": "female"}, {"order": "pseudonym", "year": "Y"}],
)
def test_filtered_pages_run_a_fixed_number_of_queries(
    client_for, django_assert_max_num_queries, params
):
    alice = registrar()
    other = other_institution_user()
    params = {k: timezone.now().year if v == "Y" else v for k, v in params.items()}
    params.setdefault("institution", institution_of(other).pk)
    _twice(register(alice, child=True), other)
    _twice(register(alice, "Vesa", "Hoxha"), other)
    client = client_for(alice)
    client.get(URL, params)
    with django_assert_max_num_queries(60) as few:
        client.get(URL, params)
    for i in range(12):
        case = register(alice, f"N{i}", "Gashi", child=i % 2 == 0)
        _twice(case, other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL, params)
    assert len(response.context["rows"]) > 1


def test_a_child_is_shown_by_pseudonym_outside_the_case_team(client_for):
    """The registrar is on the child's case team and sees the name; a colleague of the same
    institution is not, and sees the pseudonym only, under any filter; filtering by sex
    does not tell the colleague the child's sex either."""
    alice = registrar()
    colleague = member((Role.REGISTRAR, Role.CASE_WORKER), institution=institution_of(alice))
    child = register(alice, "Besa", "Morina", child=True).person
    adult = register(alice, "Vesa", "Hoxha").person

    def rows(user, **params):
        response = client_for(user).get(URL, params)
        return {r.person.pk: r for r in response.context["rows"]}

    assert rows(alice)[child.pk].display_name == "Besa Morina"
    for params in ({}, {"child": "yes"}, {"order": "pseudonym"}):
        row = rows(colleague, **params)[child.pk]
        assert row.child
        assert row.display_name == child.pseudonym
        assert row.sex == ""
    assert "Besa" not in client_for(colleague).get(URL, {"child": "yes"}).content.decode()
    assert set(rows(colleague, sex="female")) == {adult.pk}
    assert set(rows(alice, sex="female")) == {adult.pk, child.pk}
