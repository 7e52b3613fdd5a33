"""Checks shared by forms, the API and imports: each error names its field."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import countries

MIN_BIRTH_YEAR = 1900
MAX_AGE = 110


def today() -> date:
    return timezone.localdate()


class Errors:
    """Collects field errors and raises them together, so a user sees every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def check_country(errors: Errors, field: str, code: str, *, allow_blank: bool = False) -> None:
    if not code and allow_blank:
        return
    if not countries.is_valid(code):
        errors.add(field, _("Unknown country code “%(code)s”.") % {"code": code})


def check_not_future(errors: Errors, field: str, value: date | None) -> None:
    if value is not None and value > today():
        errors.add(field, _("This date is in the future."))


def check_choice(errors: Errors, field: str, value: str, choices: list[str]) -> None:
    if value not in choices:
        errors.add(field, _("Unknown value “%(value)s”.") % {"value": value})


def check_birth(
    errors: Errors, *, date_of_birth: date | None, birth_year: int | None, age: int | None
) -> None:
    now = today()
    if date_of_birth is not None:
        if date_of_birth > now:
            errors.add("date_of_birth", _("This date is in the future."))
        elif date_of_birth.year < MIN_BIRTH_YEAR:
            errors.add("date_of_birth", _("This date of birth is too far in the past."))
    if birth_year is not None and not MIN_BIRTH_YEAR <= birth_year <= now.year:
        errors.add(
            "birth_year",
            _("Give a year between %(low)d and %(high)d.")
            % {"low": MIN_BIRTH_YEAR, "high": now.year},
        )
    if date_of_birth is not None and birth_year is not None and date_of_birth.year != birth_year:
        errors.add("birth_year", _("The year does not match the date of birth."))
    if age is not None and not 0 <= age <= MAX_AGE:
        errors.add("age", _("An age must be between 0 and %(max)d.") % {"max": MAX_AGE})
