"""Nickname groups, skeletons and search keys: retrieval that survives how names are typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palermo.names import (
    MAX_SEARCH_KEYS,
    canonical_given_name,
    fold,
    of_one_name,
    search_keys,
    skeleton,
    to_latin,
)
from palermo.names.keys import CANONICAL_GIVEN_NAMES, _build_canonical_table
from palermo.names.nicknames import GIVEN_NAME_GROUPS
from palermo.names.translit import serbian_latin_to_cyrillic

pytestmark = pytest.mark.nodb

NICKNAMES = [
    ["Aleksandar", "Aco", "Saša", "Sasha", "Aleksandr", "Oleksandr", "Олександр", "Skënder"],
    ["Jovan", "Jovo", "Ivan", "Іван", "Gjon", "Ion"],
    ["Nikola", "Nikolla", "Mykola", "Микола", "Nikolay", "Николай", "Nicolae"],
    ["Mehmet", "Mehmed", "Memed", "Muhammad", "Mohammed", "Md", "Məmməd"],
    ["Ekaterina", "Katya", "Kateryna", "Катерина", "Katarina"],
    ["Elena", "Olena", "Jelena", "Alena", "Јелена", "Олена", "Aliona"],
    ["Đorđe", "Djordje", "Gjorgje", "Georgi", "Георги", "Gjergj", "Gheorghe", "Goce"],
    ["Yevhen", "Evgeni", "Євген", "Zhenya", "Jevgenij"],
    ["Oleksii", "Aleksej", "Alexei", "Алексей"],
    ["Mujo", "Mustafa"],
]


@pytest.mark.parametrize("group", NICKNAMES, ids=lambda g: g[0])
def test_nicknames_and_cognates_share_a_canonical_name(group: list[str]) -> None:
    assert len({canonical_given_name(name) for name in group}) == 1


def test_names_outside_the_table_are_just_folded() -> None:
    assert canonical_given_name("Blerim") == "blerim"
    assert canonical_given_name("Ana-Marija") == "ana maria"
    assert canonical_given_name("") == ""


def test_female_and_male_forms_keep_separate_groups() -> None:
    assert canonical_given_name("Ivana") != canonical_given_name("Ivan")
    assert canonical_given_name("Aleksandra") != canonical_given_name("Aleksandar")


def test_no_name_belongs_to_two_groups() -> None:
    # Building the table raises on a conflict; rebuild to check the shipped groups.
    assert _build_canonical_table() == CANONICAL_GIVEN_NAMES
    folded = [fold(n) for group in GIVEN_NAME_GROUPS for n in group]
    assert len(CANONICAL_GIVEN_NAMES) == len(set(folded))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Məmmədov", "Мамедов"),
        ("Memmedov", "Mammadov"),
        ("Hryhorii", "Grigorij"),
        ("Ahmeti", "Ahmedi"),
        ("Petrović", "Петровиќ"),
    ],
)
def test_skeleton_survives_vowels_voicing_and_script(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


def _share_key(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return bool(search_keys(*a) & search_keys(*b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Saša", "Petrović"), ("Aleksandar", "Petrovic")),  # nickname, diacritics
        (("Aleksandar", "Petrović"), ("Petrović", "Aleksandar")),  # swapped
        (("Олександр", "Харченко"), ("Oleksandr", "Kharchenko")),  # script
        (("Oleksandr", "Harchenko"), ("Aleksandr", "Kharchenko")),  # kh/h, cognate
        (("Drita", "Krasniqi"), ("Дрита", "Краснићи")),  # Albanian in Serbian Cyrillic
        (("Drita", "Krasniqi"), ("Drita", "Krasnigi")),  # consonant typo
        (("Drita", "Krasniqi"), ("Drita", "Krsniqi")),  # deleted vowel
        (("Drita", "Krasniqi"), ("Dritta", "Krasniqi")),  # doubled letter
        (("Blerta", "Krasniqi"), ("Blerta", "Krasniqi-Hoxha")),  # compound married surname
        (("Blerta", "Hoxha"), ("Blerta", "Krasniqi-Hoxha")),  # second part of compound
        (("Aysel", "Məmmədova"), ("Aysel", "Mamedova")),  # Azerbaijani vs Russian form
        (("Md Rafiqul", "Islam"), ("Md Rafiqul", "Islam")),
    ],
)
def test_two_spellings_of_one_person_share_a_search_key(
    a: tuple[str, str], b: tuple[str, str]
) -> None:
    assert _share_key(a, b)


def test_different_people_do_not_share_keys() -> None:
    assert not _share_key(("Drita", "Krasniqi"), ("Marko", "Petrović"))
    assert not _share_key(("Ana", "Hoxha"), ("Elena", "Ivanova"))


def test_a_record_with_only_a_surname_is_found_by_surname() -> None:
    assert search_keys(None, "Hoxha") == search_keys("", "Hodža")
    assert search_keys("Drita", "Hoxha") & search_keys(None, "Hoxha")
    assert search_keys(None, None) == set()


_NAME = st.text(alphabet="abcdefghijklmnoprstuvzčćšžđ", min_size=2, max_size=12).filter(
    lambda s: sum(c not in "aeiou" for c in s) >= 2  # a name, not a vowel string
)


@settings(max_examples=200)
@given(_NAME, _NAME)
def test_search_keys_are_few_and_swap_invariant(first: str, last: str) -> None:
    keys = search_keys(first, last)
    assert 0 < len(keys) <= MAX_SEARCH_KEYS
    assert all(len(k) <= 12 for k in keys)
    assert keys & search_keys(last, first)


@settings(max_examples=200)
@given(_NAME, _NAME)
def test_cyrillic_and_latin_spellings_share_a_search_key(first: str, last: str) -> None:
    cyrillic = (serbian_latin_to_cyrillic(first), serbian_latin_to_cyrillic(last))
    assert search_keys(first, last) & search_keys(*cyrillic)


# Names as consonant-vowel syllables, so that a substituted letter never lands
# next to a consonant of its own class (which would merge two skeleton letters).
_LONG_NAME = st.lists(
    st.tuples(st.sampled_from("bdfgklmnprstvz"), st.sampled_from("aeiou")),
    min_size=4,
    max_size=7,
).map(lambda syllables: "".join(c + v for c, v in syllables))


@settings(max_examples=200)
@given(_NAME, _LONG_NAME, st.integers(min_value=1), st.sampled_from("bdgklmnprstvz"))
def test_one_consonant_substitution_keeps_a_shared_key(
    first: str, last: str, position: int, consonant: str
) -> None:
    i = 2 * (1 + position % (len(last) // 2 - 1))  # a consonant after the first syllable
    typo = last[:i] + consonant + last[i + 1 :]
    assert search_keys(first, last) & search_keys(first, typo)


@settings(max_examples=300)
@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_any_unicode_gives_keys_without_raising(first: str | None, last: str | None) -> None:
    keys = search_keys(first, last)
    assert len(keys) <= MAX_SEARCH_KEYS
    canonical_given_name(first or "")
    to_latin(last or "")


@pytest.mark.parametrize(
    ("first", "last", "one_name"),
    [
        ("", "Krasniqi", True),
        ("Arta", "", True),
        ("", "Popova-Koleva", True),  # two surname words are still one name
        ("Arta", "Krasniqi", False),
        ("Krasniqi", "Arta", False),
    ],
)
def test_the_keys_tell_whether_they_are_of_one_name_alone(
    first: str, last: str, one_name: bool
) -> None:
    assert of_one_name(search_keys(first, last)) is one_name
