"""The demo registry is big and varied enough to try every part of the system on."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from palermo.names import fold, levenshtein, to_latin
from palermo.registry.codes import Accompaniment, RelationKind, Script
from palermo.registry.models import (
    Case,
    CaseAccess,
    CaseSealMember,
    Person,
    PersonRelation,
    Registration,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """``seed_demo`` once for the module (about 6 s), rolled back after its last test."""
    logins = tmp_path_factory.mktemp("demo") / "logins.csv"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--logins", str(logins), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _pairs(registrations):
    """Every two registrations of different persons made by different institutions."""
    for i, a in enumerate(registrations):
        for b in registrations[i + 1 :]:
            if a.person_id != b.person_id and a.institution_id != b.institution_id:
                yield a, b


def _same_birth(a, b) -> bool:
    return a.birth_year is not None and a.birth_year == b.birth_year


def test_hundreds_of_persons_and_cases_are_held_across_institutions():
    assert Person.objects.count() >= 200
    assert Case.objects.count() >= 200
    holders = (
        CaseAccess.objects.filter(revoked_at__isnull=True)
        .values_list("institution", flat=True)
        .distinct()
    )
    assert len(set(holders)) >= 5
    registering = Case.objects.values_list("registering_institution", flat=True).distinct()
    assert len(set(registering)) >= 5


def test_there_are_accompanied_and_unaccompanied_children():
    children = Case.objects.filter(is_child=True)
    accompanied = children.filter(accompaniment=Accompaniment.ACCOMPANIED)
    assert accompanied.count() >= 3
    assert children.filter(accompaniment=Accompaniment.UNACCOMPANIED).count() >= 3
    assert PersonRelation.objects.filter(
        from_person__in=accompanied.values("person"), kind=RelationKind.ACCOMPANYING_ADULT
    ).exists()
    adults = Case.objects.filter(is_child=False)
    assert not adults.exclude(accompaniment=Accompaniment.NOT_APPLICABLE).exists()


def test_one_case_is_sealed_with_named_users_who_may_still_see_it():
    sealed = Case.objects.filter(sealed=True)
    assert sealed.count() >= 1
    case = sealed.first()
    assert case.sealed_at is not None
    assert case.sealed_by is not None
    assert CaseSealMember.objects.filter(case=case).exists()


def test_the_same_person_is_registered_by_two_institutions_in_cyrillic_and_in_latin():
    """Known duplicates for deduplication: one institution wrote the name in Cyrillic, the
    other in Latin letters (two separate persons until deduplication merges them)."""
    cyrillic = list(Registration.objects.filter(script=Script.CYRILLIC))
    latin = list(Registration.objects.filter(script=Script.LATIN))
    pairs = [
        (c, lat)
        for c in cyrillic
        for lat in latin
        if lat.institution_id != c.institution_id
        and lat.person_id != c.person_id
        and (lat.first_name, lat.last_name) == (to_latin(c.first_name), to_latin(c.last_name))
        and _same_birth(c, lat)
    ]
    assert len(pairs) >= 2


def test_the_same_person_is_registered_by_two_institutions_with_a_typo_in_the_name():
    """Another institution misspelled the surname (Krasniqi / Krasniki, Hoxha / Hodza)."""
    latin = list(Registration.objects.filter(script=Script.LATIN))
    typos = [
        (a, b)
        for a, b in _pairs(latin)
        if fold(a.first_name) == fold(b.first_name)
        and a.sex == b.sex
        and a.citizenship == b.citizenship
        and _same_birth(a, b)
        and a.last_name != b.last_name
        and levenshtein(a.last_name.lower(), b.last_name.lower(), 2) <= 2
    ]
    assert len(typos) >= 3
