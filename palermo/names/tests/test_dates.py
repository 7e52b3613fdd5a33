"""Partial dates of birth: parsing, years from ages, day and month swapped."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palermo.names import DobKind, PartialDate, parse_partial_date

pytestmark = pytest.mark.nodb

TODAY = dt.date(2026, 11, 25)


def full(text: str) -> PartialDate:
    return parse_partial_date(text, today=TODAY)


def test_parse_full_year_only_and_unknown() -> None:
    assert full("1990-03-07").kind is DobKind.FULL
    assert parse_partial_date("", "1990", today=TODAY) == PartialDate.year_only(1990)
    assert parse_partial_date(None, None, today=TODAY).kind is DobKind.UNKNOWN


def test_a_full_date_wins_over_the_year_field() -> None:
    assert parse_partial_date("1990-03-07", "1985", today=TODAY).year == 1990


@pytest.mark.parametrize(
    ("dob", "year"),
    [("1990-13-01", ""), ("1990-02-30", ""), ("07.03.1990", ""), ("", "90"), ("", "1850"),
     ("2030-01-01", ""), ("", "2099")],
)  # fmt: skip
def test_malformed_or_impossible_dates_are_rejected(dob: str, year: str) -> None:
    with pytest.raises(ValueError, match=r"date of birth|birth year"):
        parse_partial_date(dob, year, today=TODAY)


def test_age_becomes_a_range_of_birth_years() -> None:
    estimate = PartialDate.from_age(17, at=dt.date(2026, 3, 2), tolerance=2)
    assert estimate.kind is DobKind.ESTIMATED
    # Aged 17 in March 2026: born between March 2008 and March 2009; ±2 years.
    assert (estimate.year_min, estimate.year_max) == (2006, 2011)
    assert estimate.year == 2008


def test_day_month_swap_only_when_it_gives_another_valid_date() -> None:
    assert full("1990-03-07").day_month_swapped() == "1990-07-03"
    assert full("1990-03-17").day_month_swapped() is None
    assert full("1990-03-03").day_month_swapped() is None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_a_full_date_parses_to_itself(date: dt.date) -> None:
    parsed = full(date.isoformat())
    assert parsed.date == date
