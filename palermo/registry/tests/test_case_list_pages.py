"""The case list pages without counting every case: labelled previous/next links, no total."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.registry.views import records

from .factories import PLANS, other_institution_user, register, registrar, share, take_plan

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


def _link(html: str, rel: str) -> str | None:
    match = re.search(rf'rel="{rel}" href="([^"]*)"', _nav(html))
    return match.group(1).replace("&amp;", "&") if match else None


def test_pages_follow_each_other_with_labelled_links(client_for, three_cases):
    alice, cases = three_cases
    client = client_for(alice)

    first = client.get("/registry/cases/")
    html = first.content.decode()
    assert [r.case.pk for r in first.context["rows"]] == [cases[0].pk, cases[1].pk]
    assert "Previous" not in _nav(html)
    assert '<li class="page-item active" aria-current="page"><span class="page-link">1</span>' in (
        _nav(html)
    )
    next_link = _link(html, "next")
    assert next_link
    assert next_link.startswith("?page=2&after=")

    second = client.get("/registry/cases/" + next_link)
    html = second.content.decode()
    assert [r.case.pk for r in second.context["rows"]] == [cases[2].pk]
    assert '<span class="page-link">2</span>' in _nav(html)
    assert _link(html, "prev") == "?page=1"  # back to the plain first page
    assert "Next" not in _nav(html)


def test_links_keep_the_filters(client_for, three_cases):
    alice, _cases = three_cases
    html = client_for(alice).get("/registry/cases/", {"kind": "nrm"}).content.decode()
    assert (_link(html, "next") or "").startswith("?kind=nrm&page=2&after=")


@pytest.mark.parametrize("order", ["-detected", "detected", "reference", "state"])
def test_walking_next_then_previous_visits_every_case_once_in_order(client_for, monkeypatch, order):
    """Many cases share a detection date and a state: the key's last field (the id) breaks
    the ties, so that no case is skipped or shown twice at a page boundary."""
    monkeypatch.setattr(records, "PAGE_SIZE", 3)
    alice = registrar()
    today = timezone.localdate()
    cases = [
        register(alice, f"N{i}", "Gashi", detection=today - timedelta(days=i % 3))
        for i in range(11)
    ]
    cases[4].state = "closed"
    cases[4].save(update_fields=["state"])
    client = client_for(alice)
    expected = [r.case.pk for r in client.get("/registry/cases/", {"order": order}).context["rows"]]
    link: str | None = f"?order={order}"
    pages = []
    while link:
        response = client.get("/registry/cases/" + link)
        pages.append([r.case.pk for r in response.context["rows"]])
        assert response.context["page"].number == len(pages)
        link = _link(response.content.decode(), "next")
    walked = [pk for page in pages for pk in page]
    assert sorted(walked) == sorted(c.pk for c in cases)  # each case once
    assert walked[:3] == expected
    assert [len(p) for p in pages] == [3, 3, 3, 2]

    back = []
    link = _link(response.content.decode(), "prev")
    while link:
        response = client.get("/registry/cases/" + link)
        back.insert(0, [r.case.pk for r in response.context["rows"]])
        link = _link(response.content.decode(), "prev")
    assert back == pages[:-1]


def test_a_page_by_key_does_not_read_the_rows_before_it(client_for, three_cases):
    alice, _cases = three_cases
    client = client_for(alice)
    link = _link(client.get("/registry/cases/").content.decode(), "next")
    with CaptureQueriesContext(connection) as queries:
        client.get("/registry/cases/" + link)
    # The page statement, from the cases or from the institution's holdings joined to them.
    listed = [q["sql"] for q in queries.captured_queries if '"registry_case" c' in q["sql"]]
    assert listed
    assert not any("OFFSET" in sql.upper() for sql in listed)


def test_a_bad_key_shows_the_first_page(client_for, three_cases):
    """A key that is not base64, not JSON, of the wrong length or not a date: page 1."""
    alice, cases = three_cases
    client = client_for(alice)
    for key in (
        "x",
        "%%%",
        "W10",  # []
        "WyJub3QgYSBkYXRlIiwieCJd",  # ["not a date", "x"]
        "WyIyMDI2LTAxLTAxIiwieCJd",  # ["2026-01-01", "x"]
        "WyIyMDI2LTAxLTAxIiwgbnVsbF0",  # ["2026-01-01", null]
        "W3siYSI6IDF9LCBbMl1d",  # [{"a": 1}, [2]]
    ):
        for param in ("after", "before"):
            response = client.get("/registry/cases/", {param: key})
            assert response.status_code == 200
            rows = [r.case.pk for r in response.context["rows"]]
            assert rows == [cases[0].pk, cases[1].pk], (param, key)
            assert response.context["page"].number == 1


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


@pytest.mark.parametrize("plan", PLANS)
def test_the_institution_filter_pages_by_key_whichever_plan_it_takes(client_for, monkeypatch, plan):
    """Each plan's pages link by the list's key, forward and back: the walk of two
    institutions' shares reads one row a case, the collecting plan sorts by an expression
    (no index offers its order)."""
    from .factories import other_institution_user

    monkeypatch.setattr(records, "PAGE_SIZE", 2)
    alice = registrar()
    today = timezone.localdate()
    cases = [
        register(alice, f"N{i}", "Gashi", detection=today - timedelta(days=i // 2))
        for i in range(5)
    ]
    register(alice, "Besa", "Morina")  # not shared: never listed under the filter
    other = other_institution_user().memberships.first().institution
    for case in cases:
        share(case, other)
    take_plan(monkeypatch, plan, alice.memberships.first().institution, other)
    client = client_for(alice)
    order = "" if plan == "shares" else "&order=reference"  # the others' orders
    link, pages = f"?institution={other.pk}{order}", []
    while link:
        response = client.get("/registry/cases/" + link)
        pages.append([r.case.pk for r in response.context["rows"]])
        link = _link(response.content.decode(), "next")
    assert sorted(pk for page in pages for pk in page) == sorted(c.pk for c in cases)
    assert [len(p) for p in pages] == [2, 2, 1]
    back = _link(response.content.decode(), "prev")
    assert [r.case.pk for r in client.get("/registry/cases/" + back).context["rows"]] == pages[1]


def test_the_person_list_pages_by_key_too(client_for, monkeypatch):
    monkeypatch.setattr(records, "PAGE_SIZE", 2)
    alice = registrar()
    cases = [register(alice, f"N{i}", "Gashi") for i in range(5)]
    client = client_for(alice)
    link, pages = "", []
    with CaptureQueriesContext(connection) as queries:
        while link is not None:
            response = client.get("/registry/persons/" + link)
            pages.append([r.person.pk for r in response.context["rows"]])
            link = _link(response.content.decode(), "next")
    assert [len(p) for p in pages] == [2, 2, 1]
    walked = [pk for page in pages for pk in page]
    assert walked == [c.person_id for c in reversed(cases)]  # newest first, each once
    assert not any("COUNT(" in q["sql"].upper() and "registry_person" in q["sql"] for q in queries)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize(
    ("filters", "order", "index"),
    [
        ({"kind": "protection"}, "-detected", "case_kind_detected"),
        ({"is_child": True}, "-detected", "case_child_detected"),
        ({"state": "detected"}, "-detected", "case_state_detected"),
        ({}, "-detected", "case_detected_desc"),
        ({}, "detected", "case_detected_desc"),  # the same index, read backwards
    ],
)
def test_a_filtered_list_walks_the_index_of_its_filter_in_list_order(filters, order, index):
    """Kind, children and state filters read only their own cases, already in list order (no
    sort of every match); the plain list reads the cases in order, either way."""
    from palermo.registry.models import Case
    from palermo.registry.selectors import case_order

    qs = Case.objects.filter(**filters).order_by(*case_order(order))[:51]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"INDEX {index}" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def _sqlite_plan(client, path: str, pick) -> str:
    """SQLite's plan of the first statement ``pick`` chooses among those a GET of ``path``
    runs, its steps joined by " | "."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    statement = next(q["sql"] for q in queries if pick(q["sql"]))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + statement)
        return " | ".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_a_filtered_list_asks_whether_the_institution_holds_each_case_of_the_index_alone(
    client_for,
):
    """The scope's hold condition, probed once for every case a filtered list walks past,
    reads the (case, institution, revoked_at) index and never the access rows themselves."""
    alice = registrar()
    register(alice, "Arta", "Gashi")
    plan = _sqlite_plan(
        client_for(alice),
        "/registry/cases/?kind=nrm",
        lambda sql: "ORDER BY" in sql and "LIMIT 51" in sql,
    )
    assert "COVERING INDEX caseaccess_case" in plan, plan
    assert "INDEX case_kind_detected" in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("order", ["-detected", "detected"])
