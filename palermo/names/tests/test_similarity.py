"""Edit distance: the full and the bounded computation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.names import levenshtein

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "", 0), ("abc", "", 3), ("kitten", "sitting", 3), ("petrovic", "petrovik", 1),
     ("ana", "anna", 1)],
)  # fmt: skip
def test_levenshtein_examples(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance
    assert levenshtein(b, a) == distance


@settings(max_examples=300)
@given(st.text(max_size=10), st.text(max_size=10), st.integers(min_value=0, max_value=4))
def test_bounded_levenshtein_agrees_with_the_full_computation(a: str, b: str, k: int) -> None:
    full = levenshtein(a, b)
    assert levenshtein(a, b, k) == (full if full <= k else k + 1)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("", "0\U0001f3fb", 2), ("a", "e\u0301", 2), ("ab", "a\u0301b", 1), ("ćao", "cao", 1)],
)  # fmt: skip
def test_levenshtein_counts_code_points_not_grapheme_clusters(
    a: str, b: str, distance: int
) -> None:
    # A skin-tone modifier or a combining accent is a code point of its own: the bounded
    # computation's length shortcut counts them too (found by hypothesis).
    assert levenshtein(a, b) == distance
    assert levenshtein(a, b, 1) == min(distance, 2)
