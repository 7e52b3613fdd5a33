"""Referrals between institutions on need to know, with consent (or a recorded exception)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.accounts.models import User
from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.notify import notify
from palermo.core.roles import Capability, Role, Section
from palermo.institutions.models import Institution
from palermo.registry.access import scope_for
from palermo.registry.codes import CaseState
from palermo.registry.models import Case, CaseAccess
from palermo.registry.services.holds import access_changed

from .. import deadlines as dl
from ..codes import SERVICE_SECTIONS, ConsentPurpose, DeadlineKind, ReferralState, ServiceType
from ..models import Consent, Deadline, NrmSettings, Referral
from .common import require_holder, visible_case

INTAKE_ROLES = (Role.SUPERVISOR, Role.CASE_WORKER)
MIN_REASON = 10


def consent_allows(case: Case, institution: Institution) -> frozenset[str] | None:
    """Sections an active data-sharing consent lets go to ``institution`` (None: no consent)."""
    sections: set[str] = set()
    found = False
    for consent in Consent.objects.filter(
        case=case, purpose=ConsentPurpose.DATA_SHARING, withdrawn_at__isnull=True
    ):
        types = set(consent.institution_types)
        if not types or institution.type.code in types:
            found = True
            sections |= set(consent.sections) or set(Section.values)
    return frozenset(sections) if found else None


def intake_users(institution_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__institution_id=institution_id,
            memberships__role__in=INTAKE_ROLES,
        ).distinct()
    )


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {field: _("Give the reason in at least %(n)d characters.") % {"n": MIN_REASON}}
        )
    return reason


@transaction.atomic
def referral_send(
    *,
    actor: Any,
    case: Case,
    to_institution: Institution,
    service_type: str,
    sections: Iterable[str],
    urgent_without_consent: bool = False,
    urgency_justification: str = "",
    note: str = "",
    channel: str = "web",
) -> Referral:
    """Send a case to another institution for a service, sharing only the chosen sections."""
    ensure_can(actor, "referral.send")
    institution_id = require_holder(actor, case)
    # The case as it is now, locked: closing it (T8) takes the same lock and refuses while a
    # referral is open, so a referral can never slip onto a case that is being closed.
    case = Case.objects.select_for_update().get(pk=case.pk)
    chosen = set(sections) | {Section.METADATA}
    errors: dict[str, list[str]] = {}
    if service_type not in ServiceType.values:
        errors["service_type"] = [_("Choose a service.")]
    if not to_institution.active or to_institution.pk == institution_id:
        errors["to_institution"] = [_("Choose another active institution.")]
    elif not to_institution.capabilities.exists():
        errors["to_institution"] = [_("This institution does not handle personal data.")]
    elif (
        service_type == ServiceType.IDENTIFICATION
        and not to_institution.capabilities.filter(
            capability=Capability.IDENTIFYING_AUTHORITY
        ).exists()
    ):
        # T3 and the decisions T4–T6 rest on this referral: it must reach an authority.
        errors["to_institution"] = [_("Identification is referred to an identifying authority.")]
    if case.state == CaseState.CLOSED:
        errors["__all__"] = [_("A closed case cannot be referred.")]
    unknown = chosen - set(Section.values)
    if unknown:
        errors["sections"] = [_("Unknown section.")]
    if errors:
        raise ValidationError(errors)
    allowed_by_service = SERVICE_SECTIONS[service_type]
    if chosen - allowed_by_service:
        raise ValidationError(
            {
                "sections": _("A %(service)s referral cannot share: %(sections)s.")
                % {
                    "service": ServiceType(service_type).label,
                    "sections": ", ".join(
                        str(Section(s).label) for s in sorted(chosen - allowed_by_service)
                    ),
                }
            }
        )
    own = scope_for(actor).case_sections(case)
    if chosen - own:
        raise ValidationError(
            {"sections": _("You cannot share sections you cannot read yourself.")}
        )
    if urgent_without_consent:
        urgency_justification = _reason(urgency_justification, "urgency_justification")
    else:
        consented = consent_allows(case, to_institution)
        if consented is None:
            raise ValidationError(
                {
                    "sections": _(
                        "There is no consent on record to share data with this kind of institution. Record consent first, or mark the referral urgent (risk to life)."
                    )
                }
            )
        if chosen - consented - {Section.METADATA}:
            raise ValidationError(
                {
                    "sections": _("The consent on record does not cover: %(sections)s.")
                    % {
                        "sections": ", ".join(
                            str(Section(s).label)
                            for s in sorted(chosen - consented - {Section.METADATA})
                        )
                    }
                }
            )
    referral = Referral.objects.create(
        case=case,
        from_institution_id=institution_id,
        to_institution=to_institution,
        service_type=service_type,
        sections=sorted(chosen),
        urgent_without_consent=urgent_without_consent,
        urgency_justification=urgency_justification,
        note=note.strip(),
        created_by=actor,
    )
    settings_row = NrmSettings.current()
    hours = (
        settings_row.child_referral_response_hours
        if case.is_child
        else settings_row.referral_response_hours
    )
    Deadline.objects.create(
        case=case,
        kind=DeadlineKind.REFERRAL_RESPONSE_DUE,
        due_at=dl.after_hours(timezone.now(), hours),
        institution=to_institution,
        referral=referral,
    )
    audit.record(
        actor,
        "referral.sent",
        referral,
        ids=[case.pk, to_institution.pk],
        fields=sorted(chosen),
        flagged=urgent_without_consent,
        channel=channel,
    )
    notify(
        intake_users(to_institution.pk),
        kind="referral.received",
        text=_("New referral for %(service)s: case %(ref)s")
        % {"service": ServiceType(service_type).label, "ref": case.reference},
        url=reverse("nrm:referral", args=[referral.pk]),
        institution_id=to_institution.pk,
    )
    return referral


def _receiving(actor: Any, referral: Referral) -> int:
    principal = ensure_can(actor, "referral.respond")
    if principal.institution_id != referral.to_institution_id:
        raise PermissionDenied("referral.not_receiver")
    return principal.institution_id


def _meet_response_deadline(referral: Referral) -> None:
    Deadline.objects.filter(
        referral=referral, met_at__isnull=True, cancelled_at__isnull=True
    ).update(met_at=timezone.now())


def _require_state(referral: Referral, *states: str) -> None:
    if referral.state not in states:
        raise ValidationError(
            {
                "state": _("This referral is %(state)s: that is not possible now.")
                % {"state": ReferralState(referral.state).label}
            }
        )


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral, channel: str = "web") -> Referral:
    """The receiving institution accepts: from now on it reads exactly the shared sections."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _receiving(actor, referral)
    _require_state(referral, ReferralState.SENT)
    referral.state = ReferralState.ACCEPTED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.save(update_fields=["state", "responded_by", "responded_at"])
    CaseAccess.objects.create(
        case=referral.case,
        institution_id=referral.to_institution_id,
        source=CaseAccess.Source.REFERRAL,
        referral_id=referral.pk,
        # Never empty: to the registry an access row without sections means every section.
        sections=sorted(set(referral.sections) | {Section.METADATA}),
        detection_date=referral.case.detection_date,
    )
    access_changed([referral.case_id])
    _meet_response_deadline(referral)
    audit.record(actor, "referral.accepted", referral, ids=[referral.case_id], channel=channel)
    notify(
        [referral.created_by],
        kind="referral.accepted",
        text=_("Referral of case %(ref)s accepted") % {"ref": referral.case.reference},
        url=reverse("nrm:referral", args=[referral.pk]),
        institution_id=referral.from_institution_id,
    )
    return referral