def test_the_unfiltered_list_walks_the_institutions_holdings_in_list_order(client_for, order):
    """The plain list reads its institution's access rows through the (institution,
    revoked_at, date, case) index, already in the list's order either way, and only then
    their cases: no case it does not show is read, nothing is sorted."""
    alice = registrar()
    register(alice, "Arta", "Gashi")
    plan = _sqlite_plan(
        client_for(alice),
        f"/registry/cases/?order={order}",
        lambda sql: "ORDER BY" in sql and "LIMIT 102" in sql,
    )
    assert plan.startswith("SEARCH a USING COVERING INDEX caseaccess_inst"), plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("order", ["-detected", "detected"])
def test_the_institution_filter_walks_the_holdings_index_alone_in_list_order(client_for, order):
    """The walk along an institution's holdings reads the (institution, revoked_at, date,
    case) index only, already in the list's order either way: no access row, no sort."""
    alice = registrar()
    register(alice, "Arta", "Gashi")
    mine = alice.principal.institution_id
    plan = _sqlite_plan(
        client_for(alice),
        f"/registry/cases/?institution={mine}&order={order}",
        lambda sql: 'FROM "registry_caseaccess" a WHERE' in sql,
    )
    assert "COVERING INDEX caseaccess_inst" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("order", ["-detected", "detected"])
