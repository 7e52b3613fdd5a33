"""Who sees which persons, registrations and cases — and which sections of them.

Scopes (users.md): (1) the active institution registered, leads or holds an accepted
referral for the case (``CaseAccess``); (2) the user is on the case team (acting as the
institution they were added for); (3) break-glass on the person; (4) NRM oversight: the
coordinator role in an institution with the coordination capability sees every case's
metadata. Sealed cases are visible to their named users only. Location needs the case
team; a child's identity, contact and location need the case team. Out-of-scope records
do not exist for the user: every list, page, search, export and API starts here.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple, Protocol

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull

from palermo.core import sql
from palermo.core.access import Principal, principal_of, register_scope
from palermo.core.roles import Capability, Role, Section
from palermo.core.selectors import active_break_glass_sql

from .models import Case, CaseAccess, CaseSealMember, CaseTeamMember, Person, Registration

PERSON_TYPE = "registry.person"
ALL_SECTIONS = frozenset(Section.values)
CHILD_PROTECTED = frozenset({Section.IDENTITY, Section.CONTACT, Section.LOCATION})
MAX_INLINE_IDS = 500  # more case ids than this go to the database as a subquery


class CaseLike(Protocol):
    """What deciding a case's sections reads: a ``Case`` or a list's ``CaseItem``."""

    @property
    def pk(self) -> Any: ...
    @property
    def person_id(self) -> Any: ...
    @property
    def sealed(self) -> bool: ...
    @property
    def is_child(self) -> bool: ...


class HeldAccess(NamedTuple):
    """An institution's live hold on a case, as lists read it (``CaseAccess`` fields)."""

    institution_id: int
    sections: list[str]
    revoked_at: Any = None


