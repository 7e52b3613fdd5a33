"""NRM endpoints (contract: docs/api.md): transitions of a case and referrals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from palermo.core.access import ensure_can
from palermo.institutions.models import Institution
from palermo.registry.access import scope_for
from palermo.registry.models import Case

from . import services
from .access import visible_referrals
from .models import Referral

router = Router(tags=["nrm"])


class TransitionOut(Schema):
    id: str
    to_state: str
    label: str
    requires: list[str]


class TransitionList(Schema):
    items: list[TransitionOut]
    count: int


class TransitionIn(Schema):
    to_state: str = Field(..., max_length=24)
    data: dict[str, Any] = Field(default_factory=dict)


class CaseStateOut(Schema):
    id: uuid.UUID
    reference: str
    state: str
    kind: str


class ReferralOut(Schema):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    from_institution_id: int
    to_institution_id: int
    service_type: str
    sections: list[str]
    urgent_without_consent: bool
    state: str
    reason: str
    created_at: datetime

    @staticmethod
    def resolve_case_reference(obj: Referral) -> str:
        return obj.case.reference


class ReferralIn(Schema):
    case_id: uuid.UUID
    to_institution_id: int
    service_type: str = Field(..., max_length=20)
    sections: list[str] = Field(default_factory=list)
    urgent_without_consent: bool = False
    urgency_justification: str = ""
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


def _case(request: HttpRequest, case_id: uuid.UUID) -> Case:
    case = scope_for(request.user).cases().filter(pk=case_id).first()
    if case is None:
        raise Http404
    return case


READ = {"x-palermo-access": "person.read:metadata"}


@router.get(
    "/cases/{uuid:case_id}/transitions",
    response=TransitionList,
    openapi_extra=READ,
    summary="Transitions you may take now",
)
def transitions(request: HttpRequest, case_id: uuid.UUID) -> TransitionList:
    ensure_can(request.user, "person.read", section="metadata")
    case = _case(request, case_id)
    items = [
        TransitionOut(id=rule.id, to_state=to, label=str(rule.label), requires=list(rule.requires))
        for to, rule in services.allowed_transitions(request.user, case)
    ]
    return TransitionList(items=items, count=len(items))


@router.post(
    "/cases/{uuid:case_id}/transitions",
    response=CaseStateOut,
    openapi_extra=READ,
    summary="Apply a transition",
)
def apply_transition(request: HttpRequest, case_id: uuid.UUID, body: TransitionIn) -> CaseStateOut:
    ensure_can(request.user, "person.read", section="metadata")
    case = _case(request, case_id)
    case = services.transition_apply(
        actor=request.user, case=case, to_state=body.to_state, data=body.data, channel="api"
    )
    return CaseStateOut(id=case.pk, reference=case.reference, state=case.state, kind=case.kind)


LIST = {"x-palermo-access": "referral.list"}


@router.get(
    "/referrals",
    response=list[ReferralOut],
    openapi_extra=LIST,
    summary="Referrals sent by or to your institution, newest first",
)
@paginate(LimitOffsetPagination)
def referral_list(request: HttpRequest) -> Any:
    ensure_can(request.user, "referral.list")
    return visible_referrals(request.user).select_related("case").order_by("-created_at", "pk")


@router.get(
    "/referrals/{uuid:referral_id}",
    response=ReferralOut,
    openapi_extra=LIST,
    summary="One referral",
)
def referral_detail(request: HttpRequest, referral_id: uuid.UUID) -> Referral:
    ensure_can(request.user, "referral.list")
    referral = visible_referrals(request.user).select_related("case").filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


@router.post(
    "/referrals",
    response={201: ReferralOut},
    openapi_extra={"x-palermo-access": "referral.send"},
    summary="Send a referral",
)
def referral_create(request: HttpRequest, body: ReferralIn) -> Status[Referral]:
    ensure_can(request.user, "referral.send")
    case = _case(request, body.case_id)
    institution = Institution.objects.filter(pk=body.to_institution_id).first()
    if institution is None:
        raise ValidationError({"to_institution_id": [_("Unknown institution.")]})
    try:
        referral = services.referral_send(
            actor=request.user,
            case=case,
            to_institution=institution,
            service_type=body.service_type,
            sections=body.sections,
            urgent_without_consent=body.urgent_without_consent,
            urgency_justification=body.urgency_justification,
            note=body.note,
            channel="api",
        )
    except ValidationError as exc:
        # The service names the form's field; the API's body calls it ``to_institution_id``.
        if hasattr(exc, "error_dict") and "to_institution" in exc.error_dict:
            exc.error_dict["to_institution_id"] = exc.error_dict.pop("to_institution")
        raise
    return Status(201, referral)


ACTIONS = {
    "accept": (
        "referral.respond",
        lambda u, r, b: services.referral_accept(actor=u, referral=r, channel="api"),
    ),
    "decline": (
        "referral.respond",
        lambda u, r, b: services.referral_decline(
            actor=u, referral=r, reason=b.reason, channel="api"
        ),
    ),
    "withdraw": (
        "referral.withdraw",
        lambda u, r, b: services.referral_withdraw(
            actor=u, referral=r, reason=b.reason, channel="api"
        ),
    ),
    "complete": (
        "referral.close",
        lambda u, r, b: services.referral_complete(actor=u, referral=r, channel="api"),
    ),
    "end": (
        "referral.close",
        lambda u, r, b: services.referral_end(actor=u, referral=r, reason=b.reason, channel="api"),
    ),
}


def _action_endpoint(name: str, action: str, handler: Any) -> None:
    # The body is optional: accepting or completing needs no reason, and a client may send
    # nothing at all; a missing reason is then refused by the service, on ``reason``.
    def endpoint(
        request: HttpRequest, referral_id: uuid.UUID, body: ReasonIn | None = None
    ) -> Referral:
        body = body or ReasonIn()
        ensure_can(request.user, action)
        referral = (
            visible_referrals(request.user).select_related("case").filter(pk=referral_id).first()
        )
        if referral is None:
            raise Http404
        handler(request.user, referral, body)
        return Referral.objects.select_related("case").get(pk=referral.pk)

    endpoint.__name__ = f"referral_{name}"
    router.post(
        f"/referrals/{{uuid:referral_id}}/{name}",
        response=ReferralOut,
        openapi_extra={"x-palermo-access": action},
        summary=f"{name.capitalize()} a referral",
    )(endpoint)


for _name, (_action, _handler) in ACTIONS.items():
    _action_endpoint(_name, _action, _handler)
