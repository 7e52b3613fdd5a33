"""Demo registry: hundreds of persons and cases across institutions, children (accompanied
and unaccompanied), a sealed case, transfers, and cross-institution duplicates spelled in
Cyrillic and Latin with typos — all synthetic."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from palermo.core.demo import DemoContext
from palermo.core.models import CodeItem

from .codes import (
    Accompaniment,
    CaseKind,
    DetectionSource,
    DocumentType,
    ExploitationForm,
    LabourSector,
    MeansOfControl,
    RecruiterRelation,
    RelationKind,
    Sex,
    TraffickingScope,
)
from .models import Case, Person
from .services import CaseInput, ExploitationInput, IdentityInput, person_register
from .services.cases import case_seal, case_transfer, team_add
from .services.relations import relation_add

PERSONS = 320
DUPLICATES = 24

# (citizenship, female given names, male given names, surnames, Cyrillic?)
POPULATIONS: list[tuple[str, list[str], list[str], list[str], bool, int]] = [
    (
        "XK",
        [
            "Arta",
            "Blerta",
            "Drita",
            "Fatime",
            "Mimoza",
            "Vjosa",
            "Lirije",
            "Teuta",
            "Edona",
            "Shqipe",
        ],
        ["Arben", "Besnik", "Driton", "Fatmir", "Ilir", "Luan", "Valon", "Agron", "Bujar", "Gent"],
        [
            "Krasniqi",
            "Berisha",
            "Gashi",
            "Morina",
            "Hoxha",
            "Shala",
            "Bytyqi",
            "Kelmendi",
            "Rexhepi",
            "Ahmeti",
            "Krasniqi",
            "Gashi",
        ],
        False,
        40,
    ),
    (
        "AL",
        ["Ardita", "Elira", "Jonida", "Klodiana", "Rovena"],
        ["Ardit", "Erion", "Klodian", "Olsi", "Sokol"],
        ["Hoxha", "Leka", "Marku", "Prifti", "Shehu", "Dervishi"],
        False,
        12,
    ),
    (
        "RS",
        ["Милица", "Јелена", "Марија", "Ана", "Драгана"],
        ["Никола", "Марко", "Стефан", "Милош", "Јован"],
        ["Јовановић", "Петровић", "Николић", "Марковић", "Ђорђевић", "Стојановић"],
        True,
        12,
    ),
    (
        "MK",
        ["Елена", "Билјана", "Ивана", "Катерина"],
        ["Горан", "Дејан", "Александар", "Игор"],
        ["Стојановски", "Николовски", "Трајковски", "Јовановски"],
        True,
        6,
    ),
    (
        "UA",
        ["Olena", "Kateryna", "Oksana", "Iryna", "Yuliia"],
        ["Oleksandr", "Mykola", "Andrii", "Serhii", "Dmytro"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko"],
        False,
        8,
    ),
    (
        "MD",
        ["Ana", "Maria", "Elena", "Natalia", "Cristina"],
        ["Ion", "Vasile", "Andrei", "Sergiu"],
        ["Rusu", "Ceban", "Ciobanu", "Lungu", "Munteanu"],
        False,
        8,
    ),
    (
        "NG",
        ["Blessing", "Joy", "Precious", "Favour"],
        ["Emeka", "Chinedu", "Tunde", "Segun"],
        ["Okafor", "Adeyemi", "Eze", "Okonkwo", "Bello"],
        False,
        6,
    ),
    (
        "BD",
        ["Fatema", "Nasrin", "Sumaiya"],
        ["Rahim", "Karim", "Hasan", "Jamal"],
        ["Hossain", "Rahman", "Islam", "Akter"],
        False,
        5,
    ),
    (
        "AZ",
        ["Aygün", "Günay", "Leyla"],
        ["Əli", "Rəşad", "Elşən"],
        ["Məmmədov", "Əliyev", "Həsənov"],
        False,
        3,
    ),
]
LATIN_OF = str.maketrans(
    {"ə": "e", "Ə": "E", "ş": "s", "ç": "c", "ğ": "g", "ı": "i", "ü": "u", "ö": "o"}
)

REGISTERING = [
    ("police-thb", "investigator"),
    ("police-thb-prizren", "registrar.prizren"),
    ("police-thb-peja", "registrar.peja"),
    ("csw-prishtina", "caseworker.prishtina"),
    ("csw-prizren", "caseworker.prizren"),
    ("ngo-shelter-a", "ngo.worker"),
    ("ngo-shelter-b", "ngo.registrar"),
    ("labour-inspectorate", "inspector"),
]
SOURCES = {
    "police-thb": DetectionSource.POLICE,
    "police-thb-prizren": DetectionSource.POLICE,
    "police-thb-peja": DetectionSource.BORDER,
    "csw-prishtina": DetectionSource.SOCIAL_SERVICES,
    "csw-prizren": DetectionSource.SOCIAL_SERVICES,
    "ngo-shelter-a": DetectionSource.NGO_OUTREACH,
    "ngo-shelter-b": DetectionSource.HOTLINE,
    "labour-inspectorate": DetectionSource.LABOUR_INSPECTION,
}
TYPOS = {
    "Krasniqi": "Krasniki",
    "Berisha": "Berrisha",
    "Gashi": "Gashii",
    "Hoxha": "Hodza",
    "Morina": "Morinna",
}


def _weighted_population(rng: random.Random) -> tuple[str, list[str], list[str], list[str], bool]:
    weights = [p[5] for p in POPULATIONS]
    pop = rng.choices(POPULATIONS, weights=weights)[0]
    return pop[0], pop[1], pop[2], pop[3], pop[4]


def _person_identity(rng: random.Random, today: date, *, child: bool) -> IdentityInput:
    citizenship, female, male, surnames, _cyr = _weighted_population(rng)
    sex = rng.choices([Sex.FEMALE, Sex.MALE], weights=[7, 3])[0]
    first = rng.choice(female if sex == Sex.FEMALE else male)
    last = rng.choice(surnames)
    if citizenship == "AZ":
        first, last = first.translate(LATIN_OF) if rng.random() < 0.5 else first, last
    age = rng.randint(10, 17) if child else rng.randint(18, 52)
    birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
    precision = rng.random()
    return IdentityInput(
        first_name=first,
        last_name=last,
        sex=sex,
        date_of_birth=birth if precision < 0.8 else None,
        birth_year=birth.year if 0.8 <= precision < 0.92 else None,
        age=age if precision >= 0.92 else None,
        citizenship=citizenship,
        municipality=rng.choice(["Prishtinë/Priština", "Prizren", "Ferizaj/Uroševac", ""]),
        place_of_birth=rng.choice(
            ["", "Prizren", "Pejë", "Chișinău", "Lagos", "Kharkiv", "Niš", "Tetovo"]
        ),
        languages=rng.choice(["sq", "sr", "uk, ru", "ro", "en", "sq, en"]),
        presumed_minor=child and precision >= 0.92,
        document_type=rng.choice([DocumentType.NONE, DocumentType.PASSPORT, DocumentType.ID_CARD]),
        document_number="",
        contact=rng.choice(
            ["", "+383 44 000 000 (via shelter staff)", "through the case worker only"]
        ),
        current_location=rng.choice(["", "temporary accommodation", "with relatives"]),
    )


def _case(
    rng: random.Random, today: date, institution_code: str, *, child: bool, indicators: list[int]
) -> CaseInput:
    detected = today - timedelta(days=rng.randint(3, 900))
    form = rng.choices(
        [
            ExploitationForm.SEXUAL,
            ExploitationForm.LABOUR,
            ExploitationForm.BEGGING,
            ExploitationForm.CRIMINALITY,
            ExploitationForm.MARRIAGE,
        ],
        weights=[50, 25, 12, 6, 7],
    )[0]
    exploitation = ExploitationInput(
        form=form,
        labour_sector=rng.choice(
            [
                LabourSector.AGRICULTURE,
                LabourSector.CONSTRUCTION,
                LabourSector.HOSPITALITY,
                LabourSector.DOMESTIC_WORK,
            ]
        )
        if form == ExploitationForm.LABOUR
        else "",
        country=rng.choice(["XK", "XK", "XK", "AL", "DE", "RS", "MK", "TR"]),
        means_of_control=rng.sample(list(MeansOfControl.values), k=rng.randint(1, 3)),
        recruiter_relation=rng.choice(RecruiterRelation.values),
    )
    kind = CaseKind.PROTECTION if rng.random() < 0.12 else CaseKind.NRM
    return CaseInput(
        kind=kind,
        detection_date=detected,
        detection_source=SOURCES[institution_code],
        country_of_exploitation=exploitation.country,
        municipality_of_exploitation=rng.choice(
            ["", "Prishtinë/Priština", "Prizren", "Ferizaj/Uroševac", "Pejë/Peć"]
        ),
        trafficking_scope=TraffickingScope.INTERNAL
        if exploitation.country == "XK"
        else TraffickingScope.TRANSNATIONAL,
        accompaniment=rng.choice(
            [Accompaniment.ACCOMPANIED, Accompaniment.UNACCOMPANIED, Accompaniment.UNKNOWN]
        )
        if child
        else Accompaniment.NOT_APPLICABLE,
        story="Synthetic demo account." if rng.random() < 0.5 else "",
        exploitations=[exploitation] if kind == CaseKind.NRM or rng.random() < 0.3 else [],
        indicator_ids=rng.sample(indicators, k=min(len(indicators), rng.randint(1, 4)))
        if indicators
        else [],
    )


def _variant(rng: random.Random, identity: IdentityInput) -> IdentityInput:
    """The same person as another institution writes them: transliterated, typo, no date."""
    from palermo.names import to_latin

    first, last = identity.first_name, identity.last_name
    roll = rng.random()
    if any("\u0400" <= ch <= "\u04ff" for ch in first + last):
        first, last = to_latin(first), to_latin(last)  # Cyrillic → Latin
    elif roll < 0.4:
        last = TYPOS.get(last, last[:-1] + last[-1] * 2)
    elif roll < 0.6:
        first, last = last, first  # swapped
    return IdentityInput(
        first_name=first,
        last_name=last,
        sex=identity.sex,
        date_of_birth=identity.date_of_birth if rng.random() < 0.6 else None,
        birth_year=(identity.date_of_birth.year if identity.date_of_birth else identity.birth_year),
        citizenship=identity.citizenship,
    )


def seed_registry(ctx: DemoContext) -> None:
    if Case.objects.filter(created_by__in=list(ctx.users.values())).exists():
        return  # idempotent: the demo registry is already there
    rng = ctx.child_rng("registry")
    today = timezone.localdate()
    indicators = list(
        CodeItem.objects.filter(list_code="indicator", active=True).values_list("pk", flat=True)
    )
    for user in ctx.users.values():
        user.__dict__.pop("principal", None)
    made: list[tuple[Case, IdentityInput, str]] = []
    for i in range(PERSONS):
        code, username = REGISTERING[i % len(REGISTERING)]
        actor = ctx.users[username]
        actor.act_as(ctx.institutions[code].pk)
        child = rng.random() < 0.16
        identity = _person_identity(rng, today, child=child)
        if identity.document_type != DocumentType.NONE:
            identity.document_number = f"{identity.citizenship}{rng.randint(1000000, 9999999)}"
        case = person_register(
            actor=actor,
            identity=identity,
            case=_case(rng, today, code, child=child, indicators=indicators),
            search_ran_at=ctx_now(),
            channel="cli",
        )
        made.append((case, identity, code))
    _duplicates(ctx, rng, today, made, indicators)
    _children_and_relations(ctx, rng, made)
    _transfers_and_teams(ctx, rng, made)
    _seal_one(ctx, made)


def ctx_now() -> Any:
    return timezone.now()


def _duplicates(
    ctx: DemoContext,
    rng: random.Random,
    today: date,
    made: list[tuple[Case, IdentityInput, str]],
    indicators: list[int],
) -> None:
    """The same human registered again by another institution as a separate person — the
    deduplication engine's work (known truth: same detection, variant spelling)."""
    for case, identity, code in rng.sample(made, DUPLICATES):
        other_code, username = rng.choice([r for r in REGISTERING if r[0] != code])
        actor = ctx.users[username]
        actor.act_as(ctx.institutions[other_code].pk)
        person_register(
            actor=actor,
            identity=_variant(rng, identity),
            case=_case(rng, today, other_code, child=case.is_child, indicators=indicators),
            search_ran_at=ctx_now(),
            channel="cli",
        )


