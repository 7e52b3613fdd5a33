"""Registration rows in, comparison features out.

One function, ``prepare_record``, turns a registration (the CLI's columns,
as strings) into the features the linkage model compares. Both the batch
path (Splink, SQL) and the incremental scorer (plain Python) use the features
it produces, so they compare the same things.

A value that cannot be read (an unknown country code, a malformed date, a sex
other than M/F) is treated as missing and reported as a ``RowIssue``: one bad
field must not lose the whole registration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple, TypedDict

import pycountry

from palermo.names import (
    canonical_given_name,
    fold,
    parse_partial_date,
    skeleton,
)
from palermo.names.dates import MIN_YEAR, day_month_swapped

REQUIRED_COLUMNS: tuple[str, ...] = (
    "record_id",
    "source_institution",
    "first_name",
    "last_name",
    "sex",
    "date_of_birth",
    "birth_year",
    "citizenship",
    "place_of_birth",
)

# ISO 3166-1 alpha-2 plus XK, the user-assigned code in use for Kosovo*.
COUNTRY_CODES: frozenset[str] = frozenset({c.alpha_2 for c in pycountry.countries} | {"XK"})
SEX_CODES = frozenset({"M", "F"})


@dataclass(frozen=True, slots=True)
class RowIssue:
    """A problem with one value: ``line`` counts as a user does (header is line 1)."""

    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message} ({self.value!r})"


class Features(NamedTuple):
    """What the model compares for one registration; None means missing.

    gn/sn: folded given name and surname; gnc: given name and citizenship (its
    term frequency is the name's frequency within that citizenship); gc: canonical given name (nickname
    groups); gk/sk: consonant skeletons; gp/sp: first three letters of gn/sn; sn1/sn2: first and last surname word
    (sn2 only for compound surnames); dob: ISO full date; dob_sw: the date with
    day and month swapped; yob: birth year from the full date or the year field;
    nk: swap-invariant name key for blocking; pobc: place of birth and citizenship
    (for the place's term frequency within that citizenship).

    A named tuple, not a frozen dataclass: a search makes hundreds, and a frozen dataclass
    sets each of its twenty fields through ``object.__setattr__`` (a sixth of a search).
    """

    record_id: str
    source: str | None
    gn: str | None
    gnc: str | None
    gc: str | None
    gk: str | None
    gp: str | None
    sn: str | None
    sn1: str | None
    sn2: str | None
    sk: str | None
    sp: str | None
    nk: str | None
    dob: str | None
    dob_sw: str | None
    yob: int | None
    sex: str | None
    cit: str | None
    pob: str | None
    pobc: str | None


FEATURE_COLUMNS: tuple[str, ...] = Features._fields
INT_FEATURES = frozenset({"yob"})


@lru_cache(maxsize=200_000)
def _given(text: str) -> tuple[str | None, str | None, str | None]:
    folded = fold(text)
    if not folded:
        return None, None, None
    canonical = canonical_given_name(text)
    return folded, canonical, skeleton(canonical.split()[0])


@lru_cache(maxsize=200_000)
def _surname(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    folded = fold(text)
    if not folded:
        return None, None, None, None
    tokens = folded.split()
    second = tokens[-1] if len(tokens) > 1 else None
    # Skeleton of the canonical form, as for given names, so that a swapped
    # record ("Petrović Saša") has the skeletons of the straight one.
    return folded, tokens[0], second, skeleton(canonical_given_name(tokens[0]))


def _clean(value: object) -> str:
    return "" if value is None else str(value).strip()


class _NameFields(TypedDict):
    gn: str | None
    gnc: str | None
    gc: str | None
    gk: str | None
    gp: str | None
    sn: str | None
    sn1: str | None
    sn2: str | None
    sk: str | None
    sp: str | None


def _name_fields(given: str, surname: str, cit: str | None) -> _NameFields:
    """The name features of ``Features`` (all but ``nk``) from a given name and a surname."""
    gn, gc, gk = _given(given)
    sn, sn1, sn2, sk = _surname(surname)
    return {
        "gn": gn,
        "gnc": f"{gn}|{cit or ''}" if gn else None,
        "gc": gc,
        "gk": gk,
        "gp": gn[:3] if gn else None,
        "sn": sn,
        "sn1": sn1,
        "sn2": sn2,
        "sk": sk,
        "sp": sn[:3] if sn else None,
    }


def prepare_record(
    row: Mapping[str, object],
    *,
    line: int = 0,
    today: dt.date | None = None,
    issues: list[RowIssue] | None = None,
) -> Features:
    """Features of one registration; unreadable values become None and are added to ``issues``."""
    today = today or dt.datetime.now(tz=dt.UTC).date()

    def issue(column: str, value: str, message: str) -> None:
        if issues is not None:
            issues.append(RowIssue(line, column, value, message))

    dob_text = _clean(row.get("date_of_birth"))
    year_text = _clean(row.get("birth_year"))
    try:
        dob = parse_partial_date(dob_text, None, today=today)
    except ValueError as exc:
        issue("date_of_birth", dob_text, f"{exc}; treated as missing")
        dob = parse_partial_date(None)
    year = None
    if year_text:
        # Checked even beside a full date (which wins), so the file gets fixed.
        try:
            year = parse_partial_date(None, year_text, today=today).year
        except ValueError as exc:
            issue("birth_year", year_text, f"{exc}; treated as missing")

    sex = _clean(row.get("sex")).upper() or None
    if sex is not None and sex not in SEX_CODES:
        issue("sex", sex, "sex must be M, F or empty; treated as missing")
    cit = _clean(row.get("citizenship")).upper() or None
    if cit is not None and cit not in COUNTRY_CODES:
        issue("citizenship", cit, "not an ISO 3166-1 alpha-2 code (or XK); treated as missing")
    return _features(
        _clean(row.get("record_id")),
        _clean(row.get("source_institution")),
        _clean(row.get("first_name")),
        _clean(row.get("last_name")),
        sex,
        dob.date,  # full or unknown: no year was given to parse_partial_date
        year,
        cit,
        _clean(row.get("place_of_birth")),
    )


def prepare_typed(
    record_id: str,
    *,
    source: str = "",
    first_name: str = "",
    last_name: str = "",
    sex: str = "",
    date_of_birth: dt.date | None = None,
    birth_year: int | None = None,
    citizenship: str = "",
    place_of_birth: str = "",
    today: dt.date | None = None,
) -> Features:
    """``prepare_record`` of values already typed (a registration as read from the database):
    the same features, without writing its date and year out as text to parse them back (a
    third of a search's work at a million registrations). Values ``prepare_record`` would
    refuse are missing here too, silently: there is no file to fix."""
    today = today or dt.datetime.now(tz=dt.UTC).date()
    known = date_of_birth is not None and date_of_birth.year >= MIN_YEAR and date_of_birth <= today
    year = birth_year if birth_year is not None and MIN_YEAR <= birth_year <= today.year else None
    return _features(
        record_id,
        source.strip(),
        first_name.strip(),
        last_name.strip(),
        sex.strip().upper() or None,
        date_of_birth if known else None,
        year,
        citizenship.strip().upper() or None,
        place_of_birth.strip(),
    )


def _features(
    record_id: str,
    source: str,
    first_name: str,
    last_name: str,
    sex: str | None,
    dob: dt.date | None,
    year: int | None,
    cit: str | None,
    place_of_birth: str,
) -> Features:
    """The features of checked values (``dob`` a full date of birth or None; a year of birth
    counts only without one; an unknown sex or country code counts as missing)."""
    if cit is not None and cit not in COUNTRY_CODES:
        cit = None
    pob = fold(place_of_birth) or None
    names = _name_fields(first_name, last_name, cit)
    gk, sk = names["gk"], names["sk"]
    return Features(
        record_id=record_id,
        source=source or None,
        **names,
        nk="|".join(sorted((gk, sk))) if gk and sk else None,
        dob=dob.isoformat() if dob else None,
        dob_sw=day_month_swapped(dob) if dob else None,
        yob=dob.year if dob else year,
        sex=sex if sex in SEX_CODES else None,
        cit=cit,
        pob=pob,
        pobc=f"{pob}|{cit or ''}" if pob else None,
    )


def features_to_columns(records: Iterable[Features]) -> dict[str, list[object]]:
    """Column-oriented form of many Features (for Arrow / DuckDB / Spark)."""
    columns: dict[str, list[object]] = {name: [] for name in FEATURE_COLUMNS}
    appenders = [columns[name].append for name in FEATURE_COLUMNS]
    for record in records:
        for append, name in zip(appenders, FEATURE_COLUMNS, strict=True):
            append(getattr(record, name))
    return columns


# --- swapped given name and surname -----------------------------------------
#
# About one registration in twenty has the given name in the surname field and
# the surname in the given-name field. The comparisons recognise a swap, but
# only as one level without term frequencies: "Shala Drita" against "Drita
# Shala" would then count the same whether the name is the region's commonest
# or unique. When the data set itself shows that a registration's given name is
# written far more often as a surname *and* its surname far more often as a
# given name, the two are put back in their places before anything is
# compared; the swap levels remain for the swaps this cannot see (rare names).

# Odds (data-set counts, add-one smoothed) that a registration's names are
# swapped must exceed this, with neither name on its own pointing the other way
# (a rare surname seen once in each field does not stop a clear given name).
SWAP_MIN_ODDS = 8.0


@dataclass(frozen=True, slots=True)
class NameRoles:
    """How often each folded name word is written as a given name and as a surname."""

    given: Mapping[str, int]
    surname: Mapping[str, int]


def _first_words(record: Features) -> tuple[str | None, str | None]:
    given = record.gn.split(" ", 1)[0] if record.gn else None
    return given, record.sn1


def name_roles(records: Iterable[Features]) -> NameRoles:
    """Count, over ``records``, each first given-name word and first surname word."""
    given: dict[str, int] = {}
    surname: dict[str, int] = {}
    for record in records:
        g, s = _first_words(record)
        if g is not None:
            given[g] = given.get(g, 0) + 1
        if s is not None:
            surname[s] = surname.get(s, 0) + 1
    return NameRoles(given, surname)


def looks_swapped(record: Features, roles: NameRoles) -> bool:
    """True if ``roles`` say this registration's given name and surname are swapped."""
    g, s = _first_words(record)
    if g is None or s is None or g == s:
        return False
    g_odds = (roles.surname.get(g, 0) + 1) / (roles.given.get(g, 0) + 1)
    s_odds = (roles.given.get(s, 0) + 1) / (roles.surname.get(s, 0) + 1)
    return g_odds >= 1 and s_odds >= 1 and g_odds * s_odds > SWAP_MIN_ODDS


def swap_names(record: Features) -> Features:
    """The registration with given name and surname exchanged (features recomputed)."""
    return record._replace(**_name_fields(record.sn or "", record.gn or "", record.cit))


def orient(records: list[Features], roles: NameRoles | None = None) -> tuple[list[Features], int]:
    """Put swapped names back in their fields; return the records and how many were swapped.

    ``roles`` default to the counts of ``records`` themselves.
    """
    roles = roles if roles is not None else name_roles(records)
    out: list[Features] = []
    swapped = 0
    for record in records:
        if looks_swapped(record, roles):
            out.append(swap_names(record))
            swapped += 1
        else:
            out.append(record)
    return out, swapped
