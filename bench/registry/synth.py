"""Rows of a synthetic registry: persons, registrations, cases and everything around them.

Deterministic for a seed (except the AES-GCM nonces of encrypted values, which are random by
design). The rows are plain tuples in the column order of ``TABLES``; the same tuples feed
SQLite (``executemany``) and PostgreSQL (``COPY``): UUIDs as 32 hex digits, dates and UTC
timestamps as ISO text, JSON as text. Names, codes and tokens never contain a tab, newline
or backslash, which COPY's text format would need escaped.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from palermo.names import search_keys, to_latin

from .populations import (
    POPULATION_OF,
    REFERRAL_TARGETS,
    REGISTERING,
    REGISTERING_OF,
    TRANSFER_TARGETS,
)

# Fixed so that a seed always gives the same data, whatever day the generator runs.
REFERENCE_DAY = date(2026, 11, 25)
YEARS = 8
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as palermo.registry.models._ids

# table -> columns, in the order of the row tuples (auto ids are left to the database)
TABLES: dict[str, tuple[str, ...]] = {
    "registry_person": ("id", "pseudonym", "created_at", "merged_into_id"),
    "registry_registration": (
        "id", "person_id", "origin_person_id", "institution_id", "registered_by_id",
        "registered_at", "first_name", "last_name", "other_names", "script", "sex",
        "date_of_birth", "birth_year", "dob_precision", "citizenship", "place_of_birth",
        "languages", "presumed_minor", "document_type", "document_number", "document_index",
        "document_country", "contact", "current_location", "shelter_id", "municipality",
    ),
    "registry_namekey": ("registration_id", "key", "birth_year"),
    "registry_case": (
        "id", "reference", "person_id", "origin_person_id", "registration_id", "kind", "state",
        "registering_institution_id", "lead_institution_id", "created_by_id", "created_at",
        "detection_date", "presumed_date", "identified_date", "closed_date",
        "detection_source", "country_of_exploitation", "municipality_of_exploitation",
        "trafficking_scope", "is_child", "accompaniment", "story", "search_ran_at", "sealed",
        "sealed_at", "sealed_by_id",
    ),
    "registry_caseaccess": (
        "case_id", "institution_id", "source", "referral_id", "sections", "detection_date",
        "granted_at", "revoked_at",
    ),
    "registry_caseteammember": (
        "case_id", "user_id", "institution_id", "added_by_id", "added_at", "removed_at",
        "removed_by_id",
    ),
    "registry_casesealmember": ("case_id", "user_id", "added_by_id", "added_at"),
    "registry_casetransfer": (
        "case_id", "from_institution_id", "to_institution_id", "reason", "transferred_by_id",
        "transferred_at",
    ),
    "registry_caseevent": (
        "case_id", "kind", "from_state", "to_state", "actor_id", "institution_id", "at",
        "reason",
    ),
    "registry_exploitation": (
        "case_id", "form", "labour_sector", "period_start", "period_end", "country",
        "means_of_control", "recruiter_relation",
    ),
}  # fmt: skip

FORMS = (["sexual", "labour", "begging", "criminality", "marriage", "other"],
         [50, 26, 10, 6, 6, 2])  # fmt: skip
SECTORS = ["agriculture", "construction", "hospitality", "domestic_work", "manufacturing"]
MEANS = ["debt_bondage", "withheld_documents", "threats", "physical_violence",
         "sexual_violence", "psychological_abuse", "restricted_movement", "withheld_wages",
         "false_promises"]  # fmt: skip
RECRUITERS = ["intimate_partner", "family", "friend", "employer", "other", "unknown"]
EXPLOITATION_COUNTRIES = (["XK", "AL", "DE", "RS", "MK", "TR", "IT", "CH", "GR"],
                          [46, 10, 10, 8, 6, 5, 6, 5, 4])  # fmt: skip
MUNICIPALITIES = ["", "Prishtinë/Priština", "Prizren", "Ferizaj/Uroševac", "Pejë/Peć",
                  "Gjakovë/Đakovica", "Mitrovicë/Mitrovica", "Gjilan/Gnjilane"]  # fmt: skip
PLACES = ["", "", "Prizren", "Pejë", "Prishtinë", "Chișinău", "Lagos", "Kharkiv", "Niš",
          "Tetovo", "Tiranë", "Sarajevo", "Istanbul", "Dhaka", "Bakı"]  # fmt: skip
LANGUAGES = ["sq", "sr", "uk, ru", "ro", "en", "sq, en", "mk", "tr", "bn", "bs"]
NRM_STATES = ["detected", "presumed_victim", "referred", "recovery_reflection", "identified",
              "not_identified", "closed"]  # fmt: skip
TRANSFER_REASON = "Assistance and case management by the receiving institution."


@lru_cache(maxsize=500_000)
def keys_of(first: str, last: str) -> tuple[str, ...]:
    """As ``palermo.registry.services.register.index_names`` stores them (no aliases)."""
    return tuple(sorted(k[:48] for k in search_keys(first, last)))


def alias_keys(first: str, last: str, other_names: str) -> set[str]:
    keys = set(keys_of(first, last))
    for alias in filter(None, (a.strip() for a in other_names.split(","))):
        parts = alias.split()
        if len(parts) >= 2:
            keys |= search_keys(" ".join(parts[:-1]), parts[-1])
        else:
            keys |= search_keys(alias, last)
    return {k[:48] for k in keys}


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: a dropped, doubled or swapped letter."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    roll = rng.random()
    if roll < 0.4:
        return word[:i] + word[i + 1 :]
    if roll < 0.7:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@dataclass
class Context:
    """Ids from the seeded database and a few pre-encrypted tokens."""

    institutions: dict[str, int]
    users: dict[str, int]
    tokens: dict[str, list[str]]  # contact / location / story -> encrypted tokens
    encrypt: object  # callable: plaintext -> token (document numbers, unique per person)
    blind_index: object  # callable: document number -> blind index
    child_protection: dict[str, int] = field(default_factory=dict)  # municipality -> centre
    taken: set[str] = field(default_factory=set)  # pseudonyms and references already used


@dataclass
class Sample:
    """A person's identity as first registered: what load.py searches for."""

    first_name: str
    last_name: str
    sex: str
    date_of_birth: str
    birth_year: int
    citizenship: str


