"""List pages: filters, sorting, pagination, fixed query counts, one audit entry per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from palermo.core.models import AuditEntry
from palermo.core.roles import Role
from palermo.testing.factories import InstitutionFactory, member

from .factories import (
    PLANS,
    break_glass,
    other_institution_user,
    register,
    registrar,
    share,
    take_plan,
)

pytestmark = pytest.mark.django_db


def test_filters_by_kind_child_form_and_year(client_for):
    alice = registrar()
    adult = register(alice)
    child = register(alice, "Besa", "Morina", child=True)
    protection = register(alice, "Vesa", "Hoxha", kind="protection")
    old = register(alice, "Jeta", "Shala", detection=timezone.localdate() - timedelta(days=800))
    client = client_for(alice)

    def refs(**params):
        return {row.case.pk for row in client.get("/registry/cases/", params).context["rows"]}

    assert refs(kind="protection") == {protection.pk}
    assert refs(child="yes") == {child.pk}
    assert adult.pk in refs(child="no")
    assert child.pk not in refs(child="no")
    assert refs(form="sexual") == {adult.pk, child.pk, protection.pk, old.pk}
    assert refs(form="labour") == set()
    assert refs(year=old.detection_date.year) >= {old.pk}
    assert (
        old.pk not in refs(year=adult.detection_date.year)
        or old.detection_date.year == adult.detection_date.year
    )


def test_the_case_list_names_a_child_to_the_case_team_only(client_for):
    """A page's team membership is read with its holders (``selectors._page_facts``): the
    registrar, on the team of the case they registered, sees the child's name; a colleague
    of the same institution, not on the team, sees the pseudonym only."""
    alice = registrar()
    colleague = member(
        (Role.REGISTRAR, Role.CASE_WORKER), institution=alice.memberships.first().institution
    )
    child = register(alice, "Besa", "Morina", child=True)
    adult = register(alice, "Vesa", "Hoxha")

    def rows(user):
        return {r.case.pk: r for r in client_for(user).get("/registry/cases/").context["rows"]}

    mine, theirs = rows(alice), rows(colleague)
    assert mine[child.pk].on_team
    assert mine[child.pk].display_name == "Besa Morina"
    assert not theirs[child.pk].on_team
    assert theirs[child.pk].display_name == child.person.pseudonym
    assert theirs[adult.pk].display_name == "Vesa Hoxha"  # an adult's name is the institution's


def test_sorting_by_detection_date(client_for):
    alice = registrar()
    newer = register(alice, detection=timezone.localdate() - timedelta(days=1))
    older = register(alice, "B", "C", detection=timezone.localdate() - timedelta(days=100))
    client = client_for(alice)
    newest_first = [r.case.pk for r in client.get("/registry/cases/").context["rows"]]
    oldest_first = [
        r.case.pk for r in client.get("/registry/cases/", {"order": "detected"}).context["rows"]
    ]
    assert newest_first == [newer.pk, older.pk]
    assert oldest_first == [older.pk, newer.pk]


def test_a_list_page_is_one_audit_entry_listing_every_id(client_for):
    alice = registrar()
    cases = [register(alice, f"N{i}", "Gashi") for i in range(3)]
    client = client_for(alice)
    before = AuditEntry.objects.filter(action="case.read").count()
    client.get("/registry/cases/")
    entries = AuditEntry.objects.filter(action="case.read")
    assert entries.count() == before + 1
    assert set(entries.last().ids) == {str(c.pk) for c in cases}


@pytest.mark.parametrize("path", ["/registry/cases/", "/registry/persons/"])
def test_list_pages_run_a_fixed_number_of_queries(client_for, django_assert_max_num_queries, path):
    alice = registrar()
    register(alice)
    client = client_for(alice)
    client.get(path)
    with django_assert_max_num_queries(60) as few:
        client.get(path)
    for i in range(15):
        register(alice, f"N{i}", "Gashi", child=i % 3 == 0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(path)


def test_the_case_list_reads_the_institutions_once(client_for):
    """The filter's choices once (not again to render them), the user's own institutions
    with their memberships (not again for the menu), the holders' names with the rows."""
    alice = registrar()
    register(alice)
    client = client_for(alice)
    client.get("/registry/cases/")
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/registry/cases/").content.decode()
    from_institutions = [q for q in queries if 'FROM "institutions_institution"' in q["sql"]]
    assert len(from_institutions) == 1
    institution = alice.memberships.first().institution
    assert body.count(f">{institution.name}<") >= 2  # a filter choice, a holder of the case


