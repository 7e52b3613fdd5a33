"""How registrars actually write names: scripts, transliteration habits, typos.

Every function takes the generator's ``random.Random`` so that a seed fixes
the whole data set.
"""

from __future__ import annotations

import random
import unicodedata

from palermo.names.translit import serbian_latin_to_cyrillic, to_latin

_KEYBOARD = {
    "a": "qswz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc",
    "g": "ftyhbv", "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop",
    "m": "njk", "n": "bhjm", "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz",
    "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu",
    "z": "asx",
}  # fmt: skip
_CYR_LETTERS = "абвгдежзиклмнопрстуфхцчшя"


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: substitution by a neighbour key, deletion, doubling or transposition."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    ch = text[i]
    op = rng.random()
    if op < 0.4 and ch.isalpha():
        low = ch.lower()
        pool = _KEYBOARD.get(low) or (_CYR_LETTERS if "\u0400" <= low <= "\u04ff" else "")
        if pool:
            new = rng.choice(pool)
            return text[:i] + (new.upper() if ch.isupper() else new) + text[i + 1 :]
    if op < 0.65:
        return text[:i] + text[i + 1 :]
    if op < 0.8:
        return text[:i] + ch + text[i:]
    j = i - 1 if i == len(text) - 1 else i
    return text[:j] + text[j + 1] + text[j] + text[j + 2 :]


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "dj").replace("Đ", "Dj").replace("ə", "e").replace("Ə", "E")
    text = text.replace("ı", "i").replace("İ", "I")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _replace_all(text: str, pairs: list[tuple[str, str]]) -> str:
    for a, b in pairs:
        text = text.replace(a, b).replace(a.capitalize(), b.capitalize())
    return text


def serbian_latin_variant(rng: random.Random, text: str, *, albanian_office: bool) -> str:
    """How a Serbian/Macedonian/Bosnian Latin name is typed elsewhere or without diacritics."""
    r = rng.random()
    if r < 0.45:
        return strip_diacritics(text)
    if r < 0.55:
        return _replace_all(
            text,
            [("dž", "dzh"), ("č", "ch"), ("ć", rng.choice(["ch", "c"])), ("š", "sh"),
             ("ž", "zh"), ("đ", "dj")],
        )  # fmt: skip
    if r < 0.7 and albanian_office:
        return _replace_all(
            text, [("dž", "xh"), ("ć", "q"), ("č", "ç"), ("š", "sh"), ("ž", "zh"), ("đ", "gj")]
        )
    return text


def albanian_in_serbian(rng: random.Random, text: str) -> str:
    """An Albanian name as a Serbian or Macedonian office writes it (Latin, Serbian letters)."""
    out = _replace_all(
        text,
        [("xh", "dž"), ("zh", "ž"), ("sh", "š"), ("gj", "đ"), ("q", "ć"), ("ç", "č"),
         ("dh", "d"), ("th", "t"), ("ll", "l"), ("rr", "r"), ("x", "dz"), ("y", "i")],
    )  # fmt: skip
    out = out.replace("ë", rng.choice(["e", "a"])).replace("Ë", "E")
    return out


def albanian_variant(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.4:
        return strip_diacritics(text)
    if r < 0.5 and text.endswith("ë"):
        return text[:-1]
    return text


def azerbaijani_variant(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.3:
        return text
    if r < 0.55:  # typed on a keyboard without Azerbaijani letters
        return _replace_all(
            text,
            [("ə", "e"), ("ş", rng.choice(["s", "sh"])), ("ç", rng.choice(["c", "ch"])),
             ("ğ", "g"), ("ı", "i"), ("İ", "I"), ("ö", "o"), ("ü", "u")],
        )  # fmt: skip
    if r < 0.8:  # passport transliteration
        return _replace_all(
            text,
            [("ə", "a"), ("ş", "sh"), ("ç", "ch"), ("ğ", "gh"), ("ı", "i"), ("İ", "I"),
             ("ö", "o"), ("ü", "u"), ("x", "kh"), ("q", "g"), ("c", "j")],
        )  # fmt: skip
    return azerbaijani_russian(text)


def azerbaijani_russian(text: str) -> str:
    """The Russian-style Latin spelling (Məmmədov → Mamedov, Həsənov → Gasanov)."""
    out: list[str] = []
    seen_schwa = False
    for i, ch in enumerate(text):
        low = ch.lower()
        if low == "ə":
            rep = "e" if seen_schwa else "a"
            seen_schwa = True
        elif low == "h" and i == 0:
            rep = "g"
        else:
            rep = {"ş": "sh", "ç": "ch", "ğ": "g", "ı": "y", "ö": "yo", "ü": "yu", "x": "kh",
                   "q": "g", "c": "dzh", "i̇": "i"}.get(low, low)  # fmt: skip
        if out and rep == out[-1] and rep.isalpha() and len(rep) == 1:
            continue
        out.append(rep.capitalize() if ch.isupper() else rep)
    return "".join(out).replace("yev", "ev")


def moldovan_variant(rng: random.Random, text: str) -> str:
    r = rng.random()
    if r < 0.45:
        return text
    if r < 0.9:
        return strip_diacritics(text)
    return russian_latin_to_cyrillic(
        _replace_all(
            text,
            [
                ("ș", "sh"),
                ("ş", "sh"),
                ("ț", "ts"),
                ("ă", "e"),
                ("â", "y"),
                ("î", "y"),
                ("ea", "ya"),
                ("ia", "iya"),
            ],
        )
    )


_RU_FROM_LATIN = [
    ("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
    ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "ы"), ("k", "к"), ("l", "л"),
    ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"), ("j", "й"), ("w", "в"), ("x", "кс"),
]  # fmt: skip


def russian_latin_to_cyrillic(text: str) -> str:
    """Russian Cyrillic spelling of a Latin name as a Russian-speaking officer types it."""
    out: list[str] = []
    i = 0
    lowered = text.lower()
    while i < len(text):
        for latin, cyr in _RU_FROM_LATIN:
            if lowered.startswith(latin, i):
                out.append(cyr.upper() if text[i].isupper() else cyr)
                i += len(latin)
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def east_slavic_latin(rng: random.Random, cyrillic: str, lang: str) -> str:
    """A Latin spelling of a Ukrainian/Russian/Bulgarian name: official, Russian-style or ad hoc."""
    r = rng.random()
    if lang == "uk" and r < 0.3:
        # Russian-style transliteration of the Ukrainian letters.
        text = _replace_all(cyrillic, [("і", "i"), ("ї", "yi"), ("є", "ye"), ("ґ", "g")])
        latin = to_latin(text, lang="ru")
    else:
        latin = to_latin(cyrillic, lang={"uk": "uk", "bg": "bg"}.get(lang, "ru"))  # type: ignore[arg-type]
    if rng.random() < 0.4:
        subs = [("kh", "h"), ("iy", "y"), ("ii", "iy"), ("ia", "ya"), ("iu", "yu"), ("yu", "ju"),
                ("ya", "ja"), ("y", "i"), ("ie", "ye"), ("ts", "tz"), ("shch", "sch")]  # fmt: skip
        a, b = rng.choice(subs)
        latin = _replace_all(latin, [(a, b)])
    return latin


def to_cyrillic_serbian(text: str, *, macedonian: bool) -> str:
    return serbian_latin_to_cyrillic(text, macedonian=macedonian)
