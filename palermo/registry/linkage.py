"""Registrations as the deduplication engine's records (the CLI's columns).

One mapping for search-before-create, the nightly linkage and the reviewers' comparison,
so that all three score the same fields the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from palermo.dedup.engine.records import Features, prepare_typed

from .models import Registration

# The identity fields the engine compares (and dedup reviewers see).
IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "citizenship",
    "place_of_birth",
)
# What a registration's record is built from, read as plain values (``.values(*…)``).
CANDIDATE_FIELDS = ("id", "person_id", "institution_id", *IDENTITY_FIELDS)
SEX_CODES = {"female": "F", "male": "M"}
UNKNOWN_CITIZENSHIP = ("", "ZZ", "XX")


def record_of(values: Mapping[str, Any]) -> dict[str, object]:
    """The engine's record of one registration given as ``CANDIDATE_FIELDS`` values."""
    dob = values["date_of_birth"]
    citizenship = values["citizenship"]
    return {
        "record_id": str(values["id"]),
        "source_institution": str(values["institution_id"]),
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "sex": SEX_CODES.get(values["sex"], ""),
        "date_of_birth": dob.isoformat() if dob else "",
        "birth_year": str(values["birth_year"] or ""),
        "citizenship": "" if citizenship in UNKNOWN_CITIZENSHIP else citizenship,
        "place_of_birth": values["place_of_birth"],
    }


def features_of(values: Mapping[str, Any], today: date | None = None) -> Features:
    """The engine's features of one registration given as ``CANDIDATE_FIELDS`` values: those
    of ``record_of(values)``, without writing its date and year out as text to be parsed
    back (search-before-create prepares hundreds of candidates a search)."""
    citizenship = values["citizenship"] or ""
    return prepare_typed(
        str(values["id"]),
        source=str(values["institution_id"]),
        first_name=values["first_name"] or "",
        last_name=values["last_name"] or "",
        sex=SEX_CODES.get(values["sex"], ""),
        date_of_birth=values["date_of_birth"],
        birth_year=values["birth_year"],
        citizenship="" if citizenship in UNKNOWN_CITIZENSHIP else citizenship,
        place_of_birth=values["place_of_birth"] or "",
        today=today,
    )


def record_of_registration(registration: Registration) -> dict[str, object]:
    """The engine's record of a loaded registration."""
    return record_of({name: getattr(registration, name) for name in CANDIDATE_FIELDS})
