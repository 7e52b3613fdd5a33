"""Name and date-of-birth normalisation shared by registry search and record linkage.

Plain Python, no Django: the registry's search-before-create and the
deduplication engine must agree on what "the same name" means, so both use
this one module.

Public API:

* ``to_latin(text)``: display transliteration of Cyrillic (keeps č, ć, š, ž, đ).
* ``fold(text)``: canonical lowercase ASCII comparison form.
* ``canonical_given_name(name)``: folded name of the nickname/cognate group.
* ``skeleton(word)``: consonant-class phonetic skeleton of one word.
* ``search_keys(first_name, last_name)``: ≤ 12 index keys for candidate retrieval;
  ``of_one_name(keys)``: whether they are those of one name alone.
* ``levenshtein(a, b, max_distance)``: edit distance, as the linkage model uses it.
* ``PartialDate``, ``parse_partial_date``: dates of birth that are full, year-only or
  estimated from an age.
"""

from palermo.names.dates import DobKind, PartialDate, parse_partial_date
from palermo.names.fold import fold
from palermo.names.keys import (
    MAX_SEARCH_KEYS,
    SEARCH_KEYS_VERSION,
    canonical_given_name,
    of_one_name,
    search_keys,
    skeleton,
)
from palermo.names.similarity import levenshtein
from palermo.names.translit import detect_cyrillic_language, to_latin

__all__ = [
    "MAX_SEARCH_KEYS",
    "SEARCH_KEYS_VERSION",
    "DobKind",
    "PartialDate",
    "canonical_given_name",
    "detect_cyrillic_language",
    "fold",
    "levenshtein",
    "of_one_name",
    "parse_partial_date",
    "search_keys",
    "skeleton",
    "to_latin",
]