def test_the_institution_filter_walks_the_pairs_shares_index_alone_in_list_order(client_for, order):
    """Filtered by another institution, the list reads the two institutions' shares
    through the (institution, other, date, case) index only, already in the list's order
    either way: no share row, no sort, no access row of either institution."""
    alice = registrar()
    case = register(alice, "Arta", "Gashi")
    other = other_institution_user().memberships.first().institution
    share(case, other)
    plan = _sqlite_plan(
        client_for(alice),
        f"/registry/cases/?institution={other.pk}&order={order}",
        lambda sql: 'FROM "registry_caseshare" s WHERE' in sql,
    )
    assert plan.startswith("SEARCH s USING COVERING INDEX caseshare_pair"), plan
    assert "TEMP B-TREE" not in plan, plan
    assert "caseaccess" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
@pytest.mark.parametrize("order", ["-detected", "detected"])
@pytest.mark.parametrize("query", ["", "institution={mine}&", "institution={other}&"])
def test_postgresql_can_walk_the_holdings_index_in_list_order_either_way(client_for, order, query):
    """The walks along an institution's holdings (the plain list's page, the institution
    filter's) can be answered in list order by the index itself, either way, so that a
    page reads its fifty rows and stops: with sorting made a last resort, the plan holds
    no sort. (Ordered on "revoked_at" ascending when it read the index backwards, the
    oldest-first list sorted all of the police's 800,000 holdings at 1M: 8.8 s.)"""
    alice = registrar()
    case = register(alice, "Arta", "Gashi")
    other = other_institution_user().memberships.first().institution
    share(case, other)
    mine = alice.principal.institution_id
    path = f"/registry/cases/?{query.format(mine=mine, other=other.pk)}order={order}"
    with CaptureQueriesContext(connection) as queries:
        assert client_for(alice).get(path).status_code == 200
    # The shares of a pair, or an institution's access rows.
    walked, index = (
        ('FROM "registry_caseshare" s', "caseshare_pair")
        if "other" in query
        else ('FROM "registry_caseaccess" a', "caseaccess_inst")
    )
    walks = [q["sql"] for q in queries if walked in q["sql"] and "ORDER BY" in q["sql"]]
    assert walks
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for walk in walks:
            cursor.execute("EXPLAIN " + walk)
            plan = " | ".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
            assert "Sort" not in plan, plan


