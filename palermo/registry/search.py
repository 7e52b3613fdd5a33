"""Search before create: likely matches inside the user's scope, never outside it.

Candidates come from the name-key index (and the document blind index), from every
institution; the incremental scorer of the deduplication engine ranks them. Matches in the
user's scope are returned. A strong match outside it is never revealed — not even as a
count — and instead opens a "possible duplicate across institutions" alert for the
coordinator's office. The search is POSTed: names never appear in URLs or logs.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import CharField
from django.db.models.functions import Cast
from django.utils import timezone

from palermo import names
from palermo.core import audit, sql
from palermo.core.access import ensure_can
from palermo.core.crypto import blind_index
from palermo.dedup.engine.scorer import PairScore, score_candidates

from .access import scope_for
from .linkage import CANDIDATE_FIELDS, SEX_CODES, features_of
from .models import DuplicateAlert, NameKey, Person, Registration
from .services.register import DOCUMENT_PURPOSE

SHOW_THRESHOLD = 0.30  # in-scope candidates at least this likely are shown to the registrar
ALERT_THRESHOLD = 0.80  # out-of-scope candidates at least this likely alert the coordinator
# Candidates scored a search: reading, preparing and scoring them is most of a search's
# work, and a common name has more namesakes than this at a million registrations (taken
# nearest birth year first: ``_candidate_ids``). A search by one name alone ties with many
# more of them, and keeps twice as many. Measured by ``bench.registry.candidates``
# (docs/benchmarks.md), against 400 for every search at 1M: the candidates' part of a search
# takes a third less time, and 3 of 1,600 searches miss a likely match (0.37-0.58) that 400
# finds.
MAX_CANDIDATES = 200
MAX_CANDIDATES_ONE_NAME = 400
MAX_SHOWN = 10

REGISTRY_SIZE_TTL = 600  # seconds: the prior barely moves in ten minutes


def registry_size() -> int:
    """How many registrations candidates are drawn from, which sets the scorer's prior (a
    match among a million registrations is less likely than among a hundred). Counted at
    most every REGISTRY_SIZE_TTL seconds: a count of a million rows on every search would
    cost more than the search."""
    size = cache.get("registry:size")
    if size is None:
        size = Registration.objects.count()
        cache.set("registry:size", size, REGISTRY_SIZE_TTL)
    return max(2, int(size))


@dataclass
class SearchQuery:
    first_name: str = ""
    last_name: str = ""
    sex: str = ""
    date_of_birth: date | None = None
    birth_year: int | None = None
    age: int | None = None
    citizenship: str = ""
    document_number: str = ""

    def record(self) -> dict[str, object]:
        year = self.birth_year
        if year is None and self.date_of_birth is None and self.age is not None:
            year = timezone.localdate().year - self.age
        return {
            "record_id": "query",
            "first_name": self.first_name,
            "last_name": self.last_name,
            "sex": SEX_CODES.get(self.sex, ""),
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "birth_year": str(year or ""),
            "citizenship": "" if self.citizenship in ("", "ZZ") else self.citizenship,
        }


@dataclass
class Match:
    person_id: Any
    registration: Registration
    probability: float
    score: PairScore
    document_match: bool = False

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


@dataclass
class SearchResult:
    matches: list[Match] = field(default_factory=list)
    alert_ids: list[Any] = field(default_factory=list)
    searched_at: Any = None


# A person's best candidate: its probability, score, row and whether its document matched.
Best = tuple[float, PairScore, dict[str, Any], bool]


def _match(best: Best) -> Match:
    """The Match of a person's best candidate, its registration as loaded with ``only()``."""
    probability, score, row, document_match = best
    row = {**row, "id": uuid.UUID(row["id"]), "person_id": uuid.UUID(row["person_id"])}
    loaded = [f.attname for f in Registration._meta.concrete_fields if f.attname in row]
    registration = Registration.from_db(
        Registration.objects.db, loaded, [row[name] for name in loaded]
    )
    return Match(row["person_id"], registration, probability, score, document_match)