@pytest.mark.parametrize("plan", PLANS)
def test_the_institution_filter_lists_the_shared_cases_whichever_plan_it_takes(
    client_for, monkeypatch, plan
):
    alice = registrar()
    older = register(alice, "Jeta", "Shala", detection=timezone.localdate() - timedelta(days=90))
    shared, mine_only = register(alice), register(alice, "Besa", "Morina")
    other = other_institution_user()
    other_institution = other.memberships.first().institution
    register(other, "Vesa", "Hoxha")  # the other institution's own case: not in alice's scope
    sealed = register(alice, "Dita", "Berisha")  # shared too, but sealed without naming her
    for case in (shared, older, sealed):
        share(case, other_institution)
    from palermo.core.roles import Role
    from palermo.registry.services import case_seal
    from palermo.testing.factories import member

    supervisor = member(Role.SUPERVISOR, institution=alice.memberships.first().institution)
    case_seal(actor=supervisor, case=sealed, reason="Official suspected of involvement")
    take_plan(monkeypatch, plan, alice.memberships.first().institution, other_institution)
    client = client_for(alice)

    def listed(**params):
        page = client.get("/registry/cases/", {"institution": other_institution.pk, **params})
        return [row.case.pk for row in page.context["rows"]]

    if plan == "shares":
        assert listed() == [shared.pk, older.pk]  # newest detection first
        assert listed(order="detected") == [older.pk, shared.pk]
    else:  # the other plans serve the other orders
        by_reference = sorted([shared, older], key=lambda c: c.reference)
        assert listed(order="reference") == [c.pk for c in by_reference]
    assert mine_only.pk in {r.case.pk for r in client.get("/registry/cases/").context["rows"]}


def test_the_institution_filter_lists_cases_opened_by_the_team_or_break_glass(client_for):
    """Reading the cases her institution shares with the police (none), the list still
    finds the cases she opens otherwise: through a case team alone, or break-glass."""
    from palermo.core.roles import Capability, Role
    from palermo.registry.services import team_add
    from palermo.testing.factories import InstitutionFactory, member

    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    worker = member((Role.CASE_WORKER, Role.SUPERVISOR), institution=shelter)
    police = registrar()
    police_institution = police.memberships.first().institution
    by_team = register(police, "Jeta", "Shala", detection=timezone.localdate() - timedelta(days=1))
    by_glass = register(police, "Vesa", "Hoxha", detection=timezone.localdate() - timedelta(days=3))
    register(police, "Besa", "Morina")  # neither: never listed
    supervisor = member(Role.SUPERVISOR, institution=police_institution)
    team_add(actor=supervisor, case=by_team, user=worker, institution=shelter)
    break_glass(worker, by_glass.person)
    page = client_for(worker).get("/registry/cases/", {"institution": police_institution.pk})
    assert [row.case.pk for row in page.context["rows"]] == [by_team.pk, by_glass.pk]


def test_the_institution_filter_walks_only_when_the_institution_shares_the_recent_cases(
    monkeypatch,
):
    """The plan follows the share of the user's recent cases the filtered institution holds:
    none shared means collecting (a walk would read every case in scope)."""
    from palermo.registry.access import scope_for
    from palermo.registry.selectors import _walk_is_cheaper

    alice = registrar()
    cases = [register(alice, f"N{i}", "Gashi") for i in range(4)]
    other = other_institution_user()
    other_institution = other.memberships.first().institution
    register(other, "Vesa", "Hoxha")
    scope = scope_for(alice)
    assert _walk_is_cheaper(scope, scope.institution_id)  # her own institution's cases
    assert not _walk_is_cheaper(scope, other_institution.pk)  # shares none of them
    for case in cases[:2]:
        share(case, other_institution)
    # Half of her cases, but the other institution holds only three: collecting is cheaper.
    assert not _walk_is_cheaper(scope, other_institution.pk)
    from palermo.registry import selectors

    monkeypatch.setattr(selectors, "WALK_COST", 0.01)  # walking nearly free: it walks
    assert _walk_is_cheaper(scope, other_institution.pk)


