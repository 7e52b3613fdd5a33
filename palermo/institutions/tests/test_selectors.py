"""The institution filter's choices: read once a minute, yet never behind this process."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from palermo.institutions.selectors import active_choices
from palermo.testing.factories import InstitutionFactory

# The test settings cache nothing (DummyCache); production keeps a cache in each process.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("process_cache"),
]


@pytest.fixture
def process_cache():
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        cache.clear()
        yield
        cache.clear()


def test_choices_are_the_active_institutions_by_name_read_once():
    b = InstitutionFactory(name="B shelter")
    a = InstitutionFactory(name="A police")
    InstitutionFactory(name="C closed", active=False)
    assert [c for c in active_choices() if c[0] in (a.pk, b.pk)] == [
        (a.pk, "A police"),
        (b.pk, "B shelter"),
    ]
    assert "C closed" not in {name for _pk, name in active_choices()}
    with CaptureQueriesContext(connection) as queries:
        active_choices()
    assert len(queries) == 0


def test_a_new_renamed_or_closed_institution_shows_at_once():
    first = active_choices()
    new = InstitutionFactory(name="New centre")
    assert (new.pk, "New centre") in active_choices()
    new.name = "Renamed centre"
    new.save()
    assert (new.pk, "Renamed centre") in active_choices()
    new.active = False
    new.save()
    assert new.pk not in {pk for pk, _name in active_choices()}
    assert active_choices() == first
