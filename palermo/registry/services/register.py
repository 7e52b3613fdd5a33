"""Registering a presumed victim (or a person at risk): person, registration, case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from palermo import names
from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.crypto import blind_index
from palermo.core.models import CodeItem
from palermo.core.roles import Capability
from palermo.institutions.models import Institution

from ..codes import (
    Accompaniment,
    CaseKind,
    CaseState,
    DetectionSource,
    DobPrecision,
    DocumentType,
    ExploitationForm,
    LabourSector,
    MeansOfControl,
    RecruiterRelation,
    Script,
    Sex,
    TraffickingScope,
)
from ..models import (
    Case,
    CaseAccess,
    CaseEvent,
    CaseIndicator,
    CaseTeamMember,
    DuplicateAlert,
    Exploitation,
    NameKey,
    Person,
    Registration,
)
from .holds import access_changed
from .validation import (
    Errors,
    check_birth,
    check_choice,
    check_country,
    check_not_future,
)

DOCUMENT_PURPOSE = "document"


@dataclass
class IdentityInput:
    first_name: str
    last_name: str
    sex: str = Sex.UNKNOWN
    date_of_birth: date | None = None
    birth_year: int | None = None
    age: int | None = None  # estimated age on the detection date, when nothing better is known
    citizenship: str = "ZZ"
    place_of_birth: str = ""
    municipality: str = ""
    other_names: str = ""
    languages: str = ""
    presumed_minor: bool = False
    document_type: str = DocumentType.NONE
    document_number: str = ""
    document_country: str = ""
    contact: str = ""
    current_location: str = ""
    shelter_id: int | None = None


@dataclass
class ExploitationInput:
    form: str
    labour_sector: str = ""
    period_start: date | None = None
    period_end: date | None = None
    country: str = "ZZ"
    means_of_control: Sequence[str] = ()
    recruiter_relation: str = RecruiterRelation.UNKNOWN


@dataclass
class CaseInput:
    kind: str
    detection_date: date
    detection_source: str = DetectionSource.UNKNOWN
    country_of_exploitation: str = "ZZ"
    municipality_of_exploitation: str = ""
    trafficking_scope: str = TraffickingScope.UNKNOWN
    accompaniment: str = Accompaniment.UNKNOWN
    story: str = ""
    exploitations: list[ExploitationInput] = field(default_factory=list)
    indicator_ids: list[int] = field(default_factory=list)


def validate_identity(identity: IdentityInput, errors: Errors) -> None:
    if not identity.first_name.strip() and not identity.last_name.strip():
        errors.add("last_name", _("Give at least one name (write “unknown” if it is not known)."))
    check_choice(errors, "sex", identity.sex, Sex.values)
    check_birth(
        errors,
        date_of_birth=identity.date_of_birth,
        birth_year=identity.birth_year,
        age=identity.age,
    )
    check_country(errors, "citizenship", identity.citizenship)
    check_choice(errors, "document_type", identity.document_type, DocumentType.values)
    if identity.document_number and identity.document_type == DocumentType.NONE:
        errors.add("document_type", _("Say which document this number belongs to."))
    check_country(errors, "document_country", identity.document_country, allow_blank=True)
    if (
        identity.shelter_id is not None
        and not Institution.objects.filter(
            pk=identity.shelter_id, active=True, capabilities__capability=Capability.SHELTER
        ).exists()
    ):
        errors.add("shelter", _("Choose an active shelter."))


def validate_case(case: CaseInput, errors: Errors, *, birth: date | None) -> None:
    check_choice(errors, "kind", case.kind, CaseKind.values)
    check_not_future(errors, "detection_date", case.detection_date)
    if birth is not None and case.detection_date < birth:
        errors.add("detection_date", _("The detection date is before the date of birth."))
    check_choice(errors, "detection_source", case.detection_source, DetectionSource.values)
    check_country(errors, "country_of_exploitation", case.country_of_exploitation)
    check_choice(errors, "trafficking_scope", case.trafficking_scope, TraffickingScope.values)
    check_choice(errors, "accompaniment", case.accompaniment, Accompaniment.values)
    for i, ex in enumerate(case.exploitations):
        prefix = f"exploitations[{i}]."
        check_choice(errors, prefix + "form", ex.form, ExploitationForm.values)
        if ex.labour_sector:
            check_choice(errors, prefix + "labour_sector", ex.labour_sector, LabourSector.values)
        check_country(errors, prefix + "country", ex.country)
        check_not_future(errors, prefix + "period_start", ex.period_start)
        check_not_future(errors, prefix + "period_end", ex.period_end)
        if ex.period_start and ex.period_end and ex.period_end < ex.period_start:
            errors.add(prefix + "period_end", _("The end is before the start."))
        for means in ex.means_of_control:
            check_choice(errors, prefix + "means_of_control", means, MeansOfControl.values)
        check_choice(
            errors, prefix + "recruiter_relation", ex.recruiter_relation, RecruiterRelation.values
        )
    if case.indicator_ids:
        known = set(
            CodeItem.objects.filter(
                list_code="indicator", active=True, pk__in=case.indicator_ids
            ).values_list("pk", flat=True)
        )
        if known != set(case.indicator_ids):
            errors.add("indicators", _("Unknown screening indicator."))


def _birth_fields(identity: IdentityInput, detection: date) -> tuple[date | None, int | None, str]:
    if identity.date_of_birth:
        return identity.date_of_birth, identity.date_of_birth.year, DobPrecision.FULL
    if identity.birth_year:
        return None, identity.birth_year, DobPrecision.YEAR
    if identity.age is not None:
        return None, detection.year - identity.age, DobPrecision.ESTIMATED
    return None, None, DobPrecision.UNKNOWN


def _script(*texts: str) -> str:
    joined = " ".join(texts)
    return Script.CYRILLIC if any("\u0400" <= ch <= "\u04ff" for ch in joined) else Script.LATIN


def index_names(registration: Registration) -> None:
    """(Re)build the search keys of a registration's names and aliases."""
    keys = set(names.search_keys(registration.first_name, registration.last_name))
    for alias in filter(None, (a.strip() for a in registration.other_names.split(","))):
        parts = alias.split()
        if len(parts) >= 2:
            keys |= names.search_keys(" ".join(parts[:-1]), parts[-1])
        else:
            keys |= names.search_keys(alias, registration.last_name)
    NameKey.objects.filter(registration=registration).delete()
    NameKey.objects.bulk_create(
        [
            NameKey(registration=registration, key=k[:48], birth_year=registration.birth_year)
            for k in sorted(keys)
        ]
    )


