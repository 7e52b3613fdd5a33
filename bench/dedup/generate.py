"""Deterministic generator of noisy registrations with known truth.

    python -m bench.dedup.generate --records 100000 --seed 20261125 --out FILE.csv

Persons are drawn from the populations in ``populations.py`` with skewed name
frequencies; 6 % of persons have a sibling in the data (same surname, place
and citizenship; 10 % of siblings are twins), the hardest non-matches. Each
person has 1-4 registrations (mean 1.9) at a dozen institutions, each written
the way that institution writes names, with the noise listed in
``docs/benchmarks.md``. The output has the CLI's columns plus ``person_id``,
the truth, which the engine never reads.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

from bench.dedup import noise
from bench.dedup.populations import INSTITUTIONS, POPULATIONS, Institution, Population
from palermo.names import fold
from palermo.names.nicknames import GIVEN_NAME_GROUPS

COLUMNS = (
    "record_id", "source_institution", "first_name", "last_name", "sex", "date_of_birth",
    "birth_year", "citizenship", "place_of_birth", "person_id",
)  # fmt: skip
REGISTRATIONS_PER_PERSON = ((1, 0.45), (2, 0.30), (3, 0.15), (4, 0.10))
_CYR_LANG = {"uk_cyr": "uk", "ru_cyr": "ru", "bg_cyr": "bg"}
_GROUP_OF: dict[str, tuple[str, ...]] = {fold(n): g for g in GIVEN_NAME_GROUPS for n in g}


class Weighted:
    """Draws items with given weights in O(log n)."""

    def __init__(self, items: list[str], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        x = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, x)]


def _zipf(items: list[str], exponent: float) -> Weighted:
    return Weighted(items, [1 / (rank**exponent) for rank in range(1, len(items) + 1)])


@dataclass
class Pools:
    surnames: Weighted
    male: Weighted
    female: Weighted
    places: Weighted


def _pools(pop: Population) -> Pools:
    tail = [root + suffix for root in pop.roots for suffix in pop.suffixes]
    surnames = list(dict.fromkeys(list(pop.surnames) + tail))
    return Pools(
        _zipf(surnames, pop.zipf_surname),
        _zipf(list(pop.male), pop.zipf_given),
        _zipf(list(pop.female), pop.zipf_given),
        _zipf(list(pop.places), 1.0),
    )


@dataclass
class Person:
    pid: int
    pop: Population
    sex: str
    given: str
    surname: str
    base_surname: str  # the male/neutral form, for siblings
    married: str | None
    dob: dt.date
    documented: bool
    cit: str
    place: str


def _female_form(pop: Population, surname: str) -> str:
    for male, female in pop.female_surname:
        if surname.endswith(male):
            return surname[: -len(male)] + female
    return surname


def _birth_date(rng: random.Random) -> dt.date:
    # Victims are mostly young adults, with minors and some older people.
    age = min(70, max(3, int(rng.triangular(8, 55, 22))))
    return dt.date(2026 - age, 1, 1) + dt.timedelta(days=rng.randrange(365))


def _person(rng: random.Random, pid: int, pop: Population, pools: Pools) -> Person:
    sex = "F" if rng.random() < 0.68 else "M"
    given = (pools.female if sex == "F" else pools.male).draw(rng)
    base = pools.surnames.draw(rng)
    surname = _female_form(pop, base) if sex == "F" else base
    married = None
    if sex == "F" and rng.random() < 0.2:
        married = _female_form(pop, pools.surnames.draw(rng))
    cits = [c for c, _ in pop.citizenships]
    cit = Weighted(cits, [w for _, w in pop.citizenships]).draw(rng)
    return Person(pid, pop, sex, given, surname, base, married, _birth_date(rng),
                  rng.random() < 0.88, cit, pools.places.draw(rng))  # fmt: skip


def _sibling(rng: random.Random, pid: int, other: Person, pools: Pools) -> Person:
    sex = "F" if rng.random() < 0.6 else "M"
    given = (pools.female if sex == "F" else pools.male).draw(rng)
    while fold(given) == fold(other.given):
        given = (pools.female if sex == "F" else pools.male).draw(rng)
    twin = rng.random() < 0.1
    years = 0 if twin else rng.choice([-1, 1]) * rng.randint(1, 8)
    dob = other.dob if twin else other.dob + dt.timedelta(days=365 * years + rng.randint(-90, 90))
    base = other.base_surname
    surname = _female_form(other.pop, base) if sex == "F" else base
    return Person(pid, other.pop, sex, given, surname, base, None, dob, other.documented,
                  other.cit, other.place)  # fmt: skip


def _write_name(style: float, text: str, person: Person, inst: Institution) -> str:
    """Render one name (native spelling) as ``inst`` would write it.

    ``style`` seeds the choices (script, transliteration habit) so that the
    given name and the surname of one registration are written the same way.
    """
    rng = random.Random(style)
    pop = person.pop
    script = pop.script
    if script in ("sr_cyr", "mk_cyr"):
        if rng.random() < (inst.cyrillic_share if inst.writes_serbian_latin else 0.05):
            return noise.to_cyrillic_serbian(text, macedonian=script == "mk_cyr")
        return noise.serbian_latin_variant(rng, text, albanian_office=inst.country in ("XK", "AL"))
    if script in _CYR_LANG:
        if rng.random() < 0.35:
            return text
        return noise.east_slavic_latin(rng, text, _CYR_LANG[script])
    if pop.key == "albanian":
        if inst.writes_serbian_latin and rng.random() < 0.6:
            serbian = noise.albanian_in_serbian(rng, text)
            if rng.random() < inst.cyrillic_share:
                return noise.to_cyrillic_serbian(serbian, macedonian=inst.country == "MK")
            return noise.serbian_latin_variant(rng, serbian, albanian_office=False)
        return noise.albanian_variant(rng, text)
    if pop.key == "bosnian":
        if inst.writes_serbian_latin and rng.random() < inst.cyrillic_share * 0.5:
            return noise.to_cyrillic_serbian(text, macedonian=False)
        return noise.serbian_latin_variant(rng, text, albanian_office=inst.country in ("XK", "AL"))
    if pop.key == "azerbaijani":
        return noise.azerbaijani_variant(rng, text)
    if pop.key == "moldovan":
        return noise.moldovan_variant(rng, text)
    return text


def _given_variant(rng: random.Random, person: Person) -> str:
    given = person.given
    r = rng.random()
    group = _GROUP_OF.get(fold(given))
    if group and r < 0.12:
        return rng.choice(group)  # nickname, diminutive or cognate
    if 0.12 <= r < 0.14:
        pools = _pools_cache[person.pop.key]
        return (pools.female if person.sex == "F" else pools.male).draw(rng)  # an alias
    if person.pop.key == "bangladeshi" and given.startswith("Md "):
        return rng.choice([given, given[3:], "Mohammad " + given[3:], "Md. " + given[3:]])
    if person.pop.key == "nigerian" and rng.random() < 0.15:
        return given + " " + rng.choice(["John", "Mary", "Grace", "Samuel", "Blessing"])
    return given


def _surname_variant(rng: random.Random, person: Person) -> str:
    if person.married and rng.random() < 0.5:
        r = rng.random()
        if r < 0.5:
            return person.married
        return person.surname + rng.choice(["-", " "]) + person.married
    return person.surname


def _date_fields(rng: random.Random, person: Person, registered: dt.date) -> tuple[str, str]:
    dob = person.dob
    r = rng.random()
    if person.documented and r < 0.95:
        if rng.random() < 0.04 and dob.day <= 12 and dob.day != dob.month:
            return dt.date(dob.year, dob.day, dob.month).isoformat(), ""
        if rng.random() < 0.04:
            for _ in range(5):
                text = list(dob.isoformat())
                pos = rng.choice([3, 6, 8, 9])
                text[pos] = str(rng.randrange(10))
                try:
                    typo = dt.date.fromisoformat("".join(text))
                except ValueError:
                    continue
                if typo != dob and typo <= dt.date(2026, 11, 25):
                    return typo.isoformat(), ""
        return dob.isoformat(), ""
    kind = rng.random()
    if kind < 0.5:
        year = dob.year + (rng.choice([-1, 1]) if rng.random() < 0.3 else 0)
        return "", str(year)
    if kind < 0.75:
        age = (registered - dob).days // 365 + round(rng.gauss(0, 1.5))
        return "", str(registered.year - max(1, age))
    return "", ""


def _registration(rng: random.Random, person: Person, inst: Institution) -> dict[str, str]:
    given = _given_variant(rng, person)
    surname = _surname_variant(rng, person)
    style = rng.random()
    first = _write_name(style, given, person, inst)
    last = _write_name(style, surname, person, inst)
    if rng.random() < 0.08:
        first = noise.typo(rng, first)
    if rng.random() < 0.08:
        last = noise.typo(rng, last)
    if rng.random() < 0.06:
        first, last = last, first
    case = rng.random()
    if case < 0.25:
        first, last = first.upper(), last.upper()
    elif case < 0.28:
        first, last = first.lower(), last.lower()
    registered = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(365 * 11))
    dob, year = _date_fields(rng, person, registered)
    sex = "" if rng.random() < 0.05 else person.sex
    cit = person.cit
    if rng.random() < 0.08:
        cit = ""
    elif cit == "XK" and inst.country in ("RS", "MK") and rng.random() < 0.3:
        cit = rng.choice(["RS", "AL"])
    place = "" if rng.random() < 0.35 else _write_name(style, person.place, person, inst)
    return {
        "source_institution": inst.key, "first_name": first, "last_name": last, "sex": sex,
        "date_of_birth": dob, "birth_year": year, "citizenship": cit, "place_of_birth": place,
        "person_id": f"P{person.pid:08d}",
    }  # fmt: skip


_pools_cache: dict[str, Pools] = {}


def generate(n_records: int, seed: int) -> list[dict[str, str]]:
    """``n_records`` registrations (exactly), shuffled, with ``person_id`` as truth."""
    rng = random.Random(seed)
    _pools_cache.clear()
    _pools_cache.update({p.key: _pools(p) for p in POPULATIONS})
    pops = Weighted([p.key for p in POPULATIONS], [p.weight for p in POPULATIONS])
    by_key = {p.key: p for p in POPULATIONS}
    insts = Weighted([i.key for i in INSTITUTIONS], [i.weight for i in INSTITUTIONS])
    inst_by_key = {i.key: i for i in INSTITUTIONS}
    counts = Weighted([str(k) for k, _ in REGISTRATIONS_PER_PERSON],
                      [w for _, w in REGISTRATIONS_PER_PERSON])  # fmt: skip
    rows: list[dict[str, str]] = []
    pid = 0
    previous: Person | None = None
    while len(rows) < n_records:
        pid += 1
        if previous is not None and rng.random() < 0.06:
            person = _sibling(rng, pid, previous, _pools_cache[previous.pop.key])
        else:
            pop = by_key[pops.draw(rng)]
            person = _person(rng, pid, pop, _pools_cache[pop.key])
        previous = person
        for _ in range(int(counts.draw(rng))):
            rows.append(_registration(rng, person, inst_by_key[insts.draw(rng)]))
    rows = rows[:n_records]
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["record_id"] = f"R{seed % 1000:03d}-{i:08d}"
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def cached(n_records: int, seed: int, cache_dir: Path) -> Path:
    """Path of the generated file, generating it on first use."""
    path = cache_dir / f"registrations_{n_records}_{seed}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_csv(generate(n_records, seed), tmp)
        tmp.rename(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_csv(generate(args.records, args.seed), args.out)


if __name__ == "__main__":
    main()