@transaction.atomic
def referral_decline(
    *, actor: Any, referral: Referral, reason: str, channel: str = "web"
) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _receiving(actor, referral)
    _require_state(referral, ReferralState.SENT)
    referral.reason = _reason(reason)
    referral.state = ReferralState.DECLINED
    referral.responded_by, referral.responded_at = actor, timezone.now()
    referral.closed_at = referral.responded_at
    referral.save(update_fields=["state", "reason", "responded_by", "responded_at", "closed_at"])
    _meet_response_deadline(referral)
    audit.record(actor, "referral.declined", referral, ids=[referral.case_id], channel=channel)
    notify(
        [referral.created_by],
        kind="referral.declined",
        text=_("Referral of case %(ref)s declined") % {"ref": referral.case.reference},
        url=reverse("nrm:referral", args=[referral.pk]),
        institution_id=referral.from_institution_id,
    )
    return referral


def _end_access(referral: Referral) -> None:
    CaseAccess.objects.filter(referral_id=referral.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    access_changed([referral.case_id])


@transaction.atomic
def referral_withdraw(
    *, actor: Any, referral: Referral, reason: str, channel: str = "web"
) -> Referral:
    """The sender takes the referral back (before or after acceptance)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    principal = ensure_can(actor, "referral.withdraw")
    if principal.institution_id != referral.from_institution_id:
        raise PermissionDenied("referral.not_sender")
    _require_state(referral, ReferralState.SENT, ReferralState.ACCEPTED)
    referral.reason = _reason(reason)
    referral.state = ReferralState.WITHDRAWN
    referral.closed_at = timezone.now()
    referral.save(update_fields=["state", "reason", "closed_at"])
    _end_access(referral)
    Deadline.objects.filter(
        referral=referral, met_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now())
    audit.record(actor, "referral.withdrawn", referral, ids=[referral.case_id], channel=channel)
    return referral


def _close(actor: Any, referral: Referral, state: str, reason: str, channel: str) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    principal = ensure_can(actor, "referral.close")
    if principal.institution_id not in (referral.from_institution_id, referral.to_institution_id):
        raise PermissionDenied("referral.not_party")
    _require_state(referral, ReferralState.ACCEPTED)
    referral.state = state
    referral.reason = reason
    referral.closed_at = timezone.now()
    referral.save(update_fields=["state", "reason", "closed_at"])
    _end_access(referral)
    audit.record(actor, f"referral.{state}", referral, ids=[referral.case_id], channel=channel)
    return referral


@transaction.atomic
def referral_complete(*, actor: Any, referral: Referral, channel: str = "web") -> Referral:
    """The service was delivered; the receiving institution's read access ends."""
    return _close(actor, referral, ReferralState.COMPLETED, "", channel)


@transaction.atomic
def referral_end(*, actor: Any, referral: Referral, reason: str, channel: str = "web") -> Referral:
    """The referral stops before the service was completed; read access ends."""
    return _close(actor, referral, ReferralState.ENDED, _reason(reason), channel)


__all__ = [
    "consent_allows",
    "referral_accept",
    "referral_complete",
    "referral_decline",
    "referral_end",
    "referral_send",
    "referral_withdraw",
    "visible_case",
]
