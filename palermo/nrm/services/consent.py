"""Consent per purpose; withdrawing data-sharing consent stops sharing at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.core.models import CodeItem
from palermo.core.roles import Section
from palermo.registry.models import Case, CaseAccess
from palermo.registry.services.holds import access_changed

from ..codes import ConsentPurpose, ReferralState
from ..models import Consent, Deadline, Referral
from .common import require_holder


@transaction.atomic
def consent_record(
    *,
    actor: Any,
    case: Case,
    purpose: str,
    given_on: date,
    language: str,
    interpreter_used: bool = False,
    institution_types: Iterable[str] = (),
    sections: Iterable[str] = (),
    channel: str = "web",
) -> Consent:
    ensure_can(actor, "consent.record")
    require_holder(actor, case)
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Choose a purpose.")]
    if given_on > timezone.localdate():
        errors["given_on"] = [_("This date is in the future.")]
    if not (language or "").strip():
        errors["language"] = [_("Say in which language consent was asked.")]
    types = sorted(set(institution_types))
    known_types = set(
        CodeItem.objects.filter(list_code="institution_type").values_list("code", flat=True)
    )
    if set(types) - known_types:
        errors["institution_types"] = [_("Unknown institution type.")]
    chosen = sorted(set(sections))
    if set(chosen) - set(Section.values):
        errors["sections"] = [_("Unknown section.")]
    if purpose == ConsentPurpose.DATA_SHARING and not chosen:
        errors["sections"] = [_("Say which parts of the record may be shared.")]
    if errors:
        raise ValidationError(errors)
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        institution_types=types,
        sections=chosen,
        given_on=given_on,
        taken_by=actor,
        language=language.strip(),
        interpreter_used=interpreter_used,
    )
    audit.record(
        actor,
        "consent.recorded",
        consent,
        ids=[case.pk],
        fields=[purpose, *chosen],
        channel=channel,
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent, channel: str = "web") -> Consent:
    """Withdrawal takes effect at once: referrals that relied on it end and their receivers
    lose read access (urgent risk-to-life referrals are not based on consent and stay)."""
    ensure_can(actor, "consent.record")
    require_holder(actor, consent.case)
    # Serialised with referral_send on the case row: a referral sent at the same moment either
    # sees this withdrawal or is ended by it. The consent itself is read again, locked, so
    # that a second withdrawal (another page, a stale copy) is refused, not recorded twice.
    Case.objects.select_for_update().get(pk=consent.case_id)
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise ValidationError({"__all__": _("This consent was already withdrawn.")})
    now = timezone.now()
    consent.withdrawn_at, consent.withdrawn_by = now, actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    ended: list[Any] = []
    if consent.purpose == ConsentPurpose.DATA_SHARING:
        from .referrals import consent_allows

        for referral in (
            Referral.objects.select_for_update()
            .filter(
                case=consent.case,
                state__in=[ReferralState.SENT, ReferralState.ACCEPTED],
                urgent_without_consent=False,
            )
            .select_related("to_institution__type")
        ):
            still = consent_allows(consent.case, referral.to_institution)
            if still is not None and set(referral.sections) - {Section.METADATA} <= still:
                continue  # another consent still covers it
            referral.state = ReferralState.ENDED
            referral.reason = "consent withdrawn"
            referral.closed_at = now
            referral.save(update_fields=["state", "reason", "closed_at"])
            CaseAccess.objects.filter(referral_id=referral.pk, revoked_at__isnull=True).update(
                revoked_at=now
            )
            access_changed([referral.case_id])
            # A referral not yet answered has nothing left to answer.
            Deadline.objects.filter(
                referral=referral, met_at__isnull=True, cancelled_at__isnull=True
            ).update(cancelled_at=now)
            ended.append(referral.pk)
    audit.record(
        actor, "consent.withdrawn", consent, ids=[consent.case_id, *ended], channel=channel
    )
    return consent