def build_registration(
    *, actor: Any, institution_id: int, person: Person, identity: IdentityInput, detection: date
) -> Registration:
    dob, year, precision = _birth_fields(identity, detection)
    registration = Registration.objects.create(
        person=person,
        origin_person=person,
        institution_id=institution_id,
        registered_by=actor,
        first_name=identity.first_name.strip(),
        last_name=identity.last_name.strip(),
        other_names=identity.other_names.strip(),
        script=_script(identity.first_name, identity.last_name),
        sex=identity.sex,
        date_of_birth=dob,
        birth_year=year,
        dob_precision=precision,
        citizenship=identity.citizenship.upper(),
        place_of_birth=identity.place_of_birth.strip(),
        municipality=identity.municipality.strip(),
        languages=identity.languages.strip(),
        presumed_minor=identity.presumed_minor,
        document_type=identity.document_type,
        document_number=identity.document_number.strip(),
        document_index=blind_index(identity.document_number, purpose=DOCUMENT_PURPOSE),
        document_country=identity.document_country.upper(),
        contact=identity.contact.strip(),
        current_location=identity.current_location.strip(),
        shelter_id=identity.shelter_id,
    )
    index_names(registration)
    return registration


@transaction.atomic
def person_register(
    *,
    actor: Any,
    identity: IdentityInput,
    case: CaseInput,
    person: Person | None = None,
    search_ran_at: datetime | None = None,
    alert_ids: Iterable[Any] = (),
    channel: str = "web",
) -> Case:
    """Register a presumed victim or person at risk: a new person (or a new registration of
    an existing, in-scope ``person``), the registration and the case (T1 for an NRM case).

    T1's guard: search-before-create ran (``search_ran_at``) and its matches were dismissed
    (``person`` None) or linked (``person`` given)."""
    principal = ensure_can(actor, "person.register")
    errors = Errors()
    if search_ran_at is None:
        errors.add("__all__", _("Search for the person before registering them."))
    validate_identity(identity, errors)
    dob, _year, _precision = _birth_fields(identity, case.detection_date)
    validate_case(case, errors, birth=dob)
    errors.raise_if_any()
    if person is not None:
        from ..access import visible_persons

        if not visible_persons(actor).filter(pk=person.pk).exists():
            raise Http404
    institution_id = principal.institution_id
    assert institution_id is not None  # ensure_can guarantees an active institution
    new_person = person is None
    person = person or Person.objects.create()
    registration = build_registration(
        actor=actor,
        institution_id=institution_id,
        person=person,
        identity=identity,
        detection=case.detection_date,
    )
    is_child = registration.is_child_on(case.detection_date)
    accompaniment = case.accompaniment if is_child else Accompaniment.NOT_APPLICABLE
    record = Case.objects.create(
        person=person,
        origin_person=person,
        registration=registration,
        kind=case.kind,
        state=CaseState.DETECTED if case.kind == CaseKind.NRM else CaseState.OPEN,
        registering_institution_id=institution_id,
        lead_institution_id=institution_id,
        created_by=actor,
        detection_date=case.detection_date,
        detection_source=case.detection_source,
        country_of_exploitation=case.country_of_exploitation.upper(),
        municipality_of_exploitation=case.municipality_of_exploitation.strip(),
        trafficking_scope=case.trafficking_scope,
        is_child=is_child,
        accompaniment=accompaniment,
        story=case.story.strip(),
        search_ran_at=search_ran_at,
    )
    for source in (CaseAccess.Source.REGISTERED, CaseAccess.Source.LEAD):
        CaseAccess.objects.create(
            case=record,
            institution_id=institution_id,
            source=source,
            detection_date=record.detection_date,
        )
    CaseTeamMember.objects.create(
        case=record, user=actor, institution_id=institution_id, added_by=actor
    )
    for ex in case.exploitations:
        Exploitation.objects.create(
            case=record,
            form=ex.form,
            labour_sector=ex.labour_sector,
            period_start=ex.period_start,
            period_end=ex.period_end,
            country=ex.country.upper(),
            means_of_control=sorted(set(ex.means_of_control)),
            recruiter_relation=ex.recruiter_relation,
        )
    for indicator_id in sorted(set(case.indicator_ids)):
        CaseIndicator.objects.create(case=record, indicator_id=indicator_id, noted_by=actor)
    CaseEvent.objects.create(
        case=record,
        kind="created",
        to_state=record.state,
        actor=actor,
        institution_id=institution_id,
    )
    DuplicateAlert.objects.filter(
        pk__in=list(alert_ids), searched_by=actor, new_registration__isnull=True
    ).update(new_registration=registration)
    if is_child:
        notify_child_protection(record, registration)
    if new_person:
        audit.record(actor, "person.created", person, channel=channel)
    audit.record(
        actor,
        "registration.created",
        registration,
        ids=[person.pk],
        fields=[f for f, v in vars(identity).items() if v not in ("", None, False, ())],
        channel=channel,
    )
    audit.record(
        actor,
        "case.created",
        record,
        ids=[person.pk, registration.pk],
        fields=["kind", "state", "exploitations", "indicators"],
        channel=channel,
    )
    return record


