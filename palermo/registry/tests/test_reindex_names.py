"""``manage.py reindex_names`` rebuilds stale name keys so that search finds the person again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from palermo.registry.models import NameKey
from palermo.registry.search import SearchQuery, search_persons

from .factories import register, registrar

pytestmark = pytest.mark.django_db


def test_reindex_rebuilds_keys_lost_or_built_by_an_older_algorithm():
    actor = registrar()
    case = register(actor, "Xədicə", "Cəfərova", birth_year=1990)
    registration = case.registration
    # Keys as an older algorithm left them: none that today's search computes.
    NameKey.objects.filter(registration=registration).delete()
    NameKey.objects.create(registration=registration, key="stale")
    query = SearchQuery(first_name="Khadidzha", last_name="Dzhafarova", birth_year=1990)
    assert search_persons(actor=actor, query=query).matches == []

    out = StringIO()
    call_command("reindex_names", stdout=out)

    assert "Rebuilt name keys of 1 registrations" in out.getvalue()
    assert not NameKey.objects.filter(key="stale").exists()
    found = search_persons(actor=actor, query=query)
    assert [m.person_id for m in found.matches] == [registration.person_id]