@dataclass
class Scope:
    """Everything needed to decide a user's access, loaded once per request."""

    user: Any
    principal: Principal

    @cached_property
    def readable(self) -> frozenset[str]:
        """Sections the user's roles may read at all in the active institution."""
        return frozenset(s for s in Section.values if self.principal.can("person.read", s))

    @property
    def institution_id(self) -> int:
        """The active institution (0, which matches nothing, when there is none)."""
        return self.principal.institution_id or 0

    @property
    def active(self) -> bool:
        return Section.METADATA in self.readable

    @cached_property
    def oversight(self) -> bool:
        p = self.principal
        return Role.COORDINATOR in p.roles and Capability.COORDINATION in p.capabilities

    @cached_property
    def team_case_ids(self) -> TeamCases:
        """``case_id in scope.team_case_ids``: whether the user is on that case's team."""
        return TeamCases(self._team_rows)

    def _team_rows(self) -> QuerySet[CaseTeamMember]:
        """The user's live team memberships for the active institution (built only when a
        question is not answered by a page's own statement: ``TeamCases.learn``)."""
        if not self.active:
            return CaseTeamMember.objects.none()
        return CaseTeamMember.objects.filter(
            user_id=self.principal.user_id,
            institution_id=self.institution_id,
            removed_at__isnull=True,
        )

    @property
    def beyond_hold_case_ids(self) -> frozenset[uuid.UUID]:
        """The cases the user opens through a case team alone: their institution holds no
        live access to them (``CaseTeamMember.beyond_hold``)."""
        return self._opened_alone[0]

    @property
    def glass_person_ids(self) -> frozenset[uuid.UUID]:
        """The persons the user opens by break-glass (``core.selectors.active_break_glass_ids``)."""
        return self._opened_alone[1]

    @cached_property
    def _opened_alone(self) -> tuple[frozenset[uuid.UUID], frozenset[uuid.UUID]]:
        """``beyond_hold_case_ids`` and ``glass_person_ids``, asked in one statement: a list
        asks both, and a round trip costs more than either answer (each is an index range,
        usually empty)."""
        if not self.active:
            return frozenset(), frozenset()
        t = CaseTeamMember
        # Plain SQL (``core.sql``), every term of the partial index ``caseteam_beyond_hold``
        # spelt as its definition has it: the queryset cost 0.5 ms of building a request.
        on_team, params = self.team_sql()
        glass, glass_params = active_break_glass_sql(self.user, PERSON_TYPE)
        statement = (
            f"SELECT 't', CAST({sql.column(t, 'case')} AS TEXT) FROM {sql.table(t)}"  # noqa: S608
            f" WHERE {on_team} AND {sql.column(t, 'beyond_hold')} = {sql.true()}"
            f" UNION ALL SELECT 'g', g.* FROM ({glass}) AS g"
        )
        found: dict[str, set[uuid.UUID]] = {"t": set(), "g": set()}
        for which, record_id in sql.rows(statement, params + glass_params):
            found[which].add(uuid.UUID(record_id))
        return frozenset(found["t"]), frozenset(found["g"])

    def team_sql(self) -> tuple[str, list[Any]]:
        """The condition ``team_case_ids.rows`` puts on ``CaseTeamMember`` (the user's live
        membership for the active institution), as plain SQL and its parameters, for the
        statements written in ``core.sql``. Only for an active scope (an inactive one's team
        is empty)."""
        t = CaseTeamMember
        condition = (
            f"{sql.column(t, 'user')} = %s AND {sql.column(t, 'institution')} = %s"
            f" AND {sql.column(t, 'removed_at')} IS NULL"
        )
        return condition, [self.principal.user_id, self.institution_id]

    @property
    def my_seals(self) -> QuerySet[CaseSealMember]:
        return CaseSealMember.objects.filter(user_id=self.principal.user_id)

    @cached_property
    def sealed_for_me(self) -> frozenset[uuid.UUID]:
        """The sealed cases this user is named on; loaded only when a sealed case is met
        (lists filter by ``my_seals`` in the database)."""
        return frozenset(self.my_seals.values_list("case_id", flat=True))

    # --- querysets ------------------------------------------------------------
    def cases(self) -> QuerySet[Case]:
        if not self.active:
            return Case.objects.none()
        if self.oversight:
            qs = Case.objects.all()
        else:
            # A correlated subquery, not ``pk IN (…)``: a list page walks the cases in list
            # order and stops after one page, probing the access index per case, instead of
            # first collecting every case a big institution holds.
            held = CaseAccess.objects.filter(
                case=OuterRef("pk"),
                institution_id=self.institution_id,
                revoked_at__isnull=True,
            )
            # The team adds only the cases it alone opens (``CaseTeamMember.beyond_hold``:
            # usually none, a few for a member from another institution), not a probe of the
            # team per case: a registrar is on the team of every case they registered, which
            # their institution holds anyway.
            beyond = self.beyond_hold_case_ids
            if beyond:
                # A scalar subquery: PostgreSQL plans an OR of EXISTS by hashing every row the
                # institution holds before the first case is listed.
                condition = Q(IsNull(Subquery(held.values("pk")[:1]), False)) | Q(
                    pk__in=beyond
                    if len(beyond) <= MAX_INLINE_IDS
                    else self.team_case_ids.rows.filter(beyond_hold=True).values("case_id")
                )
            else:
                condition = Q(Exists(held))
            if self.glass_person_ids:
                condition |= Q(person_id__in=self.glass_person_ids)
            qs = Case.objects.filter(condition)
        return qs.filter(self.unsealed())

    def cases_sql(self, alias: str) -> tuple[str, list[Any]]:
        """The condition ``cases()`` puts on a case, in plain SQL (``core.sql``) on the case
        table as ``alias``, and its parameters: for the case list, whose page statement is
        written by hand (``selectors.case_list_page``). It selects exactly what ``cases()`` does,
        term for term in the same shapes, so that the databases plan both alike
        (``tests/test_access.py`` compares the two in every scope)."""
        if not self.active:
            return "1 = 0", []
        c, a, t = Case, CaseAccess, CaseTeamMember
        case_id = f"{alias}.{sql.column(c, 'id')}"
        params: list[Any] = []
        terms: list[str] = []
        if not self.oversight:
            held = (
                f"FROM {sql.table(a)} h WHERE h.{sql.column(a, 'case')} = {case_id}"
                f" AND h.{sql.column(a, 'institution')} = %s AND h.{sql.column(a, 'revoked_at')} IS NULL"
            )
            params.append(self.institution_id)
            beyond = self.beyond_hold_case_ids
            if beyond:
                condition = f"(SELECT h.{sql.column(a, 'id')} {held} LIMIT 1) IS NOT NULL"
                if len(beyond) <= MAX_INLINE_IDS:
                    condition += f" OR {case_id} IN ({sql.marks(len(beyond))})"
                    params += sql.uuids(beyond)
                else:
                    on_team, team_params = self.team_sql()
                    condition += (
                        f" OR {case_id} IN (SELECT {sql.column(t, 'case')} FROM {sql.table(t)}"  # noqa: S608
                        f" WHERE {on_team} AND {sql.column(t, 'beyond_hold')} = {sql.true()})"
                    )
                    params += team_params
            else:
                condition = f"EXISTS (SELECT 1 {held} LIMIT 1)"
            if self.glass_person_ids:
                person_id = f"{alias}.{sql.column(c, 'person')}"
                condition += f" OR {person_id} IN ({sql.marks(len(self.glass_person_ids))})"
                params += sql.uuids(self.glass_person_ids)
            terms.append(f"({condition})")
        unsealed, unsealed_params = self.unsealed_sql(alias)
        return " AND ".join([*terms, unsealed]), params + unsealed_params

    def unsealed_sql(self, alias: str) -> tuple[str, list[Any]]:
        """``unsealed()`` in plain SQL on the case table as ``alias``, and its parameters.
        The false is written in, not passed: PostgreSQL then estimates a prepared
        statement's generic plan from the share of unsealed cases, not from a guess, and
        can keep it (``selectors._holdings_walk``)."""
        c, s = Case, CaseSealMember
        condition = (
            f"({alias}.{sql.column(c, 'sealed')} = {sql.false()} OR {alias}.{sql.column(c, 'id')} IN"  # noqa: S608
            f" (SELECT {sql.column(s, 'case')} FROM {sql.table(s)} WHERE {sql.column(s, 'user')} = %s))"
        )
        return condition, [self.principal.user_id]

    def unsealed(self) -> Q:
        """Cases not sealed, or sealed and naming this user. A subquery, not the ids: a
        user named on hundreds of sealed cases would otherwise cost a query, and as many
        parameters on every list."""
        return Q(sealed=False) | Q(pk__in=self.my_seals.values("case_id"))

    def persons(self) -> QuerySet[Person]:
        if not self.active:
            return Person.objects.none()
        own = Registration.objects.filter(person=OuterRef("pk"), institution_id=self.institution_id)
        condition = Q(Exists(self.cases().filter(person=OuterRef("pk")))) | Q(Exists(own))
        if self.glass_person_ids:
            condition |= Q(pk__in=self.glass_person_ids)
        # Not ``merged_into__isnull=True``: without statistics SQLite reads "IS NULL" as an
        # equality on the merged_into index, which every unmerged person matches, and walks
        # the whole table through it instead of the few ids a caller asks for.
        return Person.objects.filter(condition).exclude(merged_into__isnull=False)

    def registrations(self) -> QuerySet[Registration]:
        """Registrations whose content the user may see in some section beyond metadata:
        their institution's own, and those behind a case they hold with identity shared."""
        if not self.active:
            return Registration.objects.none()
        return Registration.objects.filter(
            Q(institution_id=self.institution_id) | Q(pk__in=self.cases().values("registration_id"))
        )

    # --- sections -------------------------------------------------------------
    def case_sections(
        self,
        case: CaseLike,
        access_rows: Iterable[CaseAccess | HeldAccess] | None = None,
        on_team: bool | None = None,
    ) -> frozenset[str]:
        """Sections of ``case`` this user may read (empty: the case does not exist for them).
        ``access_rows`` and ``on_team`` (whether the user is on its team) as a list read them
        for a whole page, else looked up."""
        if not self.active or (case.sealed and case.pk not in self.sealed_for_me):
            return frozenset()
        if access_rows is None:
            access_rows = CaseAccess.objects.filter(
                case_id=case.pk, institution_id=self.institution_id, revoked_at__isnull=True
            )
        if on_team is None:
            on_team = case.pk in self.team_case_ids
        base: set[str] = set()
        for row in access_rows:
            if row.institution_id != self.principal.institution_id or row.revoked_at:
                continue
            if row.sections:  # a referral or a child-protection notice: listed sections only
                base |= set(row.sections) | {Section.METADATA}
            else:
                base |= ALL_SECTIONS
        if on_team or case.person_id in self.glass_person_ids:
            base |= ALL_SECTIONS
        if self.oversight:
            base |= {Section.METADATA}
        sections = base & self.readable
        if not on_team:
            sections -= {Section.LOCATION}
            if case.is_child:
                sections -= CHILD_PROTECTED
        return frozenset(sections)

    def registration_sections(
        self, registration: Registration, *, child: bool, on_team: bool, shared: Iterable[str] = ()
    ) -> frozenset[str]:
        """Sections of a registration: its own institution sees what its roles allow; others
        see what a case they hold shares (``shared``). A child's identity, and anyone's
        location, need the case team (``on_team``: the user is on a case of the person)."""
        sections = set(shared)
        if registration.institution_id == self.principal.institution_id:
            sections |= ALL_SECTIONS
        if not on_team:
            sections -= {Section.LOCATION}
            if child:
                sections -= CHILD_PROTECTED
        return frozenset(sections & self.readable)