class Generator:
    def __init__(self, seed: int, ctx: Context) -> None:
        self.rng = random.Random(seed)
        self.ctx = ctx
        self.start = REFERENCE_DAY - timedelta(days=365 * YEARS)

    # --- ids ----------------------------------------------------------------
    def uuid(self) -> str:
        n = self.rng.getrandbits(128)
        n = (n & ~(0xF000 << 64)) | (0x4000 << 64)  # version 4
        n = (n & ~(0xC000 << 48)) | (0x8000 << 48)  # RFC 4122 variant
        return f"{n:032x}"

    def reference(self, prefix: str) -> str:
        while True:
            body = "".join(self.rng.choices(ALPHABET, k=8))
            ref = f"{prefix}-{body[:4]}-{body[4:]}"
            if ref not in self.ctx.taken:
                self.ctx.taken.add(ref)
                return ref

    def moment(self, day: date) -> str:
        """A UTC timestamp on ``day`` (ISO text, microseconds)."""
        seconds = self.rng.randrange(6 * 3600, 20 * 3600)
        at = datetime(day.year, day.month, day.day) + timedelta(
            seconds=seconds, microseconds=self.rng.randrange(1_000_000)
        )
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")

    def detection_day(self) -> date:
        # More detections in recent years (registries grow): density rises over time.
        t = self.rng.random() ** 0.75
        return self.start + timedelta(days=int(t * (365 * YEARS - 3)))

    # --- one person -----------------------------------------------------------
    def person(self, out: dict[str, list[tuple]]) -> Sample:
        rng = self.rng
        population = POPULATION_OF.draw(rng)
        sex = rng.choices(["female", "male", "unknown"], weights=[70, 28, 2])[0]
        first, last, citizenship = population.person(rng, "male" if sex == "male" else "female")
        child = rng.random() < 0.15
        detected = self.detection_day()
        age = (
            rng.choices(range(10, 18), weights=[1, 1, 2, 3, 4, 6, 7, 7])[0]
            if child
            else 18 + int(rng.betavariate(1.6, 4.0) * 40)
        )
        birth = detected - timedelta(days=age * 365 + rng.randrange(365))
        document = ""
        if rng.random() < 0.4:
            document = f"{citizenship}{rng.randrange(1_000_000, 9_999_999)}"
        person_id = self.uuid()
        created = self.moment(detected)
        out["registry_person"].append((person_id, self.reference("P"), created, None))

        count = rng.choices([1, 2, 3], weights=[76, 19, 5])[0]
        places: list = []
        day = detected
        for i in range(count):
            where = REGISTERING_OF.draw(rng)
            while where in places and len(places) < len(REGISTERING):
                where = REGISTERING_OF.draw(rng)
            places.append(where)
            if i:  # registered again within about a year, never after the reference day
                left = (REFERENCE_DAY - day).days
                day += timedelta(
                    days=rng.randrange(1, 400) if left >= 400 else rng.randint(0, left)
                )
            name = (first, last)
            if population.cyrillic and is_cyrillic(first) and rng.random() >= where.cyrillic:
                name = (to_latin(first), to_latin(last))
            if i and rng.random() < 0.15:
                name = (name[0], typo(rng, name[1]))
            elif i and rng.random() < 0.05:
                name = (name[1], name[0])
            self.registration(
                out, person_id, where, name, sex, citizenship, birth, day, child, document, i
            )
        return Sample(first, last, sex, birth.isoformat(), birth.year, citizenship)

    def registration(
        self,
        out: dict[str, list[tuple]],
        person_id: str,
        where,
        name: tuple[str, str],
        sex: str,
        citizenship: str,
        birth: date,
        detected: date,
        child_at_first: bool,
        document: str,
        index: int,
    ) -> None:
        rng, ctx = self.rng, self.ctx
        institution = ctx.institutions[where.code]
        user = ctx.users[where.username]
        at = self.moment(detected)
        precision = rng.choices(["full", "year", "estimated", "unknown"], [70, 15, 10, 5])[0]
        if precision == "estimated":  # an age estimate is rarely exact
            year = birth.year + rng.choice([-2, -1, 0, 0, 1, 2])
        else:
            year = birth.year if precision in ("full", "year") else None
        age_now = (detected - birth).days // 365
        is_child = age_now < 18 or (child_at_first and precision == "estimated")
        first, last = name
        other = ""
        if rng.random() < 0.04:
            other = f"{typo(rng, first)} {last}"
        registration_id = self.uuid()
        municipality = rng.choice(MUNICIPALITIES)
        tokens = ctx.tokens
        doc_type = rng.choice(["passport", "id_card"]) if document else "none"
        out["registry_registration"].append(
            (
                registration_id, person_id, person_id, institution, user, at, first, last,
                other, "cyrillic" if is_cyrillic(first + last) else "latin", sex,
                birth.isoformat() if precision == "full" else None, year, precision,
                citizenship if rng.random() < 0.93 else "ZZ",
                rng.choice(PLACES), rng.choice(LANGUAGES),
                child_at_first and precision == "estimated", doc_type,
                ctx.encrypt(document) if document else "",
                ctx.blind_index(document) if document else "",
                citizenship if document else "",
                rng.choice(tokens["contact"]) if rng.random() < 0.3 else "",
                rng.choice(tokens["location"]) if rng.random() < 0.25 else "",
                ctx.institutions["state-shelter"] if rng.random() < 0.05 else None,
                municipality,
            )
        )  # fmt: skip
        keys = alias_keys(first, last, other) if other else keys_of(first, last)
        out["registry_namekey"].extend((registration_id, k, year) for k in keys)
        self.case(out, person_id, registration_id, institution, user, where, detected, at,
                  is_child, municipality)  # fmt: skip

    def case(
        self,
        out: dict[str, list[tuple]],
        person_id: str,
        registration_id: str,
        institution: int,
        user: int,
        where,
        detected: date,
        at: str,
        is_child: bool,
        municipality: str,
    ) -> None:
        rng, ctx = self.rng, self.ctx
        case_id = self.uuid()
        age_days = (REFERENCE_DAY - detected).days
        nrm = rng.random() >= 0.12
        presumed = identified = closed = None
        if nrm:
            # Older cases have moved further through identification.
            progress = min(1.0, age_days / 900) * rng.random() + rng.random() * 0.3
            state = NRM_STATES[min(len(NRM_STATES) - 1, int(progress * len(NRM_STATES)))]
            if state != "detected":
                presumed = detected + timedelta(days=rng.randrange(1, 30))
            if state in ("identified", "closed"):
                identified = detected + timedelta(days=rng.randrange(30, 200))
            if state == "closed":
                closed = detected + timedelta(days=rng.randrange(200, 900))
        else:
            state = "closed" if rng.random() < min(0.8, age_days / 1500) else "open"
            if state == "closed":
                closed = detected + timedelta(days=rng.randrange(30, 600))
        day = lambda d: min(d, REFERENCE_DAY).isoformat() if d else None  # noqa: E731
        country = rng.choices(*EXPLOITATION_COUNTRIES)[0]
        lead = institution
        transferred = rng.random() < 0.08
        if transferred:
            lead = ctx.institutions[rng.choice(
                [t for t in TRANSFER_TARGETS if ctx.institutions[t] != institution]
            )]  # fmt: skip
        sealed = rng.random() < 0.0005
        out["registry_case"].append(
            (
                case_id, self.reference("C"), person_id, person_id, registration_id,
                "nrm" if nrm else "protection", state, institution, lead, user, at,
                detected.isoformat(), day(presumed), day(identified), day(closed),
                where.source, country, rng.choice(MUNICIPALITIES),
                "internal" if country == "XK" else "transnational", is_child,
                rng.choice(["accompanied", "unaccompanied", "unknown"])
                if is_child else "not_applicable",
                rng.choice(ctx.tokens["story"]) if rng.random() < 0.5 else "",
                at, sealed, at if sealed else None, user if sealed else None,
            )
        )  # fmt: skip
        det = detected.isoformat()
        access = out["registry_caseaccess"]
        access.append((case_id, institution, "registered", None, "[]", det, at, None))
        if transferred:
            moved = self.moment(min(detected + timedelta(days=rng.randrange(5, 120)),
                                    REFERENCE_DAY))  # fmt: skip
            access.append((case_id, institution, "lead", None, "[]", det, at, moved))
            access.append((case_id, lead, "lead", None, "[]", det, moved, None))
            out["registry_casetransfer"].append(
                (case_id, institution, lead, TRANSFER_REASON, user, moved)
            )
            out["registry_caseevent"].append(
                (case_id, "transferred", "", "", user, institution, moved, TRANSFER_REASON)
            )
        else:
            access.append((case_id, institution, "lead", None, "[]", det, at, None))
        if nrm and rng.random() < 0.2:
            code, sections = rng.choice(REFERRAL_TARGETS)
            target = ctx.institutions[code]
            if target not in (institution, lead):
                revoked = self.moment(REFERENCE_DAY) if rng.random() < 0.03 else None
                access.append(
                    (case_id, target, "referral", self.uuid(), json.dumps(sections), det, at,
                     revoked)
                )  # fmt: skip
        centre = ctx.child_protection.get(municipality)
        if is_child and centre and centre not in (institution, lead):
            # As services.register.notify_child_protection: the child's municipality's centre
            # for social work sees the case's metadata.
            access.append((case_id, centre, "child_protection", None, '["metadata"]', det, at,
                           None))  # fmt: skip
        out["registry_caseteammember"].append((case_id, user, institution, user, at, None, None))
        if sealed:
            out["registry_casesealmember"].append((case_id, user, user, at))
        out["registry_caseevent"].append(
            (case_id, "created", "", "detected" if nrm else "open", user, institution, at, "")
        )
        if nrm or rng.random() < 0.3:
            count = 1 if rng.random() < 0.9 else 2
            for form in sorted({rng.choices(*FORMS)[0] for _ in range(count)}):  # set order varies
                start = detected - timedelta(days=rng.randrange(30, 900))
                out["registry_exploitation"].append(
                    (
                        case_id, form, rng.choice(SECTORS) if form == "labour" else "",
                        start.isoformat(), detected.isoformat() if rng.random() < 0.7 else None,
                        country, json.dumps(sorted(rng.sample(MEANS, rng.randint(1, 3)))),
                        rng.choice(RECRUITERS),
                    )
                )  # fmt: skip


def chunks(
    gen: Generator, persons: int, size: int, sample_every: int
) -> Iterator[tuple[dict[str, list[tuple]], list[Sample]]]:
    """Rows for ``persons`` persons, ``size`` persons at a time, and a sample of them."""
    done = 0
    while done < persons:
        out: dict[str, list[tuple]] = {table: [] for table in TABLES}
        samples = []
        for _ in range(min(size, persons - done)):
            sample = gen.person(out)
            if done % sample_every == 0:
                samples.append(sample)
            done += 1
        yield out, samples
