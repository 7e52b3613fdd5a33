"""The case list pages without counting every case: labelled previous/next links, no total."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.registry.views import records

from .factories import register, registrar

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_cases(monkeypatch):
    monkeypatch.setattr(records, "PAGE_SIZE", 2)
    alice = registrar()
    today = timezone.localdate()
    cases = [
        register(alice, f"N{i}", "Gashi", detection=today - timedelta(days=10 + i))
        for i in range(3)
    ]
    return alice, cases


def _nav(html: str) -> str:
    match = re.search(r'<nav aria-label="Pages">.*?</nav>', html, re.S)
    assert match, "the list has a labelled page navigation"
    return match.group(0)


def test_pages_follow_each_other_with_labelled_links(client_for, three_cases):
    alice, cases = three_cases
    client = client_for(alice)

    first = client.get("/registry/cases/")
    nav = _nav(first.content.decode())
    assert [r.case.pk for r in first.context["rows"]] == [cases[0].pk, cases[1].pk]
    assert 'rel="next" href="?page=2">Next</a>' in nav
    assert "Previous" not in nav
    assert (
        '<li class="page-item active" aria-current="page"><span class="page-link">1</span>' in nav
    )

    second = client.get("/registry/cases/", {"page": 2})
    nav = _nav(second.content.decode())
    assert [r.case.pk for r in second.context["rows"]] == [cases[2].pk]
    assert 'rel="prev" href="?page=1">Previous</a>' in nav
    assert "Next" not in nav


def test_links_keep_the_filters(client_for, three_cases):
    alice, _cases = three_cases
    nav = _nav(client_for(alice).get("/registry/cases/", {"kind": "nrm"}).content.decode())
    assert 'href="?kind=nrm&amp;page=2"' in nav


def test_a_single_page_has_no_navigation(client_for):
    alice = registrar()
    register(alice)
    html = client_for(alice).get("/registry/cases/").content.decode()
    assert 'aria-label="Pages"' not in html


def test_a_bad_or_too_high_page_number_does_not_fail(client_for, three_cases):
    alice, cases = three_cases
    client = client_for(alice)
    assert [r.case.pk for r in client.get("/registry/cases/", {"page": "x"}).context["rows"]] == [
        cases[0].pk,
        cases[1].pk,
    ]
    beyond = client.get("/registry/cases/", {"page": 9})
    assert beyond.status_code == 200
    assert beyond.context["rows"] == []
    assert 'rel="prev" href="?page=8">Previous</a>' in _nav(beyond.content.decode())


def test_the_list_does_not_count_every_case(client_for, three_cases):
    alice, _cases = three_cases
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        client.get("/registry/cases/")
    counts = [
        q["sql"]
        for q in queries.captured_queries
        if "COUNT(" in q["sql"].upper() and "registry_case" in q["sql"]
    ]
    assert not counts
