"""Search before create: likely matches inside the user's scope, never outside it.

Candidates come from the name-key index (and the document blind index), from every
institution; the incremental scorer of the deduplication engine ranks them. Matches in the
user's scope are returned. A strong match outside it is never revealed — not even as a
count — and instead opens a "possible duplicate across institutions" alert for the
coordinator's office. The search is POSTed: names never appear in URLs or logs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from palermo import names
from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.crypto import blind_index
from palermo.dedup.engine.scorer import PairScore, score_candidates

from .access import scope_for
from .models import DuplicateAlert, NameKey, Registration
from .services.register import DOCUMENT_PURPOSE

SHOW_THRESHOLD = 0.30  # in-scope candidates at least this likely are shown to the registrar
ALERT_THRESHOLD = 0.80  # out-of-scope candidates at least this likely alert the coordinator
MAX_CANDIDATES = 400
MAX_SHOWN = 10

SEX_CODES = {"female": "F", "male": "M"}


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


def _record_of(registration: Registration) -> dict[str, object]:
    return {
        "record_id": str(registration.pk),
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "sex": SEX_CODES.get(registration.sex, ""),
        "date_of_birth": registration.date_of_birth.isoformat()
        if registration.date_of_birth
        else "",
        "birth_year": str(registration.birth_year or ""),
        "citizenship": ""
        if registration.citizenship in ("", "ZZ", "XX")
        else registration.citizenship,
        "place_of_birth": registration.place_of_birth,
    }


def _candidate_ids(query: SearchQuery) -> tuple[list[Any], set[Any]]:
    """Registrations sharing a name key with the query; when a birth year is known, those
    born within two years of it (or of unknown birth) first, so that a common name does not
    crowd the right person out of the candidate limit."""
    keys = names.search_keys(query.first_name, query.last_name)
    ids: list[Any] = []
    if keys:
        keyed = NameKey.objects.filter(key__in=keys)
        year = query.date_of_birth.year if query.date_of_birth else query.birth_year
        if year is None and query.age is not None:
            year = timezone.localdate().year - query.age
        if year is not None:
            near = keyed.filter(
                Q(registration__birth_year__range=(year - 2, year + 2))
                | Q(registration__birth_year__isnull=True)
            )
            ids = list(near.values_list("registration_id", flat=True).distinct()[:MAX_CANDIDATES])
        if len(ids) < MAX_CANDIDATES:
            more = keyed.exclude(registration_id__in=ids).values_list("registration_id", flat=True)
            ids += list(more.distinct()[: MAX_CANDIDATES - len(ids)])
    by_document: set[Any] = set()
    index = blind_index(query.document_number, purpose=DOCUMENT_PURPOSE)
    if index:
        by_document = set(
            Registration.objects.filter(document_index=index).values_list("pk", flat=True)[:20]
        )
    return ids, by_document


def search_persons(*, actor: Any, query: SearchQuery, channel: str = "web") -> SearchResult:
    """Likely matches for ``query`` in the actor's scope; alerts for strong matches outside."""
    ensure_can(actor, "person.search")
    scope = scope_for(actor)
    ids, by_document = _candidate_ids(query)
    candidates = list(
        Registration.objects.filter(pk__in=set(ids) | by_document)
        .filter(person__merged_into__isnull=True)
        .only(
            "pk",
            "person_id",
            "institution_id",
            "first_name",
            "last_name",
            "sex",
            "date_of_birth",
            "birth_year",
            "citizenship",
            "place_of_birth",
        )
    )
    scores = (
        score_candidates(query.record(), [_record_of(r) for r in candidates]) if candidates else []
    )
    by_id = {str(r.pk): r for r in candidates}
    best: dict[Any, Match] = {}
    for s in scores:
        registration = by_id[s.record_id]
        document_match = registration.pk in by_document
        probability = 1.0 if document_match else s.match_probability
        current = best.get(registration.person_id)
        if current is None or probability > current.probability:
            best[registration.person_id] = Match(
                registration.person_id, registration, probability, s, document_match
            )
    person_ids = list(best)
    in_scope = set(scope.persons().filter(pk__in=person_ids).values_list("pk", flat=True))
    shown = sorted(
        (m for pid, m in best.items() if pid in in_scope and m.probability >= SHOW_THRESHOLD),
        key=lambda m: -m.probability,
    )[:MAX_SHOWN]
    outside = [
        m for pid, m in best.items() if pid not in in_scope and m.probability >= ALERT_THRESHOLD
    ]
    now = timezone.now()
    with transaction.atomic():
        alert_ids = _alert(actor, scope.principal.institution_id, outside, now)
        audit.record(
            actor,
            "person.searched",
            object_type="registry.person",
            ids=[m.person_id for m in shown],
            fields=sorted(k for k, v in vars(query).items() if v not in ("", None)),
            channel=channel,
        )
    return SearchResult(matches=shown, alert_ids=alert_ids, searched_at=now)


def _alert(actor: Any, institution_id: int | None, outside: Iterable[Match], now: Any) -> list[Any]:
    """One open alert per (person, searching institution) and day: repeated searches do not
    flood the coordinator's queue."""
    ids = []
    for match in outside:
        recent = DuplicateAlert.objects.filter(
            existing_person_id=match.person_id,
            searching_institution_id=institution_id,
            status=DuplicateAlert.Status.OPEN,
            created_at__gte=now - timedelta(days=1),
        ).first()
        if recent is None:
            recent = DuplicateAlert.objects.create(
                existing_person_id=match.person_id,
                existing_institution_id=match.registration.institution_id,
                searching_institution_id=institution_id,
                searched_by=actor,
                score=round(match.probability, 4),
            )
            audit.record(
                actor,
                "duplicate.alerted",
                recent,
                ids=[match.person_id],
                flagged=False,
            )
        ids.append(recent.pk)
    return ids
