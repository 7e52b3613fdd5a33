"""Reads of the NRM: the case panel, dashboards and the coordinator's oversight."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from palermo.core.access import principal_of
from palermo.core.roles import Role
from palermo.registry.models import Case

from .codes import TRACK_STATES, DeadlineKind, Track
from .models import Consent, Deadline, Referral, TrackEvent

# Who acts on which deadline, in the responsible institution.
DEADLINE_ROLES = {
    DeadlineKind.REFERRAL_DUE: {Role.CASE_WORKER, Role.INVESTIGATOR},
    DeadlineKind.REFLECTION_END: {Role.SUPERVISOR},
    DeadlineKind.NEEDS_ASSESSMENT_DUE: {Role.CASE_WORKER},
    DeadlineKind.REFERRAL_RESPONSE_DUE: {Role.SUPERVISOR, Role.CASE_WORKER},
}


def open_deadlines() -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        met_at__isnull=True, cancelled_at__isnull=True, case__sealed=False
    )


def deadlines_for(user: Any) -> list[Deadline]:
    """What the user must act on: open deadlines of their institution for their roles, on
    cases they may see; overdue first."""
    from palermo.registry.access import scope_for

    principal = principal_of(user)
    kinds = [kind for kind, roles in DEADLINE_ROLES.items() if roles & principal.roles]
    if not kinds or principal.institution_id is None:
        return []
    from django.db.models import Q

    from .access import visible_referrals

    visible = scope_for(user).cases().values("pk")
    # A referral waiting for an answer is the receiver's to act on before it may see the case:
    # it is reached through the referral (which the receiver sees), not through the case.
    # Both scopes leave a sealed case to its named users, who keep their reminders.
    reachable = Q(case__in=visible) | Q(
        kind=DeadlineKind.REFERRAL_RESPONSE_DUE,
        referral__in=visible_referrals(user).values("pk"),
    )
    return list(
        Deadline.objects.filter(met_at__isnull=True, cancelled_at__isnull=True)
        .filter(reachable, institution_id=principal.institution_id, kind__in=kinds)
        .select_related("case")
        .order_by("due_at")[:50]
    )


def oversight_deadlines() -> QuerySet[Deadline]:
    """Every open deadline of every (unsealed) case: metadata only, overdue first."""
    return open_deadlines().select_related("case", "institution").order_by("due_at")


def case_panel(case: Case) -> dict[str, Any]:
    tracks: dict[str, TrackEvent] = {}
    for step in TrackEvent.objects.filter(case=case).order_by("on", "recorded_at", "pk"):
        tracks[step.track] = step
    labels = {track: dict(states) for track, states in TRACK_STATES.items()}
    return {
        "deadlines": list(
            Deadline.objects.filter(
                case=case, met_at__isnull=True, cancelled_at__isnull=True
            ).select_related("institution")
        ),
        "referrals": list(
            Referral.objects.filter(case=case).select_related("from_institution", "to_institution")
        ),
        "consents": list(Consent.objects.filter(case=case).select_related("taken_by")),
        "tracks": [
            (Track(t).label, labels[t].get(step.state, step.state), step.on)
            for t, step in tracks.items()
        ],
        "now": timezone.now(),
    }
