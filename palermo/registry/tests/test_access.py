"""The four visibility scopes, sections, children, sealed cases — in the UI and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palermo.core import sql
from palermo.core.models import AuditEntry, BreakGlassGrant
from palermo.core.roles import Capability, Role, Section
from palermo.registry.access import scope_for, visible_cases, visible_persons
from palermo.registry.models import Case
from palermo.registry.services import case_seal, case_transfer, team_add
from palermo.testing.factories import InstitutionFactory, member

from .factories import (
    PERSONAL,
    break_glass,
    institution_of,
    other_institution_user,
    register,
    registrar,
    share,
)

pytestmark = pytest.mark.django_db


def colleague(user, roles):
    return member(roles, institution=institution_of(user))


# --- scope 1: the institution that registered the case ---------------------------------


def test_the_registering_institution_sees_its_case_and_person(client_for):
    alice = registrar()
    case = register(alice)
    bob = colleague(alice, Role.CASE_WORKER)
    assert list(visible_cases(bob)) == [case]
    assert list(visible_persons(bob)) == [case.person]
    page = client_for(bob).get(f"/registry/cases/{case.pk}/")
    assert page.status_code == 200
    assert "Arta Krasniqi" in page.content.decode()


def test_another_institution_sees_nothing_anywhere(client_for):
    case = register(registrar())
    outsider = other_institution_user()
    client = client_for(outsider)
    assert client.get(f"/registry/cases/{case.pk}/").status_code == 404
    assert client.get(f"/registry/persons/{case.person.pk}/").status_code == 404
    assert "Krasniqi" not in client.get("/registry/cases/").content.decode()
    assert "Krasniqi" not in client.get("/registry/persons/").content.decode()
    assert list(visible_cases(outsider)) == []


def test_sections_follow_roles_within_the_institution():
    alice = registrar()
    case = register(alice)
    investigator = colleague(alice, Role.INVESTIGATOR)
    registrar_only = colleague(alice, Role.REGISTRAR)
    supervisor = colleague(alice, Role.SUPERVISOR)
    assert Section.STORY in scope_for(investigator).case_sections(case)
    assert Section.HEALTH not in scope_for(investigator).case_sections(case)
    assert Section.STORY not in scope_for(registrar_only).case_sections(case)
    assert Section.IDENTITY in scope_for(registrar_only).case_sections(case)
    # Location: the case team only, even for a supervisor of the same institution.
    assert Section.LOCATION not in scope_for(supervisor).case_sections(case)
    assert Section.LOCATION in scope_for(alice).case_sections(case)  # the registrar is on the team


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ANALYST, Role.TRAINER, Role.AUDITOR])
def test_roles_without_record_rights_see_no_case_even_in_the_institution(client_for, role):
    alice = registrar()
    case = register(alice)
    user = colleague(alice, role)
    assert list(visible_cases(user)) == []
    assert client_for(user).get(f"/registry/cases/{case.pk}/").status_code == 403


# --- scope 2: the case team -----------------------------------------------------------


def test_a_team_member_from_another_institution_sees_the_case_while_on_the_team(client_for):
    alice = registrar()
    case = register(alice)
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    worker = member(Role.CASE_WORKER, institution=shelter)
    assert list(visible_cases(worker)) == []
    supervisor = colleague(alice, Role.SUPERVISOR)
    member_row = team_add(actor=supervisor, case=case, user=worker, institution=shelter)
    worker._registry_scope = None
    assert list(visible_cases(worker)) == [case]
    sections = scope_for(worker).case_sections(case)
    assert {Section.IDENTITY, Section.LOCATION, Section.HEALTH} <= sections
    assert client_for(worker).get(f"/registry/persons/{case.person.pk}/").status_code == 200
    from palermo.registry.services import team_remove

    team_remove(actor=supervisor, case=case, member=member_row)
    worker._registry_scope = None
    assert list(visible_cases(worker)) == []


# --- scope 3: break-glass -------------------------------------------------------------


def test_break_glass_opens_the_record_until_it_expires(client_for):
    case = register(registrar())
    supervisor = member(Role.SUPERVISOR, capabilities=PERSONAL)
    client = client_for(supervisor)
    assert client.get(f"/registry/persons/{case.person.pk}/").status_code == 404
    response = client.post(
        "/registry/break-glass/",
        {
            "reference": case.reference,
            "reason": "Life-threatening situation, holder unreachable",
            "hours": 3,
        },
    )
    assert response.status_code == 302
    assert client.get(f"/registry/persons/{case.person.pk}/").status_code == 200
    assert client.get(f"/registry/cases/{case.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="breakglass.granted", flagged=True).exists()
    BreakGlassGrant.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/registry/persons/{case.person.pk}/").status_code == 404


def test_break_glass_holds_only_while_acting_for_the_institution_it_was_granted_in():
    case = register(registrar())
    supervisor = member(Role.SUPERVISOR, capabilities=PERSONAL)
    granted_in = supervisor.last_institution
    break_glass(supervisor, case.person)
    assert case.person.pk in set(visible_persons(supervisor).values_list("pk", flat=True))
    other = InstitutionFactory(capabilities=PERSONAL)
    member(Role.REGISTRAR, institution=other, user=supervisor)

    def acting_for(institution):
        supervisor.act_as(institution.pk)
        supervisor._registry_scope = None
        return set(visible_persons(supervisor).values_list("pk", flat=True))

    assert case.person.pk not in acting_for(other)
    assert case.person.pk in acting_for(granted_in)


def test_the_cases_opened_by_the_team_alone_and_the_persons_by_break_glass_are_one_statement():
    """A list asks both; each answer keeps to its own kind of id (a case's, a person's)."""
    alice = registrar()
    on_team, glassed, neither = (
        register(alice),
        register(alice, "Jeta", "Shala"),
        register(alice, "Besa", "Morina"),
    )
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER, *PERSONAL))
    worker = member(Role.SUPERVISOR, institution=shelter)
    team_add(
        actor=colleague(alice, Role.SUPERVISOR), case=on_team, user=worker, institution=shelter
    )
    break_glass(worker, glassed.person)
    worker._registry_scope = None
    scope = scope_for(worker)
    with CaptureQueriesContext(connection) as queries:
        assert scope.beyond_hold_case_ids == {on_team.pk}
        assert scope.glass_person_ids == {glassed.person.pk}
    assert len(queries) == 1
    listed = set(visible_cases(worker).values_list("pk", flat=True))
    assert listed == {on_team.pk, glassed.pk}
    assert neither.pk not in listed


def test_break_glass_needs_an_allowed_role():
    case = register(registrar())
    worker = member(Role.REGISTRAR, capabilities=PERSONAL)
    with pytest.raises(PermissionDenied):
        break_glass(worker, case.person, "I would like to have a look please")


# --- scope 4: oversight ---------------------------------------------------------------


def coordinator():
    return member(Role.COORDINATOR, capabilities=(Capability.COORDINATION,))


def test_the_coordinator_sees_every_case_as_metadata_only(client_for):
    case = register(registrar())
    client = client_for(coordinator())
    listing = client.get("/registry/cases/").content.decode()
    assert case.reference in listing
    assert "Krasniqi" not in listing
    assert case.person.pseudonym in listing
    page = client.get(f"/registry/cases/{case.pk}/").content.decode()
    assert "Krasniqi" not in page
    assert "false job offer" not in page
    person_page = client.get(f"/registry/persons/{case.person.pk}/").content.decode()
    assert "Krasniqi" not in person_page


def test_a_coordinator_role_outside_the_coordination_office_has_no_oversight():
    register(registrar())
    user = member(Role.COORDINATOR, capabilities=PERSONAL)
    assert list(visible_cases(user)) == []


# --- children ------------------------------------------------------------------------


def test_a_childs_identity_is_shown_to_the_case_team_only(client_for):
    alice = registrar()
    case = register(alice, "Besa", "Morina", child=True)
    assert case.is_child
    bob = colleague(alice, Role.CASE_WORKER)  # same institution, not on the team
    client = client_for(bob)
    for url in (
        "/registry/cases/",
        f"/registry/cases/{case.pk}/",
        f"/registry/persons/{case.person.pk}/",
        "/registry/persons/",
    ):
        body = client.get(url).content.decode()
        assert "Morina" not in body, url
        assert case.person.pseudonym in body, url
    assert "Morina" in client_for(alice).get(f"/registry/cases/{case.pk}/").content.decode()


def test_presumed_minor_counts_as_a_child():
    case = register(registrar(), age=None, birth_year=None, date_of_birth=None, presumed_minor=True)
    assert case.is_child


# --- sealed cases ---------------------------------------------------------------------


def test_a_sealed_case_disappears_for_everyone_but_the_named_users(client_for):
    alice = registrar()
    case = register(alice)
    supervisor = colleague(alice, Role.SUPERVISOR)
    named = colleague(alice, Role.INVESTIGATOR)
    case_seal(
        actor=supervisor, case=case, reason="Official suspected of involvement", named_users=[named]
    )
    coord = coordinator()
    for user in (alice, coord, colleague(alice, Role.CASE_WORKER)):
        user._registry_scope = None
        client = client_for(user)
        assert client.get(f"/registry/cases/{case.pk}/").status_code == 404
        assert case.reference not in client.get("/registry/cases/").content.decode()
    attempts = AuditEntry.objects.filter(action="case.sealed_access_attempt", flagged=True)
    assert attempts.count() == 3
    assert client_for(named).get(f"/registry/cases/{case.pk}/").status_code == 200
    assert client_for(supervisor).get(f"/registry/cases/{case.pk}/").status_code == 200
    assert case.reference in client_for(named).get("/registry/cases/").content.decode()


def test_lists_find_a_users_sealed_cases_in_the_database_not_by_a_list_of_ids():
    """A user named on hundreds of sealed cases would otherwise cost a query and as many
    parameters on every list."""
    alice = registrar()
    case = register(alice)
    supervisor = colleague(alice, Role.SUPERVISOR)
    case_seal(actor=supervisor, case=case, reason="Official suspected of involvement")
    supervisor._registry_scope = None
    cases = visible_cases(supervisor)
    sql = str(cases.query)
    assert "casesealmember" in sql
    assert case.pk.hex not in sql
    assert str(case.pk) not in sql
    assert list(cases) == [case]


# --- transfers ------------------------------------------------------------------------


def test_transfer_gives_the_lead_to_another_institution_and_keeps_history(client_for):
    police_user = registrar()
    case = register(police_user)
    supervisor = colleague(police_user, Role.SUPERVISOR)
    csw = InstitutionFactory(capabilities=(Capability.CHILD_PROTECTION,))
    worker = member(Role.CASE_WORKER, institution=csw)
    case_transfer(
        actor=supervisor, case=case, to_institution=csw, reason="Case management by the CSW"
    )
    case.refresh_from_db()
    assert case.lead_institution == csw
    assert list(visible_cases(worker)) == [case]
    assert list(visible_cases(police_user)) == [case]  # it registered the case
    assert case.transfers.count() == 1
    with pytest.raises(PermissionDenied):
        case_transfer(
            actor=supervisor,
            case=case,
            to_institution=institution_of(police_user),
            reason="Taking it back now",
        )


# --- lists and ids agree --------------------------------------------------------------


def test_what_a_user_can_list_they_can_open_and_nothing_else(client_for):
    mine = [register(registrar()) for _ in range(1)]
    alice = mine[0].created_by
    more = register(alice, "Drita", "Berisha")
    theirs = register(registrar(), "Vjosa", "Gashi")
    client = client_for(colleague(alice, Role.CASE_WORKER))
    listing = client.get("/registry/cases/")
    listed = {row.case.pk for row in listing.context["rows"]}
    assert listed == {mine[0].pk, more.pk}
    for case in Case.objects.all():
        expected = 200 if case.pk in listed else 404
        assert client.get(f"/registry/cases/{case.pk}/").status_code == expected
    assert theirs.pk not in listed


def test_forms_of_exploitation_are_story_not_metadata(client_for):
    """The coordinator's oversight and a referral without the story do not learn how the
    person was exploited."""
    from django.test import Client

    from palermo.accounts.tokens import token_issue

    case = register(registrar())
    coord = coordinator()
    rows = client_for(coord).get("/registry/cases/").context["rows"]
    assert [r.forms for r in rows if r.case.pk == case.pk] == [["sexual"]]  # computed…
    body = client_for(coord).get("/registry/cases/").content.decode()
    table = body[body.index('<tbody id="case-rows">') :]
    assert "sexual" not in table.lower()  # …but not shown, by code or by name
    token = token_issue(actor=coord, user=coord, name="t", days=1)
    item = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(f"/api/v1/cases/{case.pk}").json()
    assert item["forms"] == []


# --- the case list's plain SQL selects what the querysets do ---------------------------


def _listed_by_sql(user) -> set:
    """The cases ``Scope.cases_sql`` selects for ``user`` (the case list's condition)."""
    condition, params = scope_for(user).cases_sql("c")
    statement = f"SELECT c.{sql.column(Case, 'id')} FROM {sql.table(Case)} c WHERE {condition}"  # noqa: S608
    return {sql.uuid_of(pk) for (pk,) in sql.rows(statement, params)}


@pytest.mark.parametrize("inline_ids", [True, False], ids=["team-ids-inline", "team-subquery"])
def test_the_case_lists_sql_condition_selects_exactly_the_scopes_cases(monkeypatch, inline_ids):
    """Every scope at once: own institution, referral, team beyond the hold (ids inline or,
    past ``MAX_INLINE_IDS``, a subquery), break-glass, oversight, sealed (named or not),
    child, and a role without record rights."""
    if not inline_ids:
        monkeypatch.setattr("palermo.registry.access.MAX_INLINE_IDS", 0)
    alice = registrar()
    own = register(alice)
    child = register(alice, "Drita", "Berisha", child=True)
    sealed = register(alice, "Vjosa", "Gashi")
    supervisor = colleague(alice, Role.SUPERVISOR)
    named = colleague(alice, Role.INVESTIGATOR)
    case_seal(
        actor=supervisor,
        case=sealed,
        reason="Official suspected of involvement",
        named_users=[named],
    )
    bob = other_institution_user()
    theirs = register(bob, "Ardit", "Hoxha")
    referred = register(bob, "Besa", "Morina")
    share(referred, institution_of(alice))
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    worker = member(Role.CASE_WORKER, institution=shelter)
    team_add(actor=supervisor, case=own, user=worker, institution=shelter)
    glass = member(Role.SUPERVISOR, capabilities=PERSONAL)
    break_glass(glass, theirs.person)
    expected = {
        alice: {own, child, referred},
        supervisor: {own, child, sealed, referred},
        named: {own, child, sealed, referred},
        bob: {theirs, referred},
        worker: {own},
        glass: {theirs},
        coordinator(): {own, child, theirs, referred},
        colleague(alice, Role.ANALYST): set(),
    }
    for user, cases in expected.items():
        user._registry_scope = None
        by_orm = set(scope_for(user).cases().values_list("pk", flat=True))
        assert by_orm == {c.pk for c in cases}, user.username
        assert _listed_by_sql(user) == by_orm, user.username


def test_the_case_lists_sql_condition_agrees_at_the_edges(monkeypatch):
    """A team-only case that is sealed (its member named or not), a removed team member, a
    revoked hold, break-glass on a person one of whose cases is sealed: ``cases_sql``
    selects what ``cases()`` does, with team ids inline and as a subquery."""
    from palermo.registry.models import CaseAccess
    from palermo.registry.services import team_remove

    alice = registrar()
    supervisor = colleague(alice, Role.SUPERVISOR)
    shelter = InstitutionFactory(capabilities=(Capability.SHELTER,))
    named, unnamed, removed = (member(Role.CASE_WORKER, institution=shelter) for _ in range(3))
    sealed = register(alice, "Vjosa", "Gashi")
    for worker in (named, unnamed):
        team_add(actor=supervisor, case=sealed, user=worker, institution=shelter)
    case_seal(
        actor=supervisor,
        case=sealed,
        reason="Official suspected of involvement",
        named_users=[named],
    )
    left = register(alice, "Besa", "Morina")
    team_remove(
        actor=supervisor,
        case=left,
        member=team_add(actor=supervisor, case=left, user=removed, institution=shelter),
    )
    bob = other_institution_user()
    revoked = register(bob, "Ardit", "Hoxha")
    CaseAccess.objects.create(
        case=revoked,
        institution=institution_of(alice),
        source=CaseAccess.Source.REFERRAL,
        detection_date=revoked.detection_date,
        revoked_at=timezone.now(),
    )
    twice = register(bob, "Drita", "Berisha")
    register(bob, person=twice.person)
    case_seal(
        actor=colleague(bob, Role.SUPERVISOR),
        case=twice,
        reason="Official suspected of involvement",
    )
    glass = member(Role.SUPERVISOR, capabilities=PERSONAL)
    break_glass(glass, twice.person)
    users = (alice, named, unnamed, removed, glass)
    for inline in (True, False):
        monkeypatch.setattr("palermo.registry.access.MAX_INLINE_IDS", 500 if inline else 0)
        for user in users:
            user._registry_scope = None
            by_orm = set(scope_for(user).cases().values_list("pk", flat=True))
            assert _listed_by_sql(user) == by_orm, (user.username, inline)
    assert sealed.pk in _listed_by_sql(named)
    assert sealed.pk not in _listed_by_sql(unnamed)
    assert left.pk not in _listed_by_sql(removed)
    assert revoked.pk not in _listed_by_sql(alice)
    assert twice.pk not in _listed_by_sql(glass)
    assert len(_listed_by_sql(glass)) == 1  # the person's other case, not the sealed one
