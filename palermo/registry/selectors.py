"""Reads for the registry's pages and API: lists with filters, and record pages with exactly
the sections the user may see. Everything starts from ``access.scope_for(user)``."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple, cast

from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.query import ValuesListIterable
from django.utils.translation import gettext_lazy as _

from palermo.core import sql
from palermo.core.models import AuditEntry
from palermo.core.paging import KeysetPage, Seek, beyond
from palermo.core.roles import Section
from palermo.core.selectors import about_records
from palermo.core.web import reverser
from palermo.institutions.models import Institution

from .access import HeldAccess, Scope, scope_for
from .codes import CaseKind, CaseState, ExploitationForm, Sex
from .models import (
    Case,
    CaseAccess,
    CaseEvent,
    CaseIndicator,
    CaseShare,
    CaseTeamMember,
    Exploitation,
    Person,
    PersonRelation,
    Registration,
)

CASE_ORDERS = {
    "-detected": ("-detection_date", "-id"),
    "detected": ("detection_date", "id"),
    "reference": ("reference",),  # unique
    "state": ("state", "-detection_date", "-id"),
}


# In detection order the institution filter walks holdings (``institution_page``). In the
# other orders, and for a page asked by number, it either walks the list in order, checking
# each case (a page costs about PAGE_ROWS / share cases, each probed for scope and holder),
# or collects every case the institution holds and sorts those in scope (about WALK_COST
# times cheaper per case, but all of them). It takes the cheaper by the share of the user's
# institution's recent cases the filtered one holds too. Walking for an institution the
# user barely shares reads every case in scope (8.6 s at a million on SQLite: Prizren's
# police filtering Peja's); collecting for a big one reads hundreds of thousands of cases
# to show fifty.
WALK_COST = 6
PAGE_ROWS = 51
SAMPLE = 500
HOLDINGS_TTL = 600


def cases_held() -> dict[int, int]:
    """How many cases each institution holds, counted at most every HOLDINGS_TTL seconds."""
    counts: dict[int, int] | None = cache.get("registry:cases-held")
    if counts is None:
        counts = dict(
            CaseAccess.objects.filter(revoked_at__isnull=True)
            .values_list("institution_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        cache.set("registry:cases-held", counts, HOLDINGS_TTL)
    return counts


def _held_by(institution_id: int) -> QuerySet[CaseAccess]:
    return CaseAccess.objects.filter(institution_id=institution_id, revoked_at__isnull=True)


def _share_among_recent(mine: int, institution_id: int) -> float:
    """The share of the user's institution's SAMPLE most recently detected cases that
    ``institution_id`` holds too: what a walk down the list will meet (a few milliseconds:
    one index range and SAMPLE probes)."""
    # "revoked_at" in the order (null in every row) lets PostgreSQL read the (institution,
    # revoked_at, -detection_date) index in order instead of sorting all the rows.
    recent = list(
        _held_by(mine)
        .order_by("revoked_at", "-detection_date")
        .values_list("case_id", flat=True)[:SAMPLE]
    )
    # Every holder of those cases, through the (case, institution) index; asking for the
    # institution's rows among them instead lets the planners scan all the institution's rows.
    holders = CaseAccess.objects.filter(case_id__in=recent, revoked_at__isnull=True)
    found = {c for c, i in holders.values_list("case_id", "institution_id") if i == institution_id}
    return len(found) / max(1, len(recent))


def _walk_is_cheaper(scope: Scope, institution_id: int) -> bool:
    held = cases_held()
    holds = held.get(institution_id, 0)
    if scope.oversight:  # every case is in scope
        share = holds / max(1, sum(held.values()))
    elif institution_id == scope.institution_id:
        return True
    else:
        share = _share_among_recent(scope.institution_id, institution_id)
    return share > 0 and PAGE_ROWS / share * WALK_COST < holds


def _unindexed(order: list[Any]) -> list[Any]:
    """The same order with its first key as an expression no index provides: the database
    then collects the (few) filtered cases first and sorts them, instead of walking the
    whole list in order hoping to meet them (PostgreSQL and SQLite both assume matches are
    spread evenly, and a small institution's cases are not: 15 s on PostgreSQL at 1M)."""
    first, *rest = order
    key = _no_index(first.removeprefix("-"))
    return [key.desc() if first.startswith("-") else key.asc(), *rest]


def _no_index(name: str) -> Coalesce:
    """The column ``name`` as an expression equal to it that no index provides: a condition
    or order on it then steers the planner away from that column's indexes."""
    return Coalesce(F(name), F(name))


@dataclass(frozen=True)
class CaseFilter:
    kind: str = ""
    institution_id: int | None = None
    child: bool | None = None
    form: str = ""
    year: int | None = None
    state: str = ""


def case_order(order: str) -> tuple[str, ...]:
    """The fields a case list is sorted by (the last one unique: pages link by their key)."""
    return CASE_ORDERS.get(order, CASE_ORDERS["-detected"])


def _filtered(qs: QuerySet[Case], filters: CaseFilter) -> QuerySet[Case]:
    """``qs`` under every filter but the institution's."""
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.child is not None:
        qs = qs.filter(is_child=filters.child)
    if filters.form:
        qs = qs.filter(Exists(Exploitation.objects.filter(case=OuterRef("pk"), form=filters.form)))
    if filters.year:
        qs = qs.filter(detection_date__year=filters.year)
    return qs


def cases_for(user: Any, filters: CaseFilter, order: str = "-detected") -> QuerySet[Case]:
    qs = _filtered(scope_for(user).cases(), filters)
    ordering: list[Any] = list(case_order(order))
    if filters.institution_id:
        held = _held_by(filters.institution_id)
        if _walk_is_cheaper(scope_for(user), filters.institution_id):
            qs = qs.filter(Exists(held.filter(case=OuterRef("pk"))))
        else:
            qs = qs.filter(pk__in=held.values("case_id"))
            ordering = _unindexed(ordering)
    return qs.order_by(*ordering)


# The fields a case list may be sorted by (``CASE_ORDERS``), all columns of the case.
_PAGE_KEY_FIELDS = {"detection_date", "id", "reference", "state"}


def case_list_page(
    user: Any, filters: CaseFilter, order: str, params: Mapping[str, Any], size: int
) -> KeysetPage:
    """The page of the case list ``params`` asks for (``KeysetPage.seek``'s ``after``,
    ``before`` or ``page``): the cases in the user's scope under ``filters``, in ``order``.

    Filtered by institution, ``institution_page`` reads it (else the ORM's plans in
    ``cases_for``). In detection order, unfiltered or by form or year, a user who opens
    cases only through their institution's holdings gets them by a walk along those
    (``_held_page_items``). Otherwise it is one statement of plain SQL (``core.sql``), the scope's
    condition from ``Scope.cases_sql``: through the ORM, building and compiling the same
    statement and converting its rows cost more than a millisecond and a half of every list
    request at a million cases, three times what the database takes to answer it."""
    if filters.institution_id:
        page = institution_page(user, filters, order, params, size)
        if page is None:
            qs = case_page_queryset(cases_for(user, filters, order))
            page = KeysetPage.seek(qs, case_order(order), params, size)
        return page
    keys = case_order(order)
    at = Seek.of(Case, keys, params)
    scope = scope_for(user)
    if _holdings_alone(scope, filters, keys, at):
        descending = keys[0].startswith("-") == at.forward
        items = _held_page_items(scope, filters, at.key, descending, size)
        return KeysetPage.read(items, keys, at, size)
    condition, values = scope.cases_sql("c")
    filtered, filter_values = _filter_sql(filters, "c")
    terms = [condition, *filtered]
    values += filter_values
    # Previous reads backwards from its key; the page is turned round in ``KeysetPage.read``.
    read = keys if at.forward else [k[1:] if k.startswith("-") else f"-{k}" for k in keys]
    if {k.removeprefix("-") for k in keys} - _PAGE_KEY_FIELDS:
        raise ValueError(f"not a case list order: {keys}")
    columns = [(f"c.{sql.column(Case, k.removeprefix('-'))}", k.startswith("-")) for k in read]
    if at.key is not None:
        names = [k.removeprefix("-") for k in read]
        key = [sql.value(Case, n, v) for n, v in zip(names, at.key, strict=True)]
        term, key_values = _beyond_sql(columns, key)
        terms.append(term)
        values += key_values
    # By key the page starts at its row; only a page asked by number is read by offset.
    offset = 0 if at.key is not None else (at.number - 1) * size
    values += [size + 1, offset] if offset else [size + 1]
    statement = (
        f"{_items_select()} WHERE {' AND '.join(terms)} ORDER BY {_ordering(columns)}"
        f" LIMIT %s{' OFFSET %s' if offset else ''}"
    )
    items = [_case_item(row) for row in sql.rows(statement, values)]
    return KeysetPage.read(items, keys, at, size)


# The filters a walk along the user's institution's holdings serves (``_held_page_items``):
# the form of exploitation has no index of its own among the cases (the walk probes only the
# institution's cases for it: the labour inspectorate's begging cases 58 -> 16 ms at 1M on
# PostgreSQL, 29 -> 10 ms on SQLite) and the year is a range of the walk's own index. Kind,
# state and children have their cases' list-order indexes (``case_*_detected``), which read
# fewer rows than the institution's holdings for a rare state (the police's identified
# cases through their holdings: 11 -> 362 ms).
WALKED_FILTERS = frozenset({"form", "year"})


def _holdings_alone(scope: Scope, filters: CaseFilter, keys: Sequence[str], at: Seek) -> bool:
    """Whether the page is read from the user's institution's holdings alone
    (``_held_page_items``): the list in detection order, unfiltered or filtered only by
    ``WALKED_FILTERS``, asked by key or from the top, of a user who opens no case otherwise
    (through a team alone, or break-glass)."""
    return (
        all(
            name in WALKED_FILTERS
            for name, value in vars(filters).items()
            if value not in ("", None)
        )
        and keys[0].removeprefix("-") == "detection_date"
        and (at.key is not None or at.number == 1)
        and scope.active
        and not scope.oversight
        and not scope.beyond_hold_case_ids
        and not scope.glass_person_ids
    )


def _held_page_items(
    scope: Scope, filters: CaseFilter, start: list[Any] | None, descending: bool, size: int
) -> list[CaseItem]:
    """The first ``size + 1`` cases after ``start`` (a (detection date, id) key) that the
    user's institution holds, the user may see unsealed and ``filters`` keep, walking the
    institution's access rows in list order through the (institution, revoked_at, date,
    case) index: unfiltered, every row walked is on the page. Walking the cases in that
    order and probing each for the hold read 335 cases to show the Prizren police's first
    51 and about 3,900 for the labour inspectorate's (the page statement at 1M on
    PostgreSQL: 1.2 -> 0.5 ms and 5.0 -> 1.0 ms). A case its institution holds by two rows
    (registered, lead) is kept once (``_holdings_walk``)."""
    a = CaseAccess
    unsealed, unsealed_values = scope.unsealed_sql("c")
    # The year as a range of the walk's own dates: the walk starts at the year's end. The
    # form probed by the access row's case id: a row without it is passed over before its
    # case is read (begging at 1M, the page through the police directorate's holdings:
    # 13.7 -> 12.3 ms on SQLite, 18.5 -> 16.4 on PostgreSQL; the labour inspectorate's
    # 11.8 -> 9.8 and 18.4 -> 16.5).
    on_case, case_values = _filter_sql(replace(filters, year=None, form=""), "c")
    on_access, access_values = _filter_sql(
        CaseFilter(year=filters.year, form=filters.form), "a", f"a.{sql.column(a, 'case')}"
    )
    head = (
        f"{_items_select(holdings=True)} WHERE a.{sql.column(a, 'institution')} = %s"
        f" AND a.{sql.column(a, 'revoked_at')} IS NULL"
        f" AND {' AND '.join([unsealed, *on_case, *on_access])}"
    )
    values = [scope.institution_id, *unsealed_values, *case_values, *access_values]
    # By the case's id as stored (column 0, ``_case_item``): the second row of a case held
    # twice is dropped before it is converted.
    items: dict[Any, CaseItem] = {}
    for row in _holdings_walk(head, values, start, descending, size, lambda r: [r[6], r[0]]):
        if row[0] not in items:
            items[row[0]] = _case_item(row)
            if len(items) > size:
                break
    return list(items.values())


# The alias a walk's statement gives the rows it walks (``_holdings_walk`` orders by it).
WALK_ALIAS: dict[type[CaseAccess | CaseShare], str] = {CaseAccess: "a", CaseShare: "s"}


def _holdings_walk(
    head: str,
    values: list[Any],
    start: list[Any] | None,
    descending: bool,
    size: int,
    key_of: Callable[[Sequence[Any]], list[Any]],
    over: type[CaseAccess | CaseShare] = CaseAccess,
) -> Iterator[Sequence[Any]]:
    """The rows of ``head`` (a ``SELECT`` from one institution's access rows ``a``, ending
    in its conditions; ``values`` its parameters) in list order after ``start`` (a
    (detection date, case id) key), through the (institution, revoked_at, date, case)
    index, twice a page's rows a statement: the institution that registered a case holds it
    by two rows, which come together in this order. The caller stops taking rows when it
    has enough; a next statement starts after the last row read (``key_of`` gives its
    detection date and case id as stored). ``over`` ``CaseShare``: the rows ``s`` of one
    pair of institutions instead, through its (institution, other, date, case) index."""
    a = WALK_ALIAS[over]
    columns = [
        (f"{a}.{sql.column(over, 'detection_date')}", descending),
        (f"{a}.{sql.column(over, 'case')}", descending),
    ]
    # A pair's two institutions are equalities: its index is read in the list's order as is.
    ordering = _holdings_ordering(columns, descending) if over is CaseAccess else _ordering(columns)
    # The limit is written into the statement, not passed: with a parameter there,
    # PostgreSQL plans the prepared walk again on every execution (a generic plan cannot
    # know how few rows it asks for), 0.9-1.5 ms of a 3 ms page statement at 1M. Written
    # in, it keeps one generic plan where it estimates that no dearer than the custom ones
    # it made first: the walk's plan is the same whatever the institution, dates and key.
    chunk = int(2 * (size + 1))
    key = (
        [sql.value(over, "detection_date", start[0]), sql.value(Case, "id", start[1])]
        if start
        else None
    )
    while True:
        after, after_values = _beyond_sql(columns, key) if key else ("", [])
        rows = sql.rows(
            f"{head}{f' AND {after}' if after else ''} ORDER BY {ordering} LIMIT {chunk}",
            [*values, *after_values],
        )
        yield from rows
        if len(rows) < chunk:
            return
        key = key_of(rows[-1])


def _holdings_ordering(columns: Sequence[tuple[str, bool]], descending: bool) -> str:
    """``ORDER BY`` of a walk along the access rows ``a`` in ``columns``' order (date, case)
    that the (institution, revoked_at, -date, -case) index gives as it is: "revoked_at"
    (null in every row walked) first, in the direction the index is read, forwards when
    descending and backwards otherwise. Ascending after it, PostgreSQL sorted every row the
    institution holds (the police's oldest first: 8.8 s at 1M)."""
    revoked = f"a.{sql.column(CaseAccess, 'revoked_at')} {'ASC' if descending else 'DESC'}"
    return f"{revoked}, {_ordering(columns)}"


def _items_select(*, holdings: bool = False) -> str:
    """``SELECT`` of a list's ``CaseItem`` columns from the case ``c`` with its person ``p``
    and registration ``r`` (``CASE_ROW_FIELDS``), for the plain-SQL pages; with
    ``holdings``, from the access rows ``a`` joined to their cases."""
    c, p, r, a = Case, Person, Registration, CaseAccess
    source = f"{sql.table(c)} c"
    if holdings:
        source = (
            f"{sql.table(a)} a JOIN {sql.table(c)} c"
            f" ON c.{sql.column(c, 'id')} = a.{sql.column(a, 'case')}"
        )
    return (
        f"SELECT {', '.join(f'c.{sql.column(c, f)}' for f in CASE_ROW_FIELDS[:9])},"  # noqa: S608
        f" p.{sql.column(p, 'pseudonym')}, r.{sql.column(r, 'first_name')},"
        f" r.{sql.column(r, 'last_name')} FROM {source}"
        f" JOIN {sql.table(p)} p ON p.{sql.column(p, 'id')} = c.{sql.column(c, 'person')}"
        f" JOIN {sql.table(r)} r ON r.{sql.column(r, 'id')} = c.{sql.column(c, 'registration')}"
    )


def _filter_sql(filters: CaseFilter, alias: str, case_id: str = "") -> tuple[list[str], list[Any]]:
    """``_filtered``'s conditions (every filter but the institution's) in plain SQL on the
    case table as ``alias`` (or a table with the same date column: the access rows), and
    their parameters; ``case_id`` the case's id there (by default ``alias``'s ``id``)."""
    c, e = Case, Exploitation

    def col(field: str) -> str:
        return f"{alias}.{sql.column(c, field)}"

    terms: list[str] = []
    values: list[Any] = []
    for name, wanted in (("kind", filters.kind), ("state", filters.state)):
        if wanted:
            terms.append(f"{col(name)} = %s")
            values.append(wanted)
    if filters.child is not None:
        terms.append(f"{col('is_child')} = %s")
        values.append(filters.child)
    if filters.form:
        terms.append(
            f"EXISTS (SELECT 1 FROM {sql.table(e)} x WHERE x.{sql.column(e, 'case')} ="  # noqa: S608
            f" {case_id or col('id')} AND x.{sql.column(e, 'form')} = %s LIMIT 1)"
        )
        values.append(filters.form)
    if filters.year:
        terms.append(f"{col('detection_date')} BETWEEN %s AND %s")
        values += [
            sql.value(c, "detection_date", date(filters.year, 1, 1)),
            sql.value(c, "detection_date", date(filters.year, 12, 31)),
        ]
    return terms, values


def _ordering(columns: Sequence[tuple[str, bool]]) -> str:
    return ", ".join(f"{column} {'DESC' if down else 'ASC'}" for column, down in columns)


def _beyond_sql(columns: Sequence[tuple[str, bool]], key: Sequence[Any]) -> tuple[str, list[Any]]:
    """``paging.beyond`` in plain SQL: the rows strictly after ``key`` (database values) in
    the order of ``columns`` ((column, descending), the last unique), as an OR of prefixes
    plus a bound on the first, which lets the database start its index scan at the row."""
    ops = ["<" if down else ">" for _column, down in columns]
    names = [column for column, _down in columns]
    params: list[Any] = [key[0]]
    clauses = []
    for i in range(len(columns)):
        equal = [f"{names[j]} = %s" for j in range(i)]
        clauses.append(" AND ".join([*equal, f"{names[i]} {ops[i]} %s"]))
        params += [*key[:i], key[i]]
    return f"{names[0]} {ops[0]}= %s AND ({' OR '.join(f'({c})' for c in clauses)})", params


def _case_items(ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseItem]:
    """The ``CaseItem``s of these cases (ids already in scope), by id, in one statement."""
    if not ids:
        return {}
    among, values = sql.among(f"c.{sql.column(Case, 'id')}", sql.uuids(ids), "uuid")
    items = (_case_item(row) for row in sql.rows(f"{_items_select()} WHERE {among}", values))
    return {item.id: item for item in items}


def _case_item(row: Sequence[Any]) -> CaseItem:
    """A ``CaseItem`` of a row of ``case_list_page``'s statement, converted as the ORM would (on
    SQLite ids are 32 hex digits, dates text and booleans integers)."""
    pk, reference, person, kind, state, lead, detected, child, sealed, *names = row
    return CaseItem(
        sql.uuid_of(pk),
        reference,
        sql.uuid_of(person),
        kind,
        state,
        lead,
        sql.date_of(detected),
        bool(child),
        bool(sealed),
        *names,
    )


def institution_page(
    user: Any, filters: CaseFilter, order: str, params: Mapping[str, Any], size: int
) -> KeysetPage | None:
    """A page of the cases in scope that ``filters.institution_id`` holds, in detection
    order, read from the cases the user's institution and the filtered one share
    (``CaseShare``) in that order through their index: a page's worth of rows. Walking
    the whole list reads every case in scope when the two share few; collecting every case
    the filtered institution holds reads hundreds of thousands to show fifty (the labour
    inspectorate filtering the police's: 1.7 s at a million cases, on either plan); walking
    the access rows of the smaller of the two, each probed for the other's hold, read all
    of them for two that share nothing (0.4-0.7 s for the Prizren and Peja police). A
    coordinator, or a user filtering by their own institution, walks that institution's
    access rows: every case it holds is in their scope.

    The cases the user opens otherwise (through a team alone, or break-glass) are few,
    read apart and merged. None when the page is not in detection order or is asked by
    number: the other plans (``cases_for``) serve it."""
    keys = case_order(order)
    if keys[0].removeprefix("-") != "detection_date":
        return None
    at = Seek.of(Case, keys, params)
    if at.key is None and at.number > 1:
        return None
    scope = scope_for(user)
    if not scope.active:
        return None  # the other plans list nothing
    target = cast(int, filters.institution_id)
    descending = keys[0].startswith("-") == at.forward
    # The cases under the other filters, sealed ones only for the users they name.
    unsealed, unsealed_values = scope.unsealed_sql("c")
    filtered, filter_values = _filter_sql(filters, "c")
    cases = (" AND ".join([unsealed, *filtered]), [*unsealed_values, *filter_values])
    if scope.oversight or target == scope.institution_id:  # every case it holds is in scope
        found = _walk_holdings(target, None, cases, at.key, descending, size)
    else:
        # The cases the two institutions share, in list order (``CaseShare``).
        found = _walk_holdings(scope.institution_id, target, cases, at.key, descending, size)
        if scope.beyond_hold_case_ids or scope.glass_person_ids:
            in_scope = _filtered(scope.cases(), filters).filter(
                Exists(_held_by(target).filter(case=OuterRef("pk")))
            )
            found += _opened_otherwise(scope, in_scope, at.key, descending, size)
    found = sorted(set(found), reverse=descending)[: size + 1]
    items = _case_items([pk for _date, pk in found])
    return KeysetPage.read([items[pk] for _date, pk in found if pk in items], keys, at, size)


def _walk_holdings(
    institution_id: int,
    other_id: int | None,
    cases: tuple[str, list[Any]],
    start: list[Any] | None,
    descending: bool,
    size: int,
) -> list[tuple[date, uuid.UUID]]:
    """(detection date, case id) of the first ``size + 1`` cases after ``start`` that meet
    ``cases`` (a condition on the case ``c`` and its parameters) among those
    ``institution_id`` holds, walking its access rows in order through the (institution,
    revoked_at, date, case) index; with ``other_id``, among those both institutions hold,
    walking their ``CaseShare`` rows in order: a page's worth of rows however many cases
    either holds, and none at all for two that share nothing. An institution may hold a
    case by two access rows (it registered and leads it): those come together in this
    order and count once. Plain SQL (``core.sql``): through the ORM, each chunk's statement
    took longer to build than to answer."""
    over: type[CaseAccess | CaseShare] = CaseAccess if other_id is None else CaseShare
    alias = WALK_ALIAS[over]

    def col(name: str) -> str:
        return f"{alias}.{sql.column(over, name)}"

    if other_id is None:
        held, values = f"{col('revoked_at')} IS NULL", [institution_id]
    else:
        held, values = f"{col('other')} = %s", sorted((institution_id, other_id))
    condition, condition_values = cases
    c = Case
    head = (
        f"SELECT {col('detection_date')}, {col('case')} FROM {sql.table(over)} {alias}"  # noqa: S608
        f" WHERE {col('institution')} = %s AND {held}"
        f" AND EXISTS (SELECT 1 FROM {sql.table(c)} c WHERE c.{sql.column(c, 'id')} ="
        f" {col('case')} AND {condition} LIMIT 1)"
    )
    values += condition_values
    found: dict[uuid.UUID, date] = {}
    for detected, case_id in _holdings_walk(head, values, start, descending, size, list, over):
        found.setdefault(sql.uuid_of(case_id), detected)
        if len(found) > size:
            break
    return [(sql.date_of(detected), pk) for pk, detected in found.items()]


def _opened_otherwise(
    scope: Scope, cases: QuerySet[Case], start: list[Any] | None, descending: bool, size: int
) -> list[tuple[date, uuid.UUID]]:
    """The first ``size + 1`` of ``cases`` the user opens through a team alone or
    break-glass (few: read by their ids), after ``start``."""
    opened = Q(pk__in=scope.beyond_hold_case_ids) | Q(person_id__in=scope.glass_person_ids)
    keys = ("-detection_date", "-id") if descending else ("detection_date", "id")
    rows = cases.filter(opened).order_by(*keys)
    if start:
        rows = rows.filter(beyond(keys, start, forward=True))
    return list(rows.values_list("detection_date", "id")[: size + 1])


STATE_LABELS: dict[str, Any] = dict(CaseState.choices)
KIND_SHORT_LABELS: dict[str, Any] = {CaseKind.NRM: _("NRM"), CaseKind.PROTECTION: _("Protection")}
FORM_LABELS: dict[str, Any] = dict(ExploitationForm.choices)


@dataclass
class CaseRow:
    case: CaseItem
    sections: frozenset[str]
    display_name: str
    institutions: list[str]
    forms: list[str]
    on_team: bool
    url: str

    @property
    def shows_identity(self) -> bool:
        return Section.IDENTITY in self.sections

    @property
    def state_label(self) -> str:
        """The state's label by a dictionary lookup: ``get_state_display`` rebuilds (and
        translates) the whole choice list on every call, fifty times a page."""
        return str(STATE_LABELS.get(self.case.state, self.case.state))

    @property
    def kind_label(self) -> str:
        return str(KIND_SHORT_LABELS.get(self.case.kind, self.case.kind))

    @property
    def shown_forms(self) -> list[str]:
        """The forms of exploitation the user may see: they belong to the story, not to the
        oversight metadata (none without it)."""
        return self.forms if Section.STORY in self.sections else []

    @property
    def forms_label(self) -> str:
        return ", ".join(str(FORM_LABELS.get(form, form)) for form in self.shown_forms)


def case_rows(user: Any, cases: list[CaseItem]) -> list[CaseRow]:
    """Rows for a page of cases, in a fixed number of queries (no N+1)."""
    scope = scope_for(user)
    facts = _page_facts([c.pk for c in cases], scope)
    scope.team_case_ids.learn({c.pk: on for c, on in zip(cases, facts.team, strict=True)})
    rows = []
    url = reverser("registry:case")
    for n, case in enumerate(cases):
        on_team = facts.team[n]
        sections = scope.case_sections(case, facts.access[n], on_team)
        if Section.IDENTITY in sections:
            display = f"{case.first_name} {case.last_name}".strip()
        else:
            display = case.pseudonym
        rows.append(
            CaseRow(
                case,
                sections,
                display,
                sorted(facts.names[n]),
                sorted(facts.forms[n]),
                on_team,
                url(case.pk),
            )
        )
    return rows


@dataclass
class _PageFacts:
    """What a page of cases shows beside the cases themselves (``_page_facts``), each by the
    case's position on the page."""

    access: list[list[HeldAccess]]
    names: list[set[str]]
    forms: list[set[str]]
    team: list[bool]


def _page_facts(ids: list[uuid.UUID], scope: Scope) -> _PageFacts:
    """For a page of cases (ids already in scope): each case's live holds, its holders'
    names, its forms of exploitation and whether the user is on its team, in one statement
    of plain SQL (``core.sql``). Through the ORM the same took three queries and 3 ms a page
    at 1M, most of it building the ``IN`` lists and converting the ids read back; here the
    ids are prepared once and the rows matched to the page's cases by their ids' database
    values (a hex string on SQLite, a UUID on PostgreSQL)."""
    facts = _PageFacts(
        [[] for _ in ids], [set() for _ in ids], [set() for _ in ids], [False] * len(ids)
    )
    if not ids:
        return facts
    # Each id's positions on the page (one, unless a page ever listed a case twice).
    at: dict[Any, list[int]] = {}
    for n, value in enumerate(sql.uuids(ids)):
        at.setdefault(value, []).append(n)
    a, i, e, t = CaseAccess, Institution, Exploitation, CaseTeamMember
    holds, hold_ids = sql.among(f"a.{sql.column(a, 'case')}", at, "uuid")
    forms, form_ids = sql.among(sql.column(e, "case"), at, "uuid")
    statement = (
        f"SELECT 'held', a.{sql.column(a, 'case')}, a.{sql.column(a, 'institution')},"  # noqa: S608
        f" a.{sql.column(a, 'sections')}, i.{sql.column(i, 'name')}"
        f" FROM {sql.table(a)} a JOIN {sql.table(i)} i"
        f" ON i.{sql.column(i, 'id')} = a.{sql.column(a, 'institution')}"
        f" WHERE a.{sql.column(a, 'revoked_at')} IS NULL AND {holds}"
        f" UNION ALL SELECT 'form', {sql.column(e, 'case')}, NULL, NULL, {sql.column(e, 'form')}"
        f" FROM {sql.table(e)} WHERE {forms}"
    )
    params = [*hold_ids, *form_ids]
    if scope.active:  # an inactive scope's team is empty
        on_team, team_params = scope.team_sql()
        team, team_ids = sql.among(sql.column(t, "case"), at, "uuid")
        statement += (
            f" UNION ALL SELECT 'team', {sql.column(t, 'case')}, NULL, NULL, NULL"  # noqa: S608
            f" FROM {sql.table(t)} WHERE {team} AND {on_team}"
        )
        params += [*team_ids, *team_params]
    for kind, case_db_id, institution_id, sections, text in sql.rows(statement, params):
        if kind == "form":
            for n in at[case_db_id]:
                facts.forms[n].add(text)
        elif kind == "team":
            for n in at[case_db_id]:
                facts.team[n] = True
        else:
            # JSON text (SQLite, and PostgreSQL as Django sets psycopg to read jsonb); most
            # holds are whole ("[]": every section), read without the parser.
            if sections == "[]":
                held = []
            else:
                held = json.loads(sections) if isinstance(sections, str) else sections
            for n in at[case_db_id]:
                facts.access[n].append(HeldAccess(institution_id, held))
                facts.names[n].add(text)
    return facts


class CaseItem(NamedTuple):
    """A case as a row of a list (page or API) reads it, and nothing more: a list never
    loads, so never decrypts, a document number, contact, location or story it does not
    show. A tuple, not three model instances (case, person, registration) per row."""

    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    kind: str
    state: str
    lead_institution_id: int
    detection_date: date
    is_child: bool
    sealed: bool
    pseudonym: str
    first_name: str
    last_name: str

    @property
    def pk(self) -> uuid.UUID:
        return self.id


CASE_ROW_FIELDS = (
    "id",
    "reference",
    "person_id",
    "kind",
    "state",
    "lead_institution_id",
    "detection_date",
    "is_child",
    "sealed",
    "person__pseudonym",
    "registration__first_name",
    "registration__last_name",
)


class _CaseItems(ValuesListIterable[tuple[Any, ...]]):
    def __iter__(self) -> Iterator[CaseItem]:
        for row in super().__iter__():
            yield CaseItem._make(row)


def case_page_queryset(qs: QuerySet[Case]) -> QuerySet[Case, CaseItem]:
    """``qs`` yielding ``CaseItem``s (filters, slices and ``reverse()`` keep them)."""
    items = qs.values_list(*CASE_ROW_FIELDS)
    items._iterable_class = _CaseItems  # as values_list(named=True) sets its own rows' class
    return cast("QuerySet[Case, CaseItem]", items)


@dataclass
class RegistrationView:
    registration: Registration
    sections: frozenset[str]

    def shows(self, section: str) -> bool:
        return section in self.sections


@dataclass
class CaseView:
    case: Case
    sections: frozenset[str]
    on_team: bool
    access: list[CaseAccess] = field(default_factory=list)

    def shows(self, section: str) -> bool:
        return section in self.sections


@dataclass
class PersonView:
    person: Person
    is_child: bool
    on_team: bool
    registrations: list[RegistrationView]
    cases: list[CaseView]
    relations: list[tuple[str, PersonRelation, Person, str]]

    @property
    def display_name(self) -> str:
        for view in self.registrations:
            if view.shows(Section.IDENTITY):
                r = view.registration
                return f"{r.first_name} {r.last_name}".strip()
        return self.person.pseudonym

    @property
    def sections(self) -> frozenset[str]:
        found: set[str] = set()
        views: list[RegistrationView | CaseView] = [*self.registrations, *self.cases]
        for view in views:
            found |= view.sections
        return frozenset(found)


MAX_MERGE_HOPS = 20


def merged_survivor(user: Any, pk: Any) -> Person | None:
    """The person a merged-away person now lives on, if this user may see that person; else
    None (then the old id answers 404 like any id out of scope). Follows merges of merges."""
    current = pk
    for _hop in range(MAX_MERGE_HOPS):
        merged_into = (
            Person.objects.filter(pk=current).values_list("merged_into", flat=True).first()
        )
        if merged_into is None:
            break
        current = merged_into
    if current == pk:
        return None
    return scope_for(user).persons().filter(pk=current).first()


def person_view(user: Any, person: Person) -> PersonView:
    """A person's record as this user may see it. The caller has checked ``person`` is visible."""
    scope = scope_for(user)
    cases = list(
        scope.cases().filter(person=person).select_related("lead_institution", "registration")
    )
    scope.team_case_ids.load(c.pk for c in cases)
    access: dict[Any, list[CaseAccess]] = defaultdict(list)
    for row in CaseAccess.objects.filter(case__in=cases, revoked_at__isnull=True).select_related(
        "institution"
    ):
        access[row.case_id].append(row)
    my_institution = scope.principal.institution_id
    case_views = [
        CaseView(
            c,
            scope.case_sections(c, [a for a in access[c.pk] if a.institution_id == my_institution]),
            c.pk in scope.team_case_ids,
            access[c.pk],
        )
        for c in cases
    ]
    is_child = any(c.is_child for c in cases)
    on_team = any(v.on_team for v in case_views)
    shared: dict[Any, set[str]] = defaultdict(set)
    for view in case_views:
        shared[view.case.registration_id] |= set(view.sections)
    registrations = Registration.objects.filter(person=person).select_related(
        "institution", "shelter"
    )
    views = []
    for registration in registrations:
        sections = scope.registration_sections(
            registration, child=is_child, on_team=on_team, shared=shared.get(registration.pk, ())
        )
        if sections - {Section.METADATA}:
            views.append(RegistrationView(registration, sections))
    relations = _relations(scope, person)
    return PersonView(person, is_child, on_team, views, case_views, relations)


def _relations(scope: Scope, person: Person) -> list[tuple[str, PersonRelation, Person, str]]:
    """Relations to persons the user can also see; others are not shown at all."""
    rows = list(
        PersonRelation.objects.filter(ended_at__isnull=True, from_person=person).select_related(
            "to_person"
        )
    ) + list(
        PersonRelation.objects.filter(ended_at__isnull=True, to_person=person).select_related(
            "from_person"
        )
    )
    others = {r.to_person_id if r.from_person_id == person.pk else r.from_person_id for r in rows}
    visible = set(scope.persons().filter(pk__in=others).values_list("pk", flat=True))
    result = []
    for relation in rows:
        outgoing = relation.from_person_id == person.pk
        other = relation.to_person if outgoing else relation.from_person
        if other.pk in visible:
            result.append(("out" if outgoing else "in", relation, other, other.pseudonym))
    return result


def case_detail(case: Case) -> dict[str, Any]:
    """Everything a case page lists (sections decide what is shown)."""
    return {
        "exploitations": list(Exploitation.objects.filter(case=case)),
        "indicators": list(CaseIndicator.objects.filter(case=case).select_related("indicator")),
        "events": list(CaseEvent.objects.filter(case=case).select_related("actor", "institution")),
        "team": list(
            CaseTeamMember.objects.filter(case=case, removed_at__isnull=True).select_related(
                "user", "institution"
            )
        ),
        "transfers": list(case.transfers.select_related("from_institution", "to_institution")),
    }


PERSON_ORDERS = {
    "-created": ("-created_at", "-id"),  # newest first; the index person_created_desc
    "created": ("created_at", "id"),  # the same index, read backwards
    "pseudonym": ("pseudonym",),  # unique, so indexed
}
PERSON_ORDER = PERSON_ORDERS["-created"]


def person_order(order: str) -> tuple[str, ...]:
    """The fields a person list is sorted by (the last one unique: pages link by its key)."""
    return PERSON_ORDERS.get(order, PERSON_ORDER)


@dataclass(frozen=True)
class PersonFilter:
    child: bool | None = None
    institution_id: int | None = None
    sex: str = ""
    year: int | None = None


def persons_for(
    user: Any, filters: PersonFilter | None = None, order: str = "-created"
) -> QuerySet[Person]:
    """The persons in the user's scope under ``filters``, in ``order`` (``PERSON_ORDERS``).

    - ``child``: a person is a child when a case of theirs in the user's scope is a child's
      case (``Case.is_child``), as ``person_rows`` marks them; adults are all the others.
    - ``institution_id``: persons that institution has registered (a registration by it).
    - ``sex``: persons whose registration by the user's active institution records that
      sex. Only the institution's own record: what another institution recorded is shown
      only as far as a referral shares its identity, which the database cannot tell here.
      A child counts only for a member of one of its cases' teams: its sex is part of its
      identity, which outside the team the list hides (``Scope.registration_sections``).
    - ``year``: persons whose record was created that year (``Person.created_at``).

    Each is a condition checked per person as the list is read in order through the
    order's index (``created_at`` or ``pseudonym``), so a page stops after its rows, except
    where that would read most of the list for a few persons: an institution the user
    shares few persons with (``_walk_persons_is_cheaper``), a rare sex (SEX_COLLECT_MAX)
    and a small year in pseudonym order (YEAR_COLLECT_MAX) collect their persons and sort
    them. The year in creation order is an index range. First pages at a million on
    SQLite: 20-45 ms, but 0.3-0.7 s for the labour inspectorate (4 % of persons) filtering
    by a shelter's registrations or by children of one sex: its few persons that match are
    spread through the whole list, and collecting them is no cheaper.
    """
    scope = scope_for(user)
    qs = scope.persons()
    filters = filters or PersonFilter()
    if filters.child is not None:
        child = _has_child_case(scope)
        qs = qs.filter(child if filters.child else ~child)
    ordering = person_order(order)
    collected = False  # a filter collects its persons: sort them, not walk the index
    if filters.institution_id:
        registered = Registration.objects.filter(institution_id=filters.institution_id)
        if _walk_persons_is_cheaper(scope, filters.institution_id):
            qs = qs.filter(Exists(registered.filter(person=OuterRef("pk"))))
        else:
            qs = qs.filter(pk__in=registered.values("person_id"))
            collected = True
    if filters.sex:
        own = Registration.objects.filter(institution_id=scope.institution_id, sex=filters.sex)
        if _more_than(own.values_list("person_id"), SEX_COLLECT_MAX):
            recorded = Q(Exists(own.filter(person=OuterRef("pk"))))
        else:
            # A rare sex (an institution's few "other"): its persons through the index
            # registration_inst_sex, sorted, rather than a walk of every person in scope
            # (13 s at a million on SQLite for a sex nobody has).
            recorded = Q(pk__in=own.values("person_id"))
            collected = True
        child = _has_child_case(scope)
        # Correlated, per case (the index caseteam_case_user), not ``pk IN`` the user's
        # team: a registrar is on the team of every case they registered.
        on_team = Exists(
            scope.cases()
            .filter(person=OuterRef("pk"))
            .filter(Exists(scope.team_case_ids.rows.filter(case=OuterRef("pk"))))
        )
        qs = qs.filter(recorded & (~child | on_team))
    if filters.year:
        if ordering[0] == "pseudonym" and _year_is_large(filters.year):
            # Walk the pseudonym index checking each person's year, rather than let the
            # database read the whole year through the created_at index and sort it
            # (1.5 s for this year's 150,000 persons at a million, on SQLite); a small
            # year is cheaper collected that way.
            qs = qs.alias(created=_no_index("created_at")).filter(created__year=filters.year)
        else:
            qs = qs.filter(created_at__year=filters.year)
    return qs.order_by(*(_unindexed(list(ordering)) if collected else ordering))


# A filter matching at most this many rows is cheaper collected and sorted than walked.
YEAR_COLLECT_MAX = 10_000
SEX_COLLECT_MAX = 10_000


def _more_than(rows: QuerySet[Any, Any], n: int) -> bool:
    """Whether ``rows`` (the columns of one index) hold more than ``n`` rows: an index range
    of at most ``n`` entries, not a count."""
    return rows.order_by()[n : n + 1].exists()


def _year_is_large(year: int) -> bool:
    """Whether more than YEAR_COLLECT_MAX persons were created in ``year``."""
    persons = Person.objects.filter(created_at__year=year).values_list("created_at")
    return _more_than(persons, YEAR_COLLECT_MAX)


def _walk_persons_is_cheaper(scope: Scope, institution_id: int) -> bool:
    """Whether the institution filter should walk the person list in order, checking each
    person for a registration by the institution (a page costs about PAGE_ROWS / share
    persons), rather than collect the persons the institution registered and sort those in
    scope (about WALK_COST times cheaper per person, but all of them): the choice
    ``cases_for`` makes for its institution filter. The share is that of the user's
    institution's SAMPLE most recently registered persons (everyone's, for oversight) the
    filtered institution registered too. Walking for an institution that registered no
    one the user sees reads every person in scope (11 s at a million on SQLite: the police
    filtering by the prosecution's victim advocates, who register no one); collecting for
    a big one sorts a hundred thousand persons to show fifty."""
    if institution_id == scope.institution_id:
        return True  # most of the user's scope
    recent: QuerySet[Any, Any]
    if scope.oversight:
        recent = Person.objects.order_by(*PERSON_ORDER).values_list("pk", flat=True)
    else:
        recent = (
            Registration.objects.filter(institution_id=scope.institution_id)
            .order_by("-registered_at")
            .values_list("person_id", flat=True)
        )
    sample = list(recent[:SAMPLE])
    # Every registration of those persons, through the (person, institution) index; asking
    # for the institution's among them instead lets SQLite scan all the institution's rows.
    rows = Registration.objects.filter(person_id__in=sample).order_by()
    found = {p for p, i in rows.values_list("person_id", "institution_id") if i == institution_id}
    share = len(found) / max(1, len(sample))
    if share == 0:
        return False
    # Registrations beyond the walk's cost? An index range of at most that many entries,
    # not a count of all of them.
    cost = int(PAGE_ROWS / share * WALK_COST)
    registered = Registration.objects.filter(institution_id=institution_id)
    return _more_than(registered.values_list("institution_id"), cost)


def _has_child_case(scope: Scope) -> Exists:
    """Whether the (outer) person has a child's case in ``scope``: ``person_rows``' child.
    ``is_child`` as an expression no index provides: as a column, SQLite reads every
    child's case through the index case_child_detected for each person it checks, instead
    of the person's own few cases through case_person."""
    cases = scope.cases().filter(person=OuterRef("pk"))
    return Exists(cases.alias(child=_no_index("is_child")).filter(child=True))


@dataclass
class PersonRow:
    person: Person
    display_name: str
    sex: str
    birth_year: int | None
    citizenship: str
    child: bool
    case_count: int


def person_rows(user: Any, persons: list[Person]) -> list[PersonRow]:
    """Rows for a page of persons in a fixed number of queries (none for no persons: a
    search that matched nobody in scope)."""
    if not persons:
        return []
    scope = scope_for(user)
    ids = [p.pk for p in persons]
    cases = list(
        scope.cases()
        .filter(person_id__in=ids)
        .select_related("registration")
        .prefetch_related(
            Prefetch(
                "access",
                # The institution is picked below, not in SQL: with it, SQLite walks the
                # institution's whole (institution, revoked_at, …) index instead of looking
                # up these few cases' rows.
                queryset=CaseAccess.objects.filter(revoked_at__isnull=True),
                to_attr="active_access",
            )
        )
    )
    my_access = {
        case.pk: [
            a for a in case.active_access if a.institution_id == scope.principal.institution_id
        ]
        for case in cases
    }
    scope.team_case_ids.load(c.pk for c in cases)
    by_person: dict[Any, list[Case]] = defaultdict(list)
    for case in cases:
        by_person[case.person_id].append(case)
    own = defaultdict(list)
    # Sorted here, not in SQL: with ORDER BY registered_at, SQLite walks the institution's
    # whole (institution, -registered_at) index instead of looking up these few persons.
    registrations = Registration.objects.filter(
        person_id__in=ids, institution_id=scope.institution_id
    ).order_by()
    for registration in sorted(registrations, key=lambda r: r.registered_at, reverse=True):
        own[registration.person_id].append(registration)
    rows = []
    for person in persons:
        person_cases = by_person[person.pk]
        child = any(c.is_child for c in person_cases)
        on_team = any(c.pk in scope.team_case_ids for c in person_cases)
        candidates: list[tuple[Registration, frozenset[str]]] = [
            (c.registration, scope.case_sections(c, my_access[c.pk])) for c in person_cases
        ] + [
            (r, scope.registration_sections(r, child=child, on_team=on_team))
            for r in own[person.pk]
        ]
        shown = next((r for r, s in candidates if Section.IDENTITY in s), None)
        any_reg = shown or (candidates[0][0] if candidates else None)
        rows.append(
            PersonRow(
                person=person,
                display_name=f"{shown.first_name} {shown.last_name}".strip()
                if shown
                else person.pseudonym,
                sex=str(Sex(shown.sex).label) if shown else "",
                birth_year=shown.birth_year if shown else None,
                citizenship=any_reg.citizenship if shown and any_reg else "",
                child=child,
                case_count=len(person_cases),
            )
        )
    return rows


ACCESS_REPORT_ROWS = 500


def person_access_entries(person: Person) -> list[Any]:
    """The audit entries that read or changed ``person``'s record or any of its cases (a
    case's page and the case list show the person's name), newest first, at most
    ``ACCESS_REPORT_ROWS``: the auditor's access report. A read entry lists every id it
    showed (``AuditEntry.ids``), so an entry counts when its object or one of its ids is the
    person or one of the cases. The ids' text is scanned: an auditor's occasional report,
    not a page anyone else reads."""
    record_ids = [str(person.pk)]
    record_ids += [
        str(pk) for pk in Case.objects.filter(person=person).values_list("pk", flat=True)
    ]
    about = about_records(record_ids)
    return list(AuditEntry.objects.filter(about).order_by("-seq")[:ACCESS_REPORT_ROWS])
