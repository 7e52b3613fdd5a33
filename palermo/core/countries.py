"""Countries (ISO 3166-1) with Kosovo's user-assigned codes, plus explicit unknown/stateless.

pycountry follows ISO 3166-1, which has no entry for Kosovo*; the codes in common use
(XK, and XKX where an alpha-3 code is needed — as the EU and the UN do) are added here.

* All references to Kosovo are without prejudice to positions on status, in line with
  UNSCR 1244.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry
from django.utils.translation import gettext_lazy as _

UNKNOWN = "ZZ"  # user-assigned: unknown (statistics need an explicit value)
STATELESS = "XX"  # user-assigned: stateless (the ICAO/UNHCR convention is XXA)


@dataclass(frozen=True)
class Country:
    alpha_2: str
    alpha_3: str
    name: str


_EXTRA = (
    Country("XK", "XKX", "Kosovo*"),
    Country(STATELESS, "XXA", "Stateless"),
    Country(UNKNOWN, "ZZZ", "Unknown"),
)


@cache
def _by_alpha2() -> dict[str, Country]:
    table = {c.alpha_2: Country(c.alpha_2, c.alpha_3, c.name) for c in pycountry.countries}
    table.update({c.alpha_2: c for c in _EXTRA})
    return table


@cache
def _by_alpha3() -> dict[str, Country]:
    return {c.alpha_3: c for c in _by_alpha2().values()}


def get(code: str) -> Country | None:
    """Look a country up by alpha-2 or alpha-3 code (case-insensitive)."""
    code = (code or "").strip().upper()
    if len(code) == 2:
        return _by_alpha2().get(code)
    if len(code) == 3:
        return _by_alpha3().get(code)
    return None


def alpha3(alpha2: str) -> str:
    country = get(alpha2)
    if country is None:
        raise KeyError(alpha2)
    return country.alpha_3


def is_valid(code: str) -> bool:
    return get(code) is not None


def display_name(code: str) -> str:
    """The country's name in the active language where gettext knows it."""
    country = get(code)
    if country is None:
        return code
    if country.alpha_2 == "XK":
        return str(_("Kosovo*"))
    if country.alpha_2 == STATELESS:
        return str(_("Stateless"))
    if country.alpha_2 == UNKNOWN:
        return str(_("Unknown"))
    return country.name


def choices() -> list[tuple[str, str]]:
    """(alpha-2, name) for select boxes, sorted by name, unknown and stateless last."""
    regular = sorted(
        (c.alpha_2, display_name(c.alpha_2))
        for c in _by_alpha2().values()
        if c.alpha_2 not in (UNKNOWN, STATELESS)
    )
    regular.sort(key=lambda pair: pair[1])
    return [*regular, (STATELESS, display_name(STATELESS)), (UNKNOWN, display_name(UNKNOWN))]
