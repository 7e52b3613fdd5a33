"""Parallel tracks (assistance, residence, return, compensation) and the child's
best-interests determination that return and residence decisions need first."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.registry.models import Case

from ..codes import CHILD_BID_REQUIRED, TRACK_STATES, DeadlineKind, Track
from ..models import BestInterestsDetermination, Deadline, TrackEvent
from .common import require_holder


@transaction.atomic
def track_record(
    *, actor: Any, case: Case, track: str, state: str, on: date, channel: str = "web"
) -> TrackEvent:
    ensure_can(actor, "track.record")
    institution_id = require_holder(actor, case)
    if track not in Track.values:
        raise ValidationError({"track": _("Choose a track.")})
    if state not in [code for code, _label in TRACK_STATES[track]]:
        raise ValidationError({"state": _("This step does not belong to that track.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("This date is in the future.")})
    if (
        case.is_child
        and (track, state) in CHILD_BID_REQUIRED
        and not BestInterestsDetermination.objects.filter(case=case).exists()
    ):
        raise ValidationError(
            {
                "state": _(
                    "A child's return or residence needs a best-interests determination first."
                )
            }
        )
    step = TrackEvent.objects.create(
        case=case, track=track, state=state, on=on, institution_id=institution_id, recorded_by=actor
    )
    if track == Track.ASSISTANCE and state != "assessment":
        Deadline.objects.filter(
            case=case,
            kind=DeadlineKind.NEEDS_ASSESSMENT_DUE,
            met_at__isnull=True,
            cancelled_at__isnull=True,
        ).update(met_at=timezone.now())
    audit.record(actor, "case.track", case, fields=[track, state], channel=channel)
    return step


@transaction.atomic
def best_interests_record(
    *, actor: Any, case: Case, decided_on: date, summary: str, channel: str = "web"
) -> BestInterestsDetermination:
    ensure_can(actor, "child.bid.record")
    institution_id = require_holder(actor, case)
    if not case.is_child:
        raise ValidationError(
            {"__all__": _("A best-interests determination is for children's cases.")}
        )
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("This date is in the future.")})
    if len((summary or "").strip()) < 10:
        raise ValidationError(
            {"summary": _("Summarise the determination in at least 10 characters.")}
        )
    bid = BestInterestsDetermination.objects.create(
        case=case,
        decided_on=decided_on,
        summary=summary.strip(),
        institution_id=institution_id,
        recorded_by=actor,
    )
    audit.record(actor, "case.best_interests", case, channel=channel)
    return bid
