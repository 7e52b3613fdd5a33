"""Folding: one lowercase ASCII spelling for every way a name is written.

A registrar in Prishtina writes ``Gjorgje Petroviq``, one in Niš ``Ђорђе
Петровић``, one in Skopje ``Ѓорѓе``, a police officer without a Serbian
keyboard ``Djordje Petrovic``. ``fold`` maps all of them to
``djordje petrovic`` so that exact comparisons and indexes work across
scripts, keyboards and national spelling habits.

The rules, applied after transliteration and diacritic removal until nothing
changes (which makes ``fold`` idempotent):

* digraphs for one sound become one letter (each letter of a Cyrillic word
  transliterated alone, so т+ч stays tc): sh/š/ş→s, zh/ž→z, ch/č/ć/ç/ts/tz/cz→c,
  kh/х→h, gh/ğ→g, ph→f, th→t, xh/dž/dzh/џ→dz, gj/đ/ђ/ѓ→dj, kj/ќ→c, x→ks, w→v;
* q→c as in Albanian (Krasniqi/Krasnići), but in text with Azerbaijani
  letters (ə, ı, ğ) q→g, x→h and c→dz, as they sound there (Qasımov/Gasymov,
  Xədicə/Khadidzhe, Cəfərov/Dzhafarov);
* a softened consonant before u (Lyudmila/Liudmila/Ludmila) loses its i;
* the glide written j, y or i is normalised: ``Marija/Mariya/Maria``→maria,
  ``Darja/Darya/Daria``→daria, a final ``-ij/-iy/-ii/-yi``→i (``Oleksii/Oleksiy/
  Oleksij``→oleksi), ``y`` elsewhere→i, ``j`` before a consonant→i
  (``Rajko/Rayko``→raiko), an initial ``je``/``ye``→e (``Jelena/Yelena/Elena``);
* Azerbaijani ə→a (the passport spelling ``Mammadov``), ı→i, ö→o, ü→u;
* doubled letters are single (``Nikolla``→nikola, ``Mammadov``→mamadov);
* hyphens, dots and other separators become one space; apostrophes vanish.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from palermo.names.translit import to_latin

# Letters NFKD does not decompose into an ASCII base letter.
_SPECIAL = {
    "đ": "dj", "ð": "d", "ə": "a", "ı": "i", "ł": "l", "ß": "ss", "æ": "ae",
    "œ": "oe", "ø": "o", "þ": "th", "ŋ": "n", "ħ": "h", "ĸ": "k", "ſ": "s",
    "ǝ": "a", "ɛ": "e", "ɔ": "o",
}  # fmt: skip
_APOSTROPHES = "'’ʼ`´ʻ"
_AZERBAIJANI_MARKERS = frozenset("əƏığĞ")
_AZERBAIJANI_LETTERS = str.maketrans({"q": "g", "Q": "G", "x": "h", "X": "H", "c": "dž", "C": "Dž"})

_VOWELS = "aeiou"

# Ordered rewrite rules on one lowercase ASCII token. Applied until a fixpoint.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"dzh|xh", "dz"),
        (r"zh", "z"),
        (r"sh", "s"),
        (r"ch", "c"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"th", "t"),
        (r"ts|tz|cz", "c"),
        (r"gj", "dj"),
        (r"kj", "c"),
        (r"x", "ks"),
        (r"w", "v"),
        # Albanian q is the Serbian ć (Krasniqi/Krasnići, Petroviq/Petrović).
        (r"q", "c"),
        # y as a consonant (start of word or between vowels) is j, else i.
        (r"^y(?=[aeiou])", "j"),
        (r"(?<=[aeiou])y(?=[aeiou])", "j"),
        (r"y", "i"),
        # initial je/ye: Jelena, Yelena, Elena; Yevhen, Evgeni.
        (r"^je", "e"),
        # i+glide+vowel: Marija/Mariya -> maria; Andrija -> andria.
        (r"ij(?=[aeiou])", "i"),
        # consonant+j+vowel (not dj, the Serbian/Albanian letter): Darja -> daria.
        (r"(?<=[bcfghklmnprstvz])j(?=[aeiou])", "i"),
        # consonant+iu inside a word is a u after a softened consonant, written u as often as
        # yu/iu: Lyudmila/Liudmila/Ludmila, Lyubov/Lubov, Vüsal/Vyusal (Russian spelling).
        # Word-final -iu stays (Romanian Dumitriu is not Dumitru).
        (r"(?<=[bcdfghklmnprstvz])iu(?=[a-z])", "u"),
        # vowel+i+vowel: Maia/Maja/Maya -> maja.
        (r"(?<=[aeou])i(?=[aeiou])", "j"),
        # j not before a vowel is a vowel glide: Rajko/Rayko -> raiko, Nikolaj -> nikolai.
        (r"j(?![aeiou])", "i"),
        (r"([a-z])\1+", r"\1"),
    )
)

_SEPARATORS = re.compile(r"[^a-z]+")


def _strip_to_ascii(text: str) -> str:
    """Lowercase, map special letters, drop diacritics; keep letters and separators."""
    lowered = unicodedata.normalize("NFC", text).lower()
    out: list[str] = []
    for ch in lowered:
        if ch in _APOSTROPHES:
            continue
        special = _SPECIAL.get(ch)
        if special is not None:
            out.append(special)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            if "a" <= part <= "z":
                out.append(part)
            elif unicodedata.combining(part):
                continue
            elif part.isalpha() and not part.isascii():
                # A letter of a script we do not transliterate: no sound we can
                # compare, so it is dropped rather than guessed.
                continue
            else:
                out.append(" ")
    return "".join(out)


def fold_token(token: str) -> str:
    """Apply the spelling rules to one lowercase ASCII token (letters a-z only)."""
    current = token
    for _ in range(10):
        previous = current
        for pattern, replacement in _RULES:
            current = pattern.sub(replacement, current)
        if current == previous:
            break
    return current


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Return the canonical comparison form of a name: lowercase ASCII words.

    Handles Cyrillic (Serbian, Macedonian, Russian, Ukrainian, Bulgarian),
    Latin diacritics and the regional spelling variants listed in the module
    docstring. Always returns a string of ``a``-``z`` words joined by single
    spaces (possibly empty); never raises on any ``str``.
    """
    latin = to_latin(text, for_comparison=True)
    if any(ch in _AZERBAIJANI_MARKERS for ch in latin):
        # Azerbaijani q is a g (Qasımov/Гасымов, Vüqar/Vugar), unlike Albanian q;
        # x is a kh (Xədicə/Khadija, Səxavət/Sakhavat) and c a dzh (Cəfər/Dzhafar).
        latin = latin.translate(_AZERBAIJANI_LETTERS)
    tokens = (fold_token(t) for t in _SEPARATORS.split(_strip_to_ascii(latin)) if t)
    return " ".join(t for t in tokens if t)


def is_vowel(ch: str) -> bool:
    return ch in _VOWELS
