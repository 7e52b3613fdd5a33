"""name_similarity and the string distances behind it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.names import jaro_winkler, levenshtein, name_similarity

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


def test_jaro_winkler_reference_values() -> None:
    # Values from Winkler (1990) as computed by DuckDB's jaro_winkler_similarity.
    assert jaro_winkler("martha", "marhta") == pytest.approx(0.9611111, abs=1e-6)
    assert jaro_winkler("dixon", "dicksonx") == pytest.approx(0.8133333, abs=1e-6)
    assert jaro_winkler("abc", "abc") == 1.0
    assert jaro_winkler("abc", "") == 0.0


def test_same_person_written_differently_scores_high() -> None:
    assert name_similarity("Saša", "Petrović", "Aleksandar", "Petrovic") == 1.0
    assert name_similarity("Олександр", "Харченко", "Oleksandr", "Kharchenko") == 1.0
    assert name_similarity("Drita", "Krasniqi", "Drita", "Krasniqi-Hoxha") > 0.9
    assert name_similarity("Drita", "Krasniqi", "Drita", "Krasnqi") > 0.9


def test_different_people_score_lower_than_variants() -> None:
    variant = name_similarity("Marko", "Petrović", "Marko", "Petrovic")
    other = name_similarity("Marko", "Petrović", "Ivana", "Hoxha")
    assert other < 0.7 < variant


def test_missing_fields_are_left_out() -> None:
    assert name_similarity("Drita", None, "Drita", "Krasniqi") == 1.0
    assert name_similarity(None, None, "Drita", "Krasniqi") == 0.0


_NAME = st.text(max_size=15)


@settings(max_examples=300)
@given(_NAME, _NAME, _NAME, _NAME)
def test_similarity_is_swap_invariant_and_bounded(f1: str, l1: str, f2: str, l2: str) -> None:
    score = name_similarity(f1, l1, f2, l2)
    assert 0.0 <= score <= 1.0
    assert name_similarity(l1, f1, f2, l2) == pytest.approx(score)
    assert name_similarity(f1, l1, l2, f2) == pytest.approx(score)