def _children_and_relations(
    ctx: DemoContext, rng: random.Random, made: list[tuple[Case, IdentityInput, str]]
) -> None:
    from palermo.core.access import can

    def may_relate(case: Case) -> bool:
        case.created_by.act_as(case.registering_institution_id)
        return can(case.created_by, "person.relation.manage")

    children = [(c, code) for c, _i, code in made if c.is_child and may_relate(c)]
    adults = [(c, code) for c, _i, code in made if not c.is_child and may_relate(c)]
    for child_case, code in children[:12]:
        same = [a for a, acode in adults if acode == code]
        if child_case.accompaniment == Accompaniment.ACCOMPANIED and same:
            adult = rng.choice(same)
            actor = child_case.created_by
            actor.act_as(child_case.registering_institution_id)
            relation_add(
                actor=actor,
                from_person=child_case.person,
                to_person=adult.person,
                kind=RelationKind.ACCOMPANYING_ADULT,
                channel="cli",
            )
    for parent_case, code in adults[:6]:
        kids = [
            c for c, kcode in children if kcode == code and c.person_id != parent_case.person_id
        ]
        if kids:
            actor = parent_case.created_by
            actor.act_as(parent_case.registering_institution_id)
            relation_add(
                actor=actor,
                from_person=parent_case.person,
                to_person=kids[0].person,
                kind=RelationKind.CHILD,
                channel="cli",
            )


