"""String and name similarity.

``levenshtein`` is the edit distance the linkage model uses in SQL (DuckDB
and Spark both have it built in, and it is an integer, so the Python
incremental scorer reproduces the SQL levels exactly). ``jaro_winkler`` is
used for ranking search results, where only the order matters.
"""

from __future__ import annotations

import jellyfish

from palermo.names.fold import fold
from palermo.names.keys import canonical_given_name, skeleton


def levenshtein(a: str, b: str, max_distance: int | None = None) -> int:
    """Edit distance (insert, delete, substitute) between ``a`` and ``b``.

    With ``max_distance`` the result is capped at ``max_distance + 1`` (callers that only
    test ``<= k`` then skip strings whose lengths alone rule it out). The distance itself
    comes from jellyfish (compiled): search-before-create computes tens of thousands per
    request.
    """
    if a == b:
        return 0
    if max_distance is not None:
        if abs(len(a) - len(b)) > max_distance:
            return max_distance + 1
        return min(jellyfish.levenshtein_distance(a, b), max_distance + 1)
    return jellyfish.levenshtein_distance(a, b)


def jaro_winkler(a: str, b: str, prefix_scale: float = 0.1) -> float:
    """Jaro-Winkler similarity in [0, 1] (1 for identical strings, 0 if either is empty)."""
    if a == b:
        return 1.0 if a else 0.0
    if not a or not b:
        return 0.0
    window = max(0, max(len(a), len(b)) // 2 - 1)
    a_flags = [False] * len(a)
    b_flags = [False] * len(b)
    matches = 0
    for i, ch in enumerate(a):
        lo, hi = max(0, i - window), min(len(b), i + window + 1)
        for j in range(lo, hi):
            if not b_flags[j] and b[j] == ch:
                a_flags[i] = b_flags[j] = True
                matches += 1
                break
    if matches == 0:
        return 0.0
    a_matched = [ch for ch, f in zip(a, a_flags, strict=True) if f]
    b_matched = [ch for ch, f in zip(b, b_flags, strict=True) if f]
    transpositions = sum(x != y for x, y in zip(a_matched, b_matched, strict=True)) // 2
    jaro = (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * prefix_scale * (1 - jaro)


def _field_similarity(a: str, b: str, *, given: bool) -> float | None:
    """Similarity of one name field, None when either side is empty.

    Token-aware so that a compound surname (``petrovic hodza``) fully matches
    one of its parts (``hodza``), and nickname-aware for given names.
    """
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return None
    if fa == fb:
        return 1.0
    if given and canonical_given_name(a) == canonical_given_name(b):
        return 1.0
    best = jaro_winkler(fa.replace(" ", ""), fb.replace(" ", ""))
    for ta in fa.split():
        for tb in fb.split():
            score = 1.0 if ta == tb else jaro_winkler(ta, tb)
            if skeleton(ta) == skeleton(tb):
                score = max(score, 0.9)
            best = max(best, score * (0.95 if " " in fa + fb else 1.0))
    return best


def _orientation(a1: str, a2: str, b1: str, b2: str) -> float:
    scores = [
        s
        for s in (_field_similarity(a1, b1, given=True), _field_similarity(a2, b2, given=True))
        if s is not None
    ]
    return sum(scores) / len(scores) if scores else 0.0


def name_similarity(
    first_a: str | None, last_a: str | None, first_b: str | None, last_b: str | None
) -> float:
    """How alike two persons' names are, in [0, 1], whichever way round they were typed.

    The score is the better of comparing first-with-first/last-with-last and
    first-with-last/last-with-first, each the mean of the per-field scores
    (folded, nickname-aware, compound-surname-aware Jaro-Winkler). So
    ``name_similarity(f1, l1, f2, l2) == name_similarity(l1, f1, f2, l2)``. Fields
    missing on either side are left out; with nothing to compare it is 0.
    """
    a1, a2, b1, b2 = first_a or "", last_a or "", first_b or "", last_b or ""
    return max(_orientation(a1, a2, b1, b2), _orientation(a1, a2, b2, b1))