def notify_child_protection(case: Case, registration: Registration) -> None:
    """Every child case is made known to the centre for social work of the child's
    municipality (metadata access and a notification); without a match, to the coordinator."""
    from django.urls import reverse

    from palermo.accounts.models import User
    from palermo.core.notify import notify
    from palermo.core.roles import Role

    centres = list(
        Institution.objects.filter(
            active=True,
            capabilities__capability=Capability.CHILD_PROTECTION,
            municipality__iexact=registration.municipality.strip(),
        ).exclude(pk=case.registering_institution_id)
        if registration.municipality.strip()
        else []
    )
    url = reverse("registry:case", args=[case.pk])
    for centre in centres:
        CaseAccess.objects.create(
            case=case,
            institution=centre,
            source=CaseAccess.Source.CHILD_PROTECTION,
            sections=["metadata"],
            detection_date=case.detection_date,
        )
        users = User.objects.filter(
            is_active=True,
            memberships__institution=centre,
            memberships__role__in=[Role.SUPERVISOR, Role.CASE_WORKER],
        ).distinct()
        notify(
            users,
            kind="child.case",
            text=_("A child case in your municipality: %(ref)s") % {"ref": case.reference},
            url=url,
            institution_id=centre.pk,
        )
    access_changed([case.pk])
    if not centres:
        coordinators = User.objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__institution__capabilities__capability=Capability.COORDINATION,
        ).distinct()
        notify(
            coordinators,
            kind="child.case.unmatched",
            text=_("A child case with no centre for social work matched: %(ref)s")
            % {"ref": case.reference},
            url=url,
        )
