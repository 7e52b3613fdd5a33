"""Edit distance, as the linkage model uses it in SQL (DuckDB and Spark both have it built
in, and it is an integer, so the Python incremental scorer reproduces the SQL levels
exactly)."""

from __future__ import annotations

import jellyfish


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
