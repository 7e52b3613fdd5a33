"""``CaseShare``: the cases two institutions both hold, which the institution filter reads.

A share row missing would hide a case from the filter (an extra one never shows a case out
of scope: the list's own scope condition still applies), so each write that grants or
revokes access keeps them, and these tests check them after each against the access rows.
"""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from palermo.core.roles import Capability, Role
from palermo.registry.models import CaseAccess, CaseShare
from palermo.registry.services import case_transfer
from palermo.registry.services.holds import refresh_shares
from palermo.testing.factories import InstitutionFactory, member

from .factories import institution_of, register, registrar, share

pytestmark = pytest.mark.django_db


def stored() -> set[tuple]:
    return set(CaseShare.objects.values_list("case_id", "institution_id", "other_id"))


def from_access() -> set[tuple]:
    """Every pair of institutions that both hold a case by a live row, worked out here."""
    holders: dict = {}
    for case_id, institution_id in CaseAccess.objects.filter(revoked_at=None).values_list(
        "case_id", "institution_id"
    ):
        holders.setdefault(case_id, set()).add(institution_id)
    return {
        (case_id, low, high)
        for case_id, held in holders.items()
        for low in held
        for high in held
        if low < high
    }


def filtered(client, institution) -> list:
    page = client.get("/registry/cases/", {"institution": institution.pk})
    return [row.case.pk for row in page.context["rows"]]


def test_a_case_held_by_one_institution_is_shared_with_none():
    register(registrar())
    assert stored() == set() == from_access()


def test_shares_follow_the_lead_through_transfers(client_for):
    police_user = registrar()
    police = institution_of(police_user)
    case = register(police_user)
    supervisor = member(Role.SUPERVISOR, institution=police)
    csw = InstitutionFactory(capabilities=(Capability.CHILD_PROTECTION,))
    case_transfer(
        actor=supervisor, case=case, to_institution=csw, reason="Case management by the CSW"
    )
    low, high = sorted((police.pk, csw.pk))
    assert stored() == {(case.pk, low, high)} == from_access()
    assert filtered(client_for(police_user), csw) == [case.pk]
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    case.refresh_from_db()
    case_transfer(
        actor=member(Role.SUPERVISOR, institution=csw),
        case=case,
        to_institution=shelter,
        reason="The shelter takes the case over",
    )
    # The CSW's lead is revoked: it shares the case with nobody any more.
    assert stored() == from_access()
    assert {(low, high) for _case, low, high in stored()} == {
        tuple(sorted((police.pk, shelter.pk)))
    }
    assert filtered(client_for(police_user), csw) == []
    assert filtered(client_for(police_user), shelter) == [case.pk]


def test_a_case_held_twice_by_one_institution_is_one_share_a_pair():
    """The registering institution holds its case by two rows (registered, lead)."""
    police_user = registrar()
    case = register(police_user)
    other = InstitutionFactory()
    share(case, other)
    assert (
        CaseAccess.objects.filter(case=case, institution=institution_of(police_user)).count() == 2
    )
    assert stored() == {(case.pk, *sorted((institution_of(police_user).pk, other.pk)))}


def test_refreshing_rewrites_only_the_cases_asked_and_every_case_without_any():
    police_user = registrar()
    first, second = register(police_user), register(police_user, "Besa", "Morina")
    other = InstitutionFactory()
    share(first, other)
    share(second, other)
    expected = from_access()
    CaseShare.objects.all().delete()
    assert refresh_shares([first.pk]) == 1
    assert {row[0] for row in stored()} == {first.pk}
    assert refresh_shares() == 2
    assert stored() == expected
    CaseAccess.objects.filter(case=second, institution=other).update(revoked_at="2026-01-01T00:00Z")
    refresh_shares([second.pk])
    assert stored() == from_access() == {row for row in expected if row[0] == first.pk}


def test_the_migration_shares_the_cases_it_finds():
    police_user = registrar()
    case = register(police_user)
    other = InstitutionFactory()
    share(case, other)
    expected = from_access()
    CaseShare.objects.all().delete()
    migration = importlib.import_module("palermo.registry.migrations.0011_case_shares")
    from django.db import connection

    migration.share_held_cases(apps, connection.schema_editor())
    assert stored() == expected