def _candidate_ids(query: SearchQuery) -> tuple[list[str], set[str]]:
    """Registrations sharing a name key with the query; when a birth year is known, nearest
    first: born that year, within a year of it, within two, then of unknown birth (then any),
    so that a common name does not crowd the right person out of the candidate limit. Each
    group is one range of the (key, birth_year, registration) index, read without DISTINCT
    or OR (either made PostgreSQL walk tens of thousands of rows for a common surname) and
    deduplicated here; a wider window reads the narrower one's rows again, which are few
    and already taken. (One window of two years either side, read in the index's order,
    took the earliest years first: with more namesakes than the limit, a query's own year
    was the one cut.) Ids are read as text (thousands of rows a search: a UUID object each
    cost milliseconds), in plain SQL (``core.sql``: statements the ORM took a millisecond
    to build)."""
    keys = names.search_keys(query.first_name, query.last_name)
    limit = MAX_CANDIDATES_ONE_NAME if names.of_one_name(keys) else MAX_CANDIDATES
    ids: dict[str, None] = {}
    if keys:
        k = NameKey
        keyed = (
            f"SELECT CAST({sql.column(k, 'registration')} AS text) FROM {sql.table(k)}"  # noqa: S608
            f" WHERE {sql.column(k, 'key')} IN ({sql.marks(len(keys))})"
        )
        year = query.date_of_birth.year if query.date_of_birth else query.birth_year
        if year is None and query.age is not None:
            year = timezone.localdate().year - query.age
        born = sql.column(k, "birth_year")
        groups: list[tuple[str, list[Any]]] = [("", [])]
        if year is not None:
            groups = [(f" AND {born} = %s", [year]),
                      *((f" AND {born} BETWEEN %s AND %s", [year - d, year + d]) for d in (1, 2)),
                      (f" AND {born} IS NULL", []),
                      ("", [])]  # fmt: skip
        for condition, params in groups:
            # A registration appears once per key it shares: this many rows hold at least
            # ``limit`` registrations whenever the group has that many.
            rows = sql.rows(f"{keyed}{condition} LIMIT %s", [*keys, *params, limit * len(keys)])
            ids.update(dict.fromkeys(registration for (registration,) in rows))
            if len(ids) >= limit:
                break
    by_document: set[str] = set()
    index = blind_index(query.document_number, purpose=DOCUMENT_PURPOSE)
    if index:
        by_document = set(
            Registration.objects.filter(document_index=index).values_list(
                Cast("id", CharField()), flat=True
            )[:20]
        )
    return list(ids)[:limit], by_document


# The candidates' columns: their ids as text, then CANDIDATE_FIELDS' others.
_CANDIDATE_COLUMNS = [f for f in CANDIDATE_FIELDS if f not in ("id", "person_id")]


def _candidates(ids: Iterable[str]) -> list[dict[str, Any]]:
    """The candidates' identity fields, their ids as text (a search reads hundreds, and a
    UUID object for each one's id and person cost milliseconds; only the matches shown or
    alerted become UUIDs, in ``_match``), newest registration first. Their persons are not
    joined: whether one was merged away is asked of the few likely matches only
    (``_merged_away``). In plain SQL (``core.sql``): through the ORM, converting the rows
    cost a tenth of a search."""
    ids = list(ids)
    if not ids:
        return []
    r = Registration
    stored, values = _stored_id_in(ids)
    statement = (
        f"SELECT CAST({sql.column(r, 'id')} AS text), CAST({sql.column(r, 'person')} AS text),"  # noqa: S608
        f" {', '.join(sql.column(r, f) for f in _CANDIDATE_COLUMNS)} FROM {sql.table(r)}"
        f" WHERE {stored} ORDER BY {sql.column(r, 'registered_at')} DESC"
    )
    columns = ["id", "person_id", *_CANDIDATE_COLUMNS]
    rows = [dict(zip(columns, row, strict=True)) for row in sql.rows(statement, values)]
    for row in rows:  # as the ORM reads a date (SQLite gives its text)
        if row["date_of_birth"] is not None:
            row["date_of_birth"] = sql.date_of(row["date_of_birth"])
    return rows


def _stored_id_in(ids: list[str]) -> tuple[str, list[Any]]:
    """``pk IN (…)`` for ids as text, as ``CAST(id AS text)`` read them, and its parameters:
    the column's own text on SQLite (32 hex digits), one string PostgreSQL splits into a
    ``uuid[]`` (``sql.among``). ``pk__in`` makes a UUID of each and writes it back, hundreds a search:
    the 400 candidates of a common name at 1M, interleaved, 9-12.5 -> 7-9 ms (SQLite),
    17 -> 13 ms (PostgreSQL)."""
    return sql.among(sql.column(Registration, "id"), ids, "uuid")


