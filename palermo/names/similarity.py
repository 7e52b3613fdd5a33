"""Edit distance, as the linkage model uses it in SQL (DuckDB and Spark both have it built
in, and it is an integer, so the Python incremental scorer reproduces the SQL levels
exactly)."""

from __future__ import annotations

import jellyfish


def levenshtein(a: str, b: str, max_distance: int | None = None) -> int:
    """Edit distance (insert, delete, substitute) between ``a`` and ``b``, counted in code
    points.

    With ``max_distance`` the result is capped at ``max_distance + 1`` (callers that only
    test ``<= k`` then skip strings whose lengths alone rule it out). The distance of ASCII
    strings (every normalised name) comes from jellyfish (compiled): search-before-create
    computes tens of thousands per request. Jellyfish counts grapheme clusters ("0" and a
    skin-tone modifier are one), which would disagree with the length shortcut, so other
    strings are compared here, code point by code point. (The linkage model compares folded
    names and dates, all ASCII, where this count, jellyfish's and DuckDB's, which counts
    bytes, agree.)
    """
    if a == b:
        return 0
    if max_distance is not None and abs(len(a) - len(b)) > max_distance:
        return max_distance + 1
    if a.isascii() and b.isascii():
        distance = jellyfish.levenshtein_distance(a, b)
    else:
        distance = _code_point_levenshtein(a, b)
    return distance if max_distance is None else min(distance, max_distance + 1)


def _code_point_levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
