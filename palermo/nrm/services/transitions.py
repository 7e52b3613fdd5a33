"""Applying T1–T9 to a case: who, what it requires, what it refuses, what it sets off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import principal_of
from palermo.core.roles import Capability
from palermo.registry.codes import CaseKind, CaseState
from palermo.registry.models import Case, CaseIndicator

from .. import deadlines as dl
from ..codes import ClosureReason, DeadlineKind, ServiceType, Track
from ..models import (
    Deadline,
    IdentificationDecision,
    NrmSettings,
    Referral,
    ReflectionPeriod,
    TrackEvent,
)
from ..transitions import Rule, rule_for, targets_from
from .common import event, holds, identifies, require_holder, visible_case


class InvalidTransitionError(ValidationError):
    """A transition the table does not have (e.g. detected → identified)."""


def _can(actor: Any, rule: Rule, case: Case) -> bool:
    principal = principal_of(actor)
    if not principal.can(rule.action):
        return False
    if rule.identifying_authority:
        return holds(actor, case) or identifies(actor, case)
    return holds(actor, case)


def allowed_transitions(actor: Any, case: Case) -> list[tuple[str, Rule]]:
    """The transitions this actor may take on this case now (the page and the API list them)."""
    visible_case(actor, case)
    return [
        (to, rule)
        for to, rule in targets_from(case.state, case.previous_state)
        if _can(actor, rule, case)
    ]


def _date(data: dict[str, Any], field: str, *, future: bool = False) -> date:
    """A date from a form (``date``) or the API (ISO string); refused on ``field`` when missing,
    malformed or — unless ``future`` — after today."""
    value = data.get(field)
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationError({field: _("Enter a valid date.")}) from None
    if not isinstance(value, date):
        raise ValidationError({field: _("This field is required.")})
    if not future and value > timezone.localdate():
        raise ValidationError({field: _("This date is in the future.")})
    return value


def _required_text(data: dict[str, Any], field: str, minimum: int = 3) -> str:
    value = data.get(field)
    # The API's ``data`` is free-form: a list or an object is not a text to store.
    value = value.strip() if isinstance(value, str) else ""
    if len(value) < minimum:
        raise ValidationError({field: _("This field is required.")})
    return value


def _close_deadlines(case: Case, *kinds: str, met: bool = True) -> None:
    field = "met_at" if met else "cancelled_at"
    Deadline.objects.filter(
        case=case, kind__in=kinds, met_at__isnull=True, cancelled_at__isnull=True
    ).update(**{field: timezone.now()})


@transaction.atomic
def transition_apply(
    *,
    actor: Any,
    case: Case,
    to_state: str,
    data: dict[str, Any] | None = None,
    channel: str = "web",
) -> Case:
    """Move ``case`` to ``to_state``. Raises PermissionDenied (role, capability, not holding
    the case), Http404 (out of scope) or ValidationError (impossible pair, missing or wrong
    input); nothing changes then."""
    data = data or {}
    case = Case.objects.select_for_update().get(pk=visible_case(actor, case).pk)
    rule = rule_for(case.state, to_state, case.previous_state)
    if rule is None:
        raise InvalidTransitionError(
            {
                "to_state": _("A case cannot go from “%(a)s” to “%(b)s”.")
                % {
                    "a": CaseState(case.state).label,
                    "b": CaseState(to_state).label if to_state in CaseState.values else to_state,
                }
            }
        )
    if not principal_of(actor).can(rule.action):
        raise PermissionDenied(rule.action)
    institution_id = require_holder(actor, case, or_identifying=rule.identifying_authority)
    from_state = case.state
    settings_row = NrmSettings.current()
    reason = ""
    updates: list[str] = ["state"]
    if rule.id == "T1":
        case.kind = CaseKind.NRM
        updates.append("kind")
    elif rule.id == "T2":
        if not CaseIndicator.objects.filter(case=case).exists():
            raise ValidationError({"indicators": _("Record at least one indicator first.")})
        if case.kind != CaseKind.NRM:
            case.kind = CaseKind.NRM
            updates.append("kind")
        case.presumed_date = timezone.localdate()
        updates.append("presumed_date")
        _start_assistance(actor, case, institution_id, settings_row)
    elif rule.id == "T3":
        if not Referral.objects.filter(
            case=case,
            service_type=ServiceType.IDENTIFICATION,
            state__in=["sent", "accepted"],
            to_institution__capabilities__capability=Capability.IDENTIFYING_AUTHORITY,
        ).exists():
            raise ValidationError(
                {"to_state": _("Send a referral to the identifying authority first.")}
            )
        _close_deadlines(case, DeadlineKind.REFERRAL_DUE)
    elif rule.id == "T4":
        start = _date(data, "start_date")
        end = _date(data, "end_date", future=True)  # the period usually ends in the future
        minimum = settings_row.reflection_min_days
        if end < start + timedelta(days=minimum):
            raise ValidationError(
                {
                    "end_date": _(
                        "The period must last at least %(n)d days (until %(d)s or later)."
                    )
                    % {"n": minimum, "d": (start + timedelta(days=minimum)).isoformat()}
                }
            )
        ReflectionPeriod.objects.create(
            case=case,
            start_date=start,
            end_date=end,
            institution_id=institution_id,
            decided_by=actor,
        )
        Deadline.objects.create(
            case=case,
            kind=DeadlineKind.REFLECTION_END,
            due_at=dl.end_of_day(end),
            institution_id=institution_id,
        )
    elif rule.id in ("T5", "T6"):
        decided = _date(data, "decision_date")
        notified = _date(data, "person_notified_on") if rule.id == "T6" else None
        IdentificationDecision.objects.create(
            case=case,
            outcome=to_state,
            decision_date=decided,
            decision_body=_required_text(data, "decision_body"),
            grounds=_required_text(data, "grounds"),
            person_notified_on=notified,
            institution_id=institution_id,
            decided_by=actor,
        )
        if rule.id == "T5":
            case.identified_date = decided
            updates.append("identified_date")
        _close_deadlines(case, DeadlineKind.REFLECTION_END)
        reason = ""  # grounds are in the decision (encrypted), not in the timeline
    elif rule.id == "T7":
        reason = _required_text(data, "reason", 10)
    elif rule.id == "T8":
        closure = str(data.get("closure_reason") or "")
        if closure not in ClosureReason.values:
            raise ValidationError({"closure_reason": _("Choose a closure reason.")})
        if closure == ClosureReason.OTHER:
            reason = _required_text(data, "reason", 5)
        if Referral.objects.filter(case=case, state__in=["sent", "accepted"]).exists():
            raise ValidationError(
                {"to_state": _("Close or withdraw the open referrals of this case first.")}
            )
        case.closure_reason = closure
        case.previous_state = from_state
        case.closed_date = timezone.localdate()
        updates += ["closure_reason", "previous_state", "closed_date"]
        Deadline.objects.filter(case=case, met_at__isnull=True, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
    elif rule.id == "T9":
        reason = _required_text(data, "reason", 10)
        case.previous_state = ""
        case.closure_reason = ""
        case.closed_date = None
        updates += ["previous_state", "closure_reason", "closed_date"]
    case.state = to_state
    case.save(update_fields=updates)
    event(
        case,
        actor,
        institution_id,
        "transition",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )
    audit.record(
        actor,
        f"case.{rule.id}",
        case,
        # Only the rule's own field names: the API's ``data`` is free-form, and the trail
        # never takes values (a key could be a name).
        fields=[
            from_state,
            to_state,
            *sorted(k for k in {*rule.requires, "reason"} if data.get(k)),
        ],
        channel=channel,
    )
    return case


def _start_assistance(
    actor: Any, case: Case, institution_id: int, settings_row: NrmSettings
) -> None:
    """T2: assistance starts now (not after identification): the assistance track opens with a
    needs assessment, and the referral and assessment deadlines run."""
    now = timezone.now()
    TrackEvent.objects.create(
        case=case,
        track=Track.ASSISTANCE,
        state="assessment",
        on=timezone.localdate(),
        institution_id=institution_id,
        recorded_by=actor,
    )
    hours = (
        settings_row.child_referral_due_hours if case.is_child else settings_row.referral_due_hours
    )
    days = (
        settings_row.child_needs_assessment_days
        if case.is_child
        else settings_row.needs_assessment_days
    )
    lead = case.lead_institution_id
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.REFERRAL_DUE,
        due_at=dl.after_hours(now, hours),
        institution_id=lead,
    )
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.NEEDS_ASSESSMENT_DUE,
        due_at=dl.after_days(now, days),
        institution_id=lead,
    )