@pytest.mark.parametrize(
    ("field", "value"),
    [("institution", "999999"), ("institution", "x"), ("year", "1800"), ("kind", "nope")],
)
def test_a_bad_filter_is_named_and_the_list_is_not_filtered(client_for, field, value):
    alice = registrar()
    case = register(alice)
    response = client_for(alice).get("/registry/cases/", {field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert 'class="invalid-feedback d-block"' in html
    assert f'name="{field}"' in html
    assert 'aria-invalid="true"' in html  # the field itself is marked for assistive tech
    # The message is the element the field's aria-describedby names.
    assert f'aria-describedby="id_{field}_error"' in html
    assert f'id="id_{field}_error"' in html
    assert [r.case.pk for r in response.context["rows"]] == [case.pk]


def test_case_rows_escape_what_users_typed_and_show_badges_and_labels(client_for):
    alice = registrar()
    typed = register(alice, "<b>Ana</b>", 'O"Brien & <script>x</script>', child=True)
    client = client_for(alice)
    body = client.get("/registry/cases/").content.decode()
    table = body[body.index('<tbody id="case-rows">') : body.index("</tbody>")]
    assert "<script>" not in table
    assert "<b>" not in table
    # A child's identity is redacted outside the case team; the registrar is on it.
    assert "&lt;b&gt;Ana&lt;/b&gt; O&quot;Brien &amp; &lt;script&gt;x&lt;/script&gt;" in table
    assert f'href="/registry/cases/{typed.pk}/">{typed.reference}</a>' in table
    assert '<span class="badge text-bg-warning">Child</span>' in table
    assert "<td>NRM</td>" in table
    assert '<td class="small">Sexual exploitation</td>' in table  # the form by name


def test_an_empty_case_list_says_so(client_for):
    alice = registrar()
    register(alice)
    body = client_for(alice).get("/registry/cases/", {"kind": "protection"}).content.decode()
    assert '<tr><td colspan="7">No cases match.</td></tr>' in body


def test_the_filter_renders_each_request_its_own_values_language_and_institutions(client_for):
    """The filter's fields are rendered once per distinct filter and kept: what a request
    sees must still be its own selection, language, errors and the current institutions."""
    from palermo.testing.factories import InstitutionFactory

    alice = registrar()
    register(alice)
    client = client_for(alice)

    def filter_html(**params):
        body = client.get("/registry/cases/", params).content.decode()
        start = body.index('<form method="get"')
        return body[start : body.index("</form>", start)]

    assert '<label for="id_kind">Kind:</label>' in filter_html(kind="nrm")
    assert '<option value="protection" selected>' in filter_html(kind="protection")
    assert '<option value="protection" selected>' not in filter_html(kind="nrm")
    assert 'aria-invalid="true"' in filter_html(year="1800")
    assert 'aria-invalid="true"' not in filter_html(year="2020")
    # The same filter again: kept HTML, but in the language of the request and with an
    # institution added since.
    assert '<label for="id_kind">Kind:</label>' in filter_html(kind="nrm")
    client.post("/i18n/setlang/", {"language": "sq", "next": "/registry/cases/"})
    try:
        assert '<label for="id_kind">Lloji:</label>' in filter_html(kind="nrm")  # not the kept
        added = InstitutionFactory(name="Newly opened shelter")
        assert f'<option value="{added.pk}">Newly opened shelter</option>' in filter_html(
            kind="nrm"
        )
    finally:
        translation.activate("en")  # the test client leaves the last request's language active


@pytest.mark.nodb
def test_case_rows_label_each_row_by_its_own_values_and_sections():
    """The rows' tag translates and formats each kind, state, set of forms and date once a
    page: each row must still show its own, and forms only where the story may be read."""
    import uuid
    from datetime import date

    from palermo.core.roles import Section
    from palermo.registry.selectors import CaseItem, CaseRow
    from palermo.registry.templatetags.registry import case_rows

    def row(state, detected, sections, forms=("labour",)):
        item = CaseItem(
            uuid.uuid4(), f"R-{state}-{detected:%d}", uuid.uuid4(), "nrm",
            state, 1, detected, False, False, "P-1", "Ana", "B",
        )  # fmt: skip
        return CaseRow(item, frozenset(sections), "Ana B", ["Police"], list(forms), False, "/c/")

    story = {Section.METADATA, Section.STORY}
    with translation.override("en"):
        html = case_rows(
            [
                row("presumed_victim", date(2024, 1, 2), story),
                row("referred", date(2024, 1, 3), {Section.METADATA}),
                row("presumed_victim", date(2024, 1, 2), story, ("begging",)),
            ]
        )
    cells = [
        [cell.split(">", 1)[1].split("</td")[0] for cell in tr.split("<td")[1:]]
        for tr in html.split("<tr>")[1:]
    ]
    assert [c[3] for c in cells] == ["Presumed victim", "Referred", "Presumed victim"]
    assert cells[0][4] == cells[2][4] != cells[1][4]
    assert [c[5] for c in cells] == ["Forced labour or services", "", "Forced begging"]


def test_the_filter_memo_keeps_valid_filters_only_and_drops_the_oldest(monkeypatch):
    from palermo.core import forms as core_forms
    from palermo.registry.forms import CaseFilterForm

    monkeypatch.setattr(core_forms, "_RENDERED", {})
    monkeypatch.setattr(core_forms, "RENDERED_MAX", 2)

    def render(data):
        form = CaseFilterForm(data)
        form.is_valid()
        return form.fields_html()

    assert 'aria-invalid="true"' in render({"year": "17th century"})
    assert core_forms._RENDERED == {}  # what was typed is not kept
    for kind in ("nrm", "protection", ""):
        render({"kind": kind})
    kept = [dict(key[4])["kind"] for key in core_forms._RENDERED]
    assert kept == ["'protection'", "''"]  # the oldest went first


def test_the_first_pages_filter_follows_the_institutions_and_the_language(client_for):
    """The first page makes no filter form; the fields it keeps for it still list every
    active institution and speak the user's language."""
    alice = registrar()
    register(alice)
    client = client_for(alice)
    assert 'name="institution"' in client.get("/registry/cases/").content.decode()
    new = InstitutionFactory(name="Qendra e re")
    assert "Qendra e re" in client.get("/registry/cases/").content.decode()
    client.post("/i18n/setlang/", {"language": "sq", "next": "/registry/cases/"})
    shown = client.get("/registry/cases/").content.decode()
    assert "Qendra e re" in shown
    assert str(new.pk) in shown
    assert 'lang="sq"' in shown
    assert "Të gjitha" in shown
    translation.activate("en")