def _merged_away(person_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these persons were merged into another (a merge moves their registrations
    to the survivor, so none should be a candidate; this keeps one that was from being
    shown or alerted). Asked by primary key: a condition on ``merged_into`` lets SQLite's
    planner walk every person through that index (all NULL)."""
    return {
        pk
        for pk, merged_into in Person.objects.filter(pk__in=list(person_ids)).values_list(
            "pk", "merged_into"
        )
        if merged_into is not None
    }


def _scored(query: SearchQuery) -> tuple[list[dict[str, Any]], set[str], list[PairScore]]:
    """The query's candidates (``_candidates``' rows), the ids of those found by document
    number, and the scores of the candidates likely enough to be shown or alerted."""
    ids, by_document = _candidate_ids(query)
    candidates = _candidates(set(ids) | by_document)
    if not candidates:
        return candidates, by_document, []
    today = timezone.localdate()
    scores = score_candidates(
        query.record(),
        [features_of(r, today) for r in candidates],
        registry_size=registry_size(),
        # Only a pair this likely is shown or alerted: the others need no full comparison.
        min_probability=min(SHOW_THRESHOLD, ALERT_THRESHOLD),
        today=today,
    )
    return candidates, by_document, scores


def _best_by_person(
    candidates: list[dict[str, Any]], by_document: set[str], scores: list[PairScore]
) -> dict[str, Best]:
    """Each scored person's best candidate (by their id as text); a document number's match
    counts as certain."""
    by_id = {r["id"]: r for r in candidates}
    best: dict[str, Best] = {}
    for s in scores:
        row = by_id[s.record_id]
        document_match = row["id"] in by_document
        probability = 1.0 if document_match else s.match_probability
        current = best.get(row["person_id"])
        if current is None or probability > current[0]:
            best[row["person_id"]] = (probability, s, row, document_match)
    return best


def search_persons(*, actor: Any, query: SearchQuery, channel: str = "web") -> SearchResult:
    """Likely matches for ``query`` in the actor's scope; alerts for strong matches outside."""
    ensure_can(actor, "person.search")
    scope = scope_for(actor)
    best = _best_by_person(*_scored(query))
    # Only a likely match is shown (in scope) or alerted (outside): the scope of the others
    # does not matter, and checking it for hundreds of namesakes costs a probe each.
    likely = {
        uuid.UUID(pid): b for pid, b in best.items() if b[0] >= min(SHOW_THRESHOLD, ALERT_THRESHOLD)
    }
    for pid in _merged_away(likely) if likely else ():
        del likely[pid]
    in_scope = set(
        scope.persons().filter(pk__in=likely).values_list("pk", flat=True) if likely else ()
    )
    shown = [
        _match(b)
        for b in sorted(
            (b for pid, b in likely.items() if pid in in_scope and b[0] >= SHOW_THRESHOLD),
            key=lambda b: -b[0],
        )[:MAX_SHOWN]
    ]
    outside = [
        _match(b) for pid, b in likely.items() if pid not in in_scope and b[0] >= ALERT_THRESHOLD
    ]
    now = timezone.now()
    with transaction.atomic():
        alert_ids = _alert(actor, scope.principal.institution_id or 0, outside, now)
        audit.record(
            actor,
            "person.searched",
            object_type="registry.person",
            ids=[m.person_id for m in shown],
            fields=sorted(k for k, v in vars(query).items() if v not in ("", None)),
            channel=channel,
        )
    return SearchResult(matches=shown, alert_ids=alert_ids, searched_at=now)


def _alert(actor: Any, institution_id: int, outside: Iterable[Match], now: Any) -> list[Any]:
    """One open alert per (person, searching institution) and day: repeated searches do not
    flood the coordinator's queue."""
    outside = list(outside)
    open_alerts: dict[Any, DuplicateAlert] = {}
    if outside:  # one query for every match (a common name can match dozens outside)
        for alert in DuplicateAlert.objects.filter(
            existing_person_id__in={m.person_id for m in outside},
            searching_institution_id=institution_id,
            status=DuplicateAlert.Status.OPEN,
            created_at__gte=now - timedelta(days=1),
        ).order_by("-created_at"):
            open_alerts.setdefault(alert.existing_person_id, alert)  # the newest, as before
    new = {
        match.person_id: DuplicateAlert(
            existing_person_id=match.person_id,
            existing_institution_id=match.registration.institution_id,
            searching_institution_id=institution_id,
            searched_by=actor,
            score=round(match.probability, 4),
        )
        for match in outside
        if match.person_id not in open_alerts
    }
    DuplicateAlert.objects.bulk_create(new.values())  # one INSERT, then one entry per alert
    for person_id, alert in new.items():
        audit.record(actor, "duplicate.alerted", alert, ids=[person_id], flagged=False)
    alerts = {**new, **open_alerts}
    # The most likely first: the search page's token carries a fixed number of them.
    return [alerts[m.person_id].pk for m in sorted(outside, key=lambda m: -m.probability)]