# --- the plain-SQL page reads what the ORM's plan reads -------------------------------


def _orm_page(user, filters, order, params, size):
    """The page as the ORM's plan reads it (``cases_for`` + ``KeysetPage.seek``)."""
    from palermo.core.paging import KeysetPage
    from palermo.registry.selectors import case_order, case_page_queryset, cases_for

    return KeysetPage.seek(
        case_page_queryset(cases_for(user, filters, order)), case_order(order), params, size
    )


def _signature(page):
    return (
        [c.pk for c in page.object_list],
        page.has_next,
        page.has_previous,
        page.next_key,
        page.previous_key,
        page.number,
    )


def test_the_plain_sql_page_is_the_orms_page_in_every_order_filter_and_direction():
    """``case_list_page`` against ``cases_for`` + ``KeysetPage.seek`` (the API's plan): the
    same cases, links and numbers for every order, with detection dates tied, through Next
    to the end, Previous back to the start, and pages asked by number."""
    from palermo.registry.models import Exploitation
    from palermo.registry.selectors import CASE_ORDERS, CaseFilter, case_list_page

    alice = registrar()
    bob = other_institution_user()
    # Across a new year (in the past whatever today is): the year filter keeps the first six.
    start = date(timezone.localdate().year - 2, 12, 30)
    for i in range(13):
        case = register(
            alice if i % 2 else bob,
            f"Name{i}",
            "Gashi",
            detection=start + timedelta(days=i // 3),  # three cases a day: keys tie on dates
            child=i % 5 == 0,
            kind="nrm" if i % 4 else "protection",
        )
        if i % 4 == 0:
            share(case, alice.memberships.first().institution)
        if i % 3 != 1:  # begging too, in some of each day's cases
            Exploitation.objects.create(case=case, form="begging")
    filters = [
        CaseFilter(),
        CaseFilter(child=True),
        CaseFilter(kind="nrm"),
        CaseFilter(year=start.year),
        CaseFilter(form="begging"),  # walked along the holdings, as the year and no filter
        CaseFilter(form="begging", year=start.year),
        CaseFilter(form="begging", child=True),  # the cases' own plan
    ]
    for case_filter in filters:
        for order in CASE_ORDERS:
            page = case_list_page(alice, case_filter, order, {}, 2)
            assert _signature(page) == _signature(_orm_page(alice, case_filter, order, {}, 2))
            while page.has_next:
                params = {"after": page.next_key, "page": page.number + 1}
                page = case_list_page(alice, case_filter, order, params, 2)
                assert _signature(page) == _signature(
                    _orm_page(alice, case_filter, order, params, 2)
                )
            while page.previous_key:
                params = {"before": page.previous_key, "page": page.number - 1}
                page = case_list_page(alice, case_filter, order, params, 2)
                assert _signature(page) == _signature(
                    _orm_page(alice, case_filter, order, params, 2)
                )
            for number in (2, 3):
                params = {"page": number}
                assert _signature(case_list_page(alice, case_filter, order, params, 2)) == (
                    _signature(_orm_page(alice, case_filter, order, params, 2))
                )