def _transfers_and_teams(
    ctx: DemoContext, rng: random.Random, made: list[tuple[Case, IdentityInput, str]]
) -> None:
    supervisor = ctx.users["police.supervisor"]
    police = ctx.institutions["police-thb"]
    supervisor.act_as(police.pk)
    police_cases = [c for c, _i, code in made if code == "police-thb"]
    for case in police_cases[:8]:
        target = ctx.institutions[rng.choice(["csw-prishtina", "csw-prizren"])]
        case_transfer(
            actor=supervisor,
            case=case,
            to_institution=target,
            reason="Assistance and case management by the centre for social work.",
            channel="cli",
        )
    shelter_worker = ctx.users["shelter.worker"]
    for case in police_cases[8:14]:
        team_add(
            actor=supervisor,
            case=case,
            user=shelter_worker,
            institution=ctx.institutions["state-shelter"],
            channel="cli",
        )


def _seal_one(ctx: DemoContext, made: list[tuple[Case, IdentityInput, str]]) -> None:
    supervisor = ctx.users["police.supervisor"]
    supervisor.act_as(ctx.institutions["police-thb"].pk)
    candidates = [
        c
        for c, _i, code in made
        if code == "police-thb" and c.lead_institution_id == ctx.institutions["police-thb"].pk
    ]
    if candidates:
        case_seal(
            actor=supervisor,
            case=candidates[-1],
            reason="A public official is suspected of involvement (demo).",
            named_users=[ctx.users["investigator"]],
            channel="cli",
        )


def reset_registry() -> None:
    from palermo.core.models import BreakGlassGrant

    from .models import (
        Attachment,
        CaseAccess,
        DuplicateAlert,
        NameKey,
        PersonRelation,
        Registration,
    )
    from .services.attachments import storage_dir

    for attachment in Attachment.objects.all():
        (storage_dir() / attachment.storage_name).unlink(missing_ok=True)
    Attachment.objects.all().delete()
    DuplicateAlert.objects.all().delete()
    PersonRelation.objects.all().delete()
    CaseAccess.objects.all().delete()
    Case.objects.all().delete()
    NameKey.objects.all().delete()
    Registration.objects.all().delete()
    Person.objects.filter(merged_into__isnull=False).update(merged_into=None)
    Person.objects.all().delete()
    BreakGlassGrant.objects.filter(target_type="registry.person").delete()