class TeamCases:
    """The cases a user is on the team of, looked up when asked: a registrar is on the team of
    every case they registered, which can be hundreds of thousands — too many to load on
    every request or to pass as query parameters. Answers are cached for the request;
    ``load(ids)`` answers a whole page of cases in one query."""

    def __init__(self, rows: Callable[[], QuerySet[CaseTeamMember]]) -> None:
        self._rows = rows
        self._known: dict[Any, bool] = {}

    @cached_property
    def rows(self) -> QuerySet[CaseTeamMember]:
        """The user's team rows, as a queryset built when first asked."""
        return self._rows()

    def load(self, case_ids: Iterable[Any]) -> None:
        missing = {i for i in case_ids if i not in self._known}
        if not missing:
            return
        on_team = set(self.rows.filter(case_id__in=missing).values_list("case_id", flat=True))
        self.learn({case_id: case_id in on_team for case_id in missing})

    def learn(self, answers: Mapping[Any, bool]) -> None:
        """Record answers read elsewhere (case id: whether the user is on its team), as
        ``load`` would have found them."""
        self._known.update(answers)

    def __contains__(self, case_id: object) -> bool:
        if case_id not in self._known:
            self.load([case_id])
        return self._known[case_id]


def scope_for(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request."""
    cached = getattr(user, "_registry_scope", None)
    principal = principal_of(user)
    if cached is None or cached.principal != principal:
        cached = Scope(user=user, principal=principal)
        with contextlib.suppress(AttributeError):  # AnonymousUser takes no attributes
            user._registry_scope = cached
    return cached


def visible_cases(user: Any) -> QuerySet[Case]:
    """Cases this user may open (own institution, referrals, case team, break-glass,
    oversight), sealed cases only for their named users."""
    return scope_for(user).cases()


def visible_persons(user: Any) -> QuerySet[Person]:
    return scope_for(user).persons()


def visible_registrations(user: Any) -> QuerySet[Registration]:
    return scope_for(user).registrations()


def _case_in_scope(user: Any, case: Case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def _person_in_scope(user: Any, person: Person) -> bool:
    return visible_persons(user).filter(pk=person.pk).exists()


register_scope(Case, _case_in_scope)
register_scope(Person, _person_in_scope)
