"""Cyrillic to Latin transliteration for the scripts a Balkan registry meets.

Serbian and Macedonian Cyrillic map one-to-one onto their official Latin
alphabets (with diacritics: č, ć, š, ž, đ, dž, lj, nj, gj, kj, dz). Russian,
Ukrainian and Bulgarian have no single Latin form that everybody writes, so
``to_latin`` uses the forms found in their passports (Russian: ICAO-like
with "kh", "zh", "ts", "ch", "sh", "shch", "y", "yu", "ya"; Ukrainian: the 2010
national table with "h" for г, "y" for и, "i" for і; Bulgarian: the 2009
national table with "h" for х, "sht" for щ and "a" for ъ). ``fold`` then merges
the remaining differences (kh/h, y/i, ya/ia/ja, …) so the choice here only
affects display.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

Lang = Literal["sr", "uk", "bg", "ru"]

# Letters shared by every Cyrillic alphabet handled here, in their most common
# passport form. Language-specific tables override entries.
_COMMON: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ў": "u", "ѝ": "i",
}  # fmt: skip

# Serbian and Macedonian: official Latin alphabets, one letter for one letter.
_SR: dict[str, str] = {
    **_COMMON,
    "ђ": "đ", "ж": "ž", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "ć", "х": "h",
    "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
    "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
}  # fmt: skip

# Ukrainian: Cabinet of Ministers resolution 55 (2010), used in passports.
_UK: dict[str, str] = {
    **_COMMON,
    "г": "h", "ґ": "g", "и": "y", "і": "i", "ї": "i", "й": "i", "є": "ie",
    "ю": "iu", "я": "ia", "щ": "shch", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
# At the start of a word the Ukrainian table writes a "y" glide instead.
_UK_INITIAL: dict[str, str] = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

# Bulgarian: Transliteration Act (2009).
_BG: dict[str, str] = {**_COMMON, "х": "h", "щ": "sht", "ъ": "a", "ь": "y", "ц": "ts"}

_RU: dict[str, str] = dict(_COMMON)

_TABLES: dict[Lang, dict[str, str]] = {"sr": _SR, "uk": _UK, "bg": _BG, "ru": _RU}

# For comparison (``fold``) the sounds that passports write with digraphs are
# written with one letter, as Serbian does: a digraph next to another letter
# can be read two ways ("кх" -> "kkh"), a single letter cannot.
_SINGLE = {"ж": "ž", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč"}
_FOLD_TABLES: dict[Lang, dict[str, str]] = {
    lang: {**table, **{k: v for k, v in _SINGLE.items() if k in table}}
    for lang, table in _TABLES.items()
}
_FOLD_TABLES["bg"]["щ"] = "št"

_SR_MARKERS = frozenset("ђјљњћџѓќѕ")
_UK_MARKERS = frozenset("єіїґ")
_IOTATED = frozenset("еёюяє")


def detect_cyrillic_language(text: str) -> Lang | None:
    """Guess which Cyrillic alphabet ``text`` is written in, or None if it has none.

    Only letters that exist in one alphabet decide; a name with none of them
    (``Иван``) is read as Russian, which is also how Ukrainian and Bulgarian
    names without their own letters are most often transliterated.
    """
    lowered = text.lower()
    if not any("\u0400" <= ch <= "\u04ff" for ch in lowered):
        return None
    if any(ch in _SR_MARKERS for ch in lowered):
        return "sr"
    if any(ch in _UK_MARKERS for ch in lowered):
        return "uk"
    # Bulgarian uses ъ as a vowel; Russian only as a separator before е, ё, ю, я.
    for i, ch in enumerate(lowered):
        if ch == "ъ" and (i + 1 == len(lowered) or lowered[i + 1] not in _IOTATED):
            return "bg"
    return "ru"


def _match_case(source: str, latin: str, next_char: str) -> str:
    if not latin or not source.isupper():
        return latin
    # "Ж" at the start of "Жанна" gives "Zh", inside "ЖУК" gives "ZH".
    if len(latin) > 1 and not next_char.isupper():
        return latin[0].upper() + latin[1:]
    return latin.upper()


def to_latin(text: str, lang: Lang | None = None, *, for_comparison: bool = False) -> str:
    """Transliterate Cyrillic letters to Latin for display; other characters pass through.

    Diacritics are kept (Serbian ``Ђорђе`` gives ``Đorđe``) because that is
    how the person's name is written in Latin; use ``fold`` for comparisons.
    ``lang`` forces an alphabet; by default it is guessed per text.
    ``for_comparison`` writes ж, х, ц, ч, ш with one letter each (ž, h, c, č, š)
    instead of the passport digraphs; ``fold`` uses it.
    """
    text = unicodedata.normalize("NFC", text)
    language = lang or detect_cyrillic_language(text)
    if language is None:
        return text
    table = (_FOLD_TABLES if for_comparison else _TABLES)[language]
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        if low not in table and low not in _UK_INITIAL:
            out.append(ch)
            continue
        at_word_start = i == 0 or not text[i - 1].isalpha()
        if language == "uk" and at_word_start and low in _UK_INITIAL:
            latin = _UK_INITIAL[low]
        else:
            latin = table.get(low, ch)
        next_char = text[i + 1] if i + 1 < len(text) else ""
        out.append(_match_case(ch, latin, next_char))
    return "".join(out)


_SR_LATIN_TO_CYR: dict[str, str] = {
    "dž": "џ", "lj": "љ", "nj": "њ", "gj": "ѓ", "kj": "ќ", "dz": "ѕ",
    "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "đ": "ђ",
    "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с",
    "š": "ш", "t": "т", "u": "у", "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip


def serbian_latin_to_cyrillic(text: str, *, macedonian: bool = False) -> str:
    """Write Serbian (or Macedonian) Latin text in Cyrillic, keeping other characters.

    Used by the tests and the benchmark generator to produce the Cyrillic
    spelling a registrar in Belgrade or Skopje would type. Without
    ``macedonian`` the digraphs gj, kj and dz stay two letters, as in Serbian.
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        low_pair = pair.lower()
        digraphs = ("dž", "lj", "nj", "gj", "kj", "dz") if macedonian else ("dž", "lj", "nj")
        if len(pair) == 2 and low_pair in digraphs:
            cyr = _SR_LATIN_TO_CYR[low_pair]
            out.append(cyr.upper() if pair[0].isupper() else cyr)
            i += 2
            continue
        ch = text[i]
        letter = _SR_LATIN_TO_CYR.get(ch.lower())
        out.append(ch if letter is None else (letter.upper() if ch.isupper() else letter))
        i += 1
    return "".join(out)
