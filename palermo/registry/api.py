"""Registry endpoints (contract: docs/api.md). Lists show exactly what the caller may open;
any other id answers 404. Every read is audited (channel "api")."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.roles import Section

from .access import scope_for
from .search import SearchQuery, search_persons
from .selectors import (
    CaseFilter,
    case_page_queryset,
    case_rows,
    cases_for,
    person_view,
    persons_for,
)

router = Router(tags=["registry"])
META = {"x-palermo-access": "person.read:metadata"}


class IdentityOut(Schema):
    first_name: str
    last_name: str
    other_names: str
    sex: str
    date_of_birth: date | None
    birth_year: int | None
    dob_precision: str
    citizenship: str
    place_of_birth: str
    presumed_minor: bool
    document_type: str
    document_number: str | None


class RegistrationOut(Schema):
    id: uuid.UUID
    institution_id: int
    registered_at: Any
    identity: IdentityOut | None
    contact: str | None
    current_location: str | None


class PersonOut(Schema):
    id: uuid.UUID
    pseudonym: str
    is_child: bool
    registrations: list[RegistrationOut]
    case_ids: list[uuid.UUID]


class PersonListItem(Schema):
    id: uuid.UUID
    pseudonym: str
    display_name: str
    is_child: bool
    case_count: int


class CaseOut(Schema):
    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    kind: str
    state: str
    lead_institution_id: int
    institutions: list[str]
    detection_date: date
    is_child: bool
    display_name: str
    sections: list[str]
    forms: list[str]


class SearchIn(Schema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    sex: str = Field("", pattern="^(female|male|other|unknown|)$")
    date_of_birth: date | None = None
    birth_year: int | None = Field(None, ge=1900, le=2100)
    age: int | None = Field(None, ge=0, le=110)
    citizenship: str = Field("", max_length=2)
    document_number: str = Field("", max_length=64)


class SearchMatch(Schema):
    person_id: uuid.UUID
    probability: float
    display_name: str


class SearchOut(Schema):
    items: list[SearchMatch]
    count: int


def _identity(registration: Any) -> IdentityOut:
    return IdentityOut(
        first_name=registration.first_name,
        last_name=registration.last_name,
        other_names=registration.other_names,
        sex=registration.sex,
        date_of_birth=registration.date_of_birth,
        birth_year=registration.birth_year,
        dob_precision=registration.dob_precision,
        citizenship=registration.citizenship,
        place_of_birth=registration.place_of_birth,
        presumed_minor=registration.presumed_minor,
        document_type=registration.document_type,
        document_number=registration.document_number or None,
    )


@router.get(
    "/persons", response=list[PersonListItem], openapi_extra=META, summary="Persons you may open"
)
@paginate(LimitOffsetPagination)
def person_list(request: HttpRequest) -> Any:
    ensure_can(request.user, "person.read", section=Section.METADATA)
    return _PersonPage(request)


class _PersonPage:
    """A lazily-paginated person list whose rows are built only for the requested page (and
    audited as one read listing the ids shown)."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.qs = persons_for(request.user)

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[PersonListItem]:
        from .selectors import person_rows

        rows = person_rows(self.request.user, list(self.qs[window]))
        audit.record_read(
            self.request.user,
            "registry.person",
            [r.person.pk for r in rows],
            sections=[Section.METADATA, Section.IDENTITY],
            channel="api",
        )
        return [
            PersonListItem(
                id=r.person.pk,
                pseudonym=r.person.pseudonym,
                display_name=r.display_name,
                is_child=r.child,
                case_count=r.case_count,
            )
            for r in rows
        ]


