"""Partial dates of birth: full, year only, or estimated from an apparent age.

Victims often have no documents: a registration may hold a full date, only a
year ("born 1998"), or an age a social worker estimated ("about 17 on
2026-03-02"). ``PartialDate`` keeps what is known as a range of possible birth
years plus, for full dates, the day and month (and the date with both swapped). How two
dates compare is the linkage engine's ``date_of_birth`` comparison
(``palermo.dedup.engine.levels``), which the search and the review screen share.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass


class DobKind(enum.StrEnum):
    FULL = "full"
    YEAR = "year"
    ESTIMATED = "estimated"
    UNKNOWN = "unknown"


_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
MIN_YEAR = 1880


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date of birth known fully, to the year, as an estimated year range, or not at all.

    ``year_min``/``year_max`` bound the birth year for every kind except
    UNKNOWN; ``year`` is the best single guess (the middle of the range).
    """

    kind: DobKind
    year: int | None = None
    month: int | None = None
    day: int | None = None
    year_min: int | None = None
    year_max: int | None = None

    @classmethod
    def unknown(cls) -> PartialDate:
        return cls(DobKind.UNKNOWN)

    @classmethod
    def full(cls, date: dt.date) -> PartialDate:
        return cls(DobKind.FULL, date.year, date.month, date.day, date.year, date.year)

    @classmethod
    def year_only(cls, year: int) -> PartialDate:
        return cls(DobKind.YEAR, year, None, None, year, year)

    @classmethod
    def from_age(cls, age: int, at: dt.date, tolerance: int = 2) -> PartialDate:
        """A person estimated to be ``age`` years old on ``at``, give or take ``tolerance`` years.

        Someone aged exactly ``age`` on ``at`` was born in ``at.year - age`` or the
        year before, so the range is widened by that year and by the tolerance.
        """
        if age < 0 or tolerance < 0:
            raise ValueError("age and tolerance must not be negative")
        latest = at.year - age
        earliest = latest - 1
        return cls(
            DobKind.ESTIMATED,
            year=latest if at.timetuple().tm_yday > 182 else earliest,
            year_min=earliest - tolerance,
            year_max=latest + tolerance,
        )

    @property
    def date(self) -> dt.date | None:
        if self.kind is DobKind.FULL and self.year and self.month and self.day:
            return dt.date(self.year, self.month, self.day)
        return None

    def iso(self) -> str | None:
        d = self.date
        return d.isoformat() if d else None

    def day_month_swapped(self) -> str | None:
        """The ISO date with day and month exchanged, when that is a different valid date."""
        d = self.date
        return None if d is None else day_month_swapped(d)


def day_month_swapped(d: dt.date) -> str | None:
    """``d`` in ISO with day and month exchanged, when that is a different valid date."""
    if d.day > 12 or d.day == d.month:
        return None
    return dt.date(d.year, d.day, d.month).isoformat()


def parse_partial_date(
    date_of_birth: str | None, birth_year: str | int | None = None, *, today: dt.date | None = None
) -> PartialDate:
    """Build a PartialDate from the registry's two fields; raises ValueError on a malformed one.

    ``date_of_birth`` is ISO ``YYYY-MM-DD`` or empty; ``birth_year`` is a year
    or empty and is used only when there is no full date. Years before
    ``MIN_YEAR`` or after ``today`` are rejected as typos.
    """
    today = today or dt.datetime.now(tz=dt.UTC).date()
    text = (date_of_birth or "").strip()
    if text:
        match = _ISO.match(text)
        if not match:
            raise ValueError(f"date of birth {text!r} is not YYYY-MM-DD")
        try:
            date = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise ValueError(f"date of birth {text!r} is not a calendar date") from exc
        if not date.year >= MIN_YEAR or date > today:
            raise ValueError(f"date of birth {text!r} is out of range")
        return PartialDate.full(date)
    year_text = str(birth_year).strip() if birth_year is not None else ""
    if year_text:
        match = _YEAR.match(year_text)
        if not match:
            raise ValueError(f"birth year {year_text!r} is not a four-digit year")
        year = int(match[1])
        if not MIN_YEAR <= year <= today.year:
            raise ValueError(f"birth year {year} is out of range")
        return PartialDate.year_only(year)
    return PartialDate.unknown()
