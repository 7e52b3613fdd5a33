"""Canonical given names, phonetic skeletons and search keys.

``search_keys`` gives the short strings a registry stores in an indexed table
so that ``SELECT … WHERE key IN (…)`` finds a person however the registrar
typed the name. Three ideas make the keys robust:

* a *skeleton*: the consonant classes of the folded name with vowels dropped
  (``Mammadov``, ``Memmedov`` and ``Мамедов`` share ``MMTF``), because
  transliteration and dialect change vowels far more than consonants;
* the given name is replaced by its canonical group (``Saša`` → aleksandar)
  before its skeleton is taken, so nicknames and cognates share keys;
* the two skeletons are sorted inside a key (swap invariance), and each is also
  taken with one consonant deleted (a "symmetric delete" neighbourhood): two
  spellings one consonant typo apart always share at least one key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from palermo.names.fold import fold, fold_token
from palermo.names.nicknames import GIVEN_NAME_GROUPS

# Version of the key algorithm: stored beside the keys so that an index built
# with an older algorithm can be recognised and rebuilt.
SEARCH_KEYS_VERSION = 2
MAX_SEARCH_KEYS = 12
_SKELETON_LEN = 4


def _build_canonical_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in GIVEN_NAME_GROUPS:
        canonical = fold(group[0])
        for name in group:
            key = fold(name)
            previous = table.get(key)
            if previous is not None and previous != canonical:
                raise ValueError(f"given name {name!r} is in two groups: {previous}, {canonical}")
            table[key] = canonical
    return table


CANONICAL_GIVEN_NAMES: dict[str, str] = _build_canonical_table()


@lru_cache(maxsize=100_000)
def canonical_given_name(name: str) -> str:
    """The folded name of the given-name group ``name`` belongs to.

    ``Saša``, ``Sasha``, ``Aco`` and ``Олександр`` all give ``aleksandar``. A
    multi-word given name is canonicalised word by word (``Ana-Marija`` gives
    ``ana maria``); a name outside the table is returned folded.
    """
    folded = fold(name)
    whole = CANONICAL_GIVEN_NAMES.get(folded)
    if whole is not None:
        return whole
    return " ".join(CANONICAL_GIVEN_NAMES.get(t, t) for t in folded.split())


# Consonant classes: sounds that transliteration, voicing or keyboards swap.
_CLASS_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^j(?=[aeiou])", ""),  # Jovan/Ivan, Jelena/Elena
        (r"dj|dz", "J"),
        (r"[bp]", "P"),
        (r"[fv]", "F"),
        (r"c", "C"),
        (r"[sz]", "S"),
        (r"[dt]", "T"),
        (r"[ghk]", "K"),
        (r"j", "J"),
        (r"l", "L"),
        (r"m", "M"),
        (r"n", "N"),
        (r"r", "R"),
        # Adjacent letters of one class are one sound ("dt", "sz"); a vowel
        # between them keeps both ("Papa" is PP, not P).
        (r"([A-Z])\1+", r"\1"),
        (r"[aeiou]", ""),
    )
)


@lru_cache(maxsize=200_000)
def skeleton(token: str) -> str:
    """Consonant-class skeleton of one name word, e.g. ``Petrović`` → ``PTRFC``.

    Vowel-only words (``Aia``) fall back to their first three folded letters
    so they still produce a usable, if narrow, key.
    """
    folded = fold_token(fold(token).replace(" ", ""))
    out = folded
    for pattern, replacement in _CLASS_RULES:
        out = pattern.sub(replacement, out)
    return out if out else folded[:3]


def _deletions(code: str) -> list[str]:
    """The code with each of its first ``_SKELETON_LEN`` classes deleted, truncated."""
    head = code[: _SKELETON_LEN + 1]
    out = []
    for i in range(min(len(head), _SKELETON_LEN)):
        variant = (head[:i] + head[i + 1 :])[:_SKELETON_LEN]
        if len(variant) >= 2:
            out.append(variant)
    return out


def _pair(a: str, b: str) -> str:
    return "|".join(sorted((a, b)))


# The keys of one name alone: a surname's ("s:…") or a given name's ("g:…").
_ONE_NAME_PREFIXES = ("s:", "g:")


def of_one_name(keys: Iterable[str]) -> bool:
    """Whether ``search_keys`` gave ``keys`` for one name alone (a surname or a given name):
    a query with both names has a key of the pair too."""
    return all(key.startswith(_ONE_NAME_PREFIXES) for key in keys)


def search_keys(first_name: str | None, last_name: str | None) -> set[str]:
    """At most ``MAX_SEARCH_KEYS`` short keys to index a person's name for retrieval.

    Two records of one person share a key when their names differ by script,
    transliteration, diacritics, nickname, order (first/last swapped), one
    consonant typo in one of the names, or a compound surname part. Store every
    key of every registration in an indexed table and look candidates up with
    the keys of the query. A record with only one name gets a single-name key
    (``s:…`` or ``g:…``), which a query with only that name also produces.
    """
    # Both fields go through the nickname table, so that a swapped record
    # ("Petrović Saša") keys like the straight one ("Saša Petrović").
    given_tokens = canonical_given_name(first_name or "").split()
    surname_tokens = [canonical_given_name(t) for t in fold(last_name or "").split()]
    g = skeleton(given_tokens[0])[:_SKELETON_LEN] if given_tokens else ""
    surnames = [surname_tokens[0], surname_tokens[-1]] if surname_tokens else []
    s_codes = list(dict.fromkeys(skeleton(t)[:_SKELETON_LEN] for t in surnames))
    if not g and not s_codes:
        return set()
    if not g:
        return {f"s:{code}" for code in s_codes}
    if not s_codes:
        return {f"g:{g}"}
    keys: list[str] = []
    first, *others = s_codes
    g_full = skeleton(given_tokens[0])
    s_full = skeleton(surnames[0])
    keys.append(_pair(g, first))
    keys.extend(_pair(g, variant) for variant in _deletions(s_full))
    keys.extend(_pair(variant, first) for variant in _deletions(g_full))
    keys.extend(_pair(g, code) for code in others)
    keys.append(f"s:{first}")
    unique = list(dict.fromkeys(keys))
    return set(unique[:MAX_SEARCH_KEYS])