@router.get(
    "/persons/{uuid:person_id}", response=PersonOut, openapi_extra=META, summary="One person"
)
def person_detail(request: HttpRequest, person_id: uuid.UUID) -> PersonOut:
    ensure_can(request.user, "person.read", section=Section.METADATA)
    person = scope_for(request.user).persons().filter(pk=person_id).first()
    if person is None:
        raise Http404
    view = person_view(request.user, person)
    audit.record_read(
        request.user, "registry.person", [person.pk], sections=sorted(view.sections), channel="api"
    )
    return PersonOut(
        id=person.pk,
        pseudonym=person.pseudonym,
        is_child=view.is_child,
        registrations=[
            RegistrationOut(
                id=rv.registration.pk,
                institution_id=rv.registration.institution_id,
                registered_at=rv.registration.registered_at,
                identity=_identity(rv.registration) if rv.shows(Section.IDENTITY) else None,
                contact=rv.registration.contact if rv.shows(Section.CONTACT) else None,
                current_location=rv.registration.current_location
                if rv.shows(Section.LOCATION)
                else None,
            )
            for rv in view.registrations
        ],
        case_ids=[cv.case.pk for cv in view.cases],
    )


class _CasePage:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.qs = case_page_queryset(cases_for(request.user, CaseFilter()))

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[CaseOut]:
        rows = case_rows(self.request.user, list(self.qs[window]))
        audit.record_read(
            self.request.user,
            "registry.case",
            [r.case.pk for r in rows],
            sections=sorted({s for r in rows for s in r.sections}),
            channel="api",
        )
        return [_case_out(r) for r in rows]


def _case_out(row: Any) -> CaseOut:
    case = row.case
    return CaseOut(
        id=case.pk,
        reference=case.reference,
        person_id=case.person_id,
        kind=case.kind,
        state=case.state,
        lead_institution_id=case.lead_institution_id,
        institutions=row.institutions,
        detection_date=case.detection_date,
        is_child=case.is_child,
        display_name=row.display_name,
        sections=sorted(row.sections),
        forms=row.shown_forms,
    )


@router.get(
    "/cases",
    response=list[CaseOut],
    openapi_extra=META,
    summary="Cases you may open, newest detection first",
)
@paginate(LimitOffsetPagination)
def case_list(request: HttpRequest) -> Any:
    ensure_can(request.user, "person.read", section=Section.METADATA)
    return _CasePage(request)


@router.get("/cases/{uuid:case_id}", response=CaseOut, openapi_extra=META, summary="One case")
def case_detail(request: HttpRequest, case_id: uuid.UUID) -> CaseOut:
    ensure_can(request.user, "person.read", section=Section.METADATA)
    qs = case_page_queryset(scope_for(request.user).cases().filter(pk=case_id))
    cases = list(qs)
    if not cases:
        raise Http404
    row = case_rows(request.user, cases)[0]
    audit.record_read(
        request.user, "registry.case", [row.case.pk], sections=sorted(row.sections), channel="api"
    )
    return _case_out(row)


@router.post(
    "/persons/search",
    response=SearchOut,
    openapi_extra={"x-palermo-access": "person.search"},
    summary="Search before create (names in the body, never in the URL)",
)
def person_search(request: HttpRequest, body: SearchIn) -> SearchOut:
    from django.core.exceptions import ValidationError

    from palermo.core import countries

    ensure_can(request.user, "person.search")
    if body.citizenship and not countries.is_valid(body.citizenship):
        raise ValidationError({"citizenship": ["Unknown country code."]})
    today = timezone.localdate()
    if body.date_of_birth and body.date_of_birth > today:
        raise ValidationError({"date_of_birth": ["This date is in the future."]})
    if body.birth_year and body.birth_year > today.year:
        raise ValidationError({"birth_year": ["This year is in the future."]})
    if not (body.first_name.strip() or body.last_name.strip() or body.document_number.strip()):
        raise ValidationError({"last_name": ["Give at least a name or a document number."]})
    result = search_persons(actor=request.user, query=SearchQuery(**body.dict()), channel="api")
    from .models import Person
    from .selectors import person_rows

    rows = {
        r.person.pk: r
        for r in person_rows(
            request.user, list(Person.objects.filter(pk__in=[m.person_id for m in result.matches]))
        )
    }
    items = [
        SearchMatch(
            person_id=m.person_id,
            probability=round(m.probability, 4),
            display_name=rows[m.person_id].display_name,
        )
        for m in result.matches
        if m.person_id in rows
    ]
    return SearchOut(items=items, count=len(items))
