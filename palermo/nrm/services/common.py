"""Helpers shared by the NRM services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from palermo.core.access import principal_of
from palermo.registry.access import scope_for
from palermo.registry.holding import holds_case
from palermo.registry.models import Case, CaseEvent

from ..codes import OPEN_REFERRAL_STATES, ServiceType


def visible_case(actor: Any, case: Case) -> Case:
    """The case as the actor may see it, or 404."""
    if not scope_for(actor).cases().filter(pk=case.pk).exists():
        raise Http404
    return case


def holds(actor: Any, case: Case) -> bool:
    """The actor's institution registered or leads the case, or the actor is on its team."""
    return holds_case(actor, case)


def identifies(actor: Any, case: Case) -> bool:
    """The actor's institution received the case for identification (accepted referral)."""
    from ..models import Referral

    return Referral.objects.filter(
        case=case,
        to_institution_id=principal_of(actor).institution_id or 0,
        service_type=ServiceType.IDENTIFICATION,
        state="accepted",
    ).exists()


def require_holder(actor: Any, case: Case, *, or_identifying: bool = False) -> int:
    visible_case(actor, case)
    if holds(actor, case) or (or_identifying and identifies(actor, case)):
        institution_id = principal_of(actor).institution_id
        assert institution_id is not None
        return institution_id
    raise PermissionDenied("case.not_held")


def event(case: Case, actor: Any, institution_id: int, kind: str, **fields: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, actor=actor, institution_id=institution_id, kind=kind, **fields
    )


def open_referrals(case: Case) -> Q:
    return Q(case=case, state__in=OPEN_REFERRAL_STATES)


def now() -> Any:
    return timezone.now()
