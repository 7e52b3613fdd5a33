"""Search details the performance work relies on: merged-away persons stay out, and a
repeated search reuses the day's alert instead of opening (and auditing) another."""

from __future__ import annotations

import pytest

from palermo.core.models import AuditEntry
from palermo.registry.access import visible_persons
from palermo.registry.models import DuplicateAlert, Person
from palermo.registry.search import SearchQuery, search_persons

from .factories import other_institution_user, register, registrar

pytestmark = pytest.mark.django_db


def test_a_merged_away_person_is_neither_found_nor_listed():
    actor = registrar()
    kept = register(actor, "Arta", "Krasniqi", birth_year=1990)
    absorbed = register(actor, "Arta", "Krasniqi", birth_year=1990)
    # The merge itself is the deduplication app's service; only its result matters here.
    Person.objects.filter(pk=absorbed.person_id).update(merged_into=kept.person_id)
    actor._registry_scope = None

    found = search_persons(
        actor=actor, query=SearchQuery(first_name="Arta", last_name="Krasniqi", birth_year=1990)
    )
    assert [m.person_id for m in found.matches] == [kept.person_id]
    assert set(visible_persons(actor).values_list("pk", flat=True)) == {kept.person_id}
    # Nor does it open an alert when another institution searches the name.
    search_persons(
        actor=other_institution_user(),
        query=SearchQuery(first_name="Arta", last_name="Krasniqi", birth_year=1990),
    )
    assert set(DuplicateAlert.objects.values_list("existing_person_id", flat=True)) == {
        kept.person_id
    }


def test_a_repeated_search_reuses_the_days_alert():
    owner = registrar()
    first = register(owner, "Милица", "Јовановић", birth_year=1994)
    second = register(owner, "Milica", "Jovanović", birth_year=1994)
    other = other_institution_user()
    query = SearchQuery(first_name="Milica", last_name="Jovanovic", birth_year=1994)

    alerts = search_persons(actor=other, query=query).alert_ids
    again = search_persons(actor=other, query=query).alert_ids

    assert sorted(map(str, alerts)) == sorted(map(str, again))
    assert set(DuplicateAlert.objects.values_list("existing_person_id", flat=True)) == {
        first.person_id,
        second.person_id,
    }
    assert DuplicateAlert.objects.count() == 2
    assert AuditEntry.objects.filter(action="duplicate.alerted").count() == 2
