"""Writes on an existing case: details, team, transfer of the lead, sealing."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palermo.core import audit
from palermo.core.access import ensure_can
from palermo.institutions.models import Institution

from ..models import Case, CaseAccess, CaseEvent, CaseSealMember, CaseTeamMember, CaseTransfer
from .holds import access_changed, refresh_team_holds
from .validation import Errors, check_choice, check_country

MIN_REASON = 10


def _holds(actor: Any, case: Case) -> int:
    """The actor's institution must hold the case (registered or leads it) or the actor must be
    on its team: referral receivers and oversight cannot change it."""
    from ..access import scope_for
    from ..holding import holds_case

    if not holds_case(actor, case):
        raise PermissionDenied("case.not_held")
    return scope_for(actor).principal.institution_id or 0


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise ValidationError(
            {field: _("Give the reason in at least %(n)d characters.") % {"n": MIN_REASON}}
        )
    return reason


@transaction.atomic
def case_update(*, actor: Any, case: Case, changes: dict[str, Any], channel: str = "web") -> Case:
    """Change a case's descriptive fields (not its state: that is the NRM's transitions)."""
    from ..codes import Accompaniment, DetectionSource, TraffickingScope

    ensure_can(actor, "case.update", case)
    _holds(actor, case)
    allowed = {
        "detection_source",
        "country_of_exploitation",
        "municipality_of_exploitation",
        "trafficking_scope",
        "accompaniment",
        "story",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in unknown})
    errors = Errors()
    if "detection_source" in changes:
        check_choice(
            errors, "detection_source", changes["detection_source"], DetectionSource.values
        )
    if "country_of_exploitation" in changes:
        check_country(errors, "country_of_exploitation", changes["country_of_exploitation"])
    if "trafficking_scope" in changes:
        check_choice(
            errors, "trafficking_scope", changes["trafficking_scope"], TraffickingScope.values
        )
    if "accompaniment" in changes:
        check_choice(errors, "accompaniment", changes["accompaniment"], Accompaniment.values)
    errors.raise_if_any()
    changed = [name for name, value in changes.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, changes[name])
    if changed:
        case.save(update_fields=changed)
        audit.record(actor, "case.updated", case, fields=changed, channel=channel)
    return case


@transaction.atomic
def team_add(
    *, actor: Any, case: Case, user: Any, institution: Institution, channel: str = "web"
) -> CaseTeamMember:
    """Add a named user (possibly from another institution) to the case team."""
    ensure_can(actor, "case.team.manage", case)
    _holds(actor, case)
    if (
        not user.is_active
        or not user.memberships.filter(institution=institution, institution__active=True).exists()
    ):
        raise ValidationError({"user": _("This user is not an active member of that institution.")})
    existing = CaseTeamMember.objects.filter(
        case=case, user=user, institution=institution, removed_at__isnull=True
    ).first()
    if existing:
        return existing
    member = CaseTeamMember.objects.create(
        case=case, user=user, institution=institution, added_by=actor
    )
    refresh_team_holds([case.pk])
    CaseEvent.objects.create(
        case=case,
        kind="team.added",
        actor=actor,
        institution_id=_holds(actor, case),
    )
    audit.record(actor, "case.team_added", case, ids=[user.pk], channel=channel)
    return member


@transaction.atomic
def team_remove(*, actor: Any, case: Case, member: CaseTeamMember, channel: str = "web") -> None:
    ensure_can(actor, "case.team.manage", case)
    institution_id = _holds(actor, case)
    if member.case_id != case.pk or member.removed_at is not None:
        raise ValidationError({"member": _("This person is not on the team.")})
    if (
        not CaseTeamMember.objects.filter(case=case, removed_at__isnull=True)
        .exclude(pk=member.pk)
        .exists()
    ):
        raise ValidationError({"member": _("A case keeps at least one team member.")})
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.save(update_fields=["removed_at", "removed_by"])
    CaseEvent.objects.create(
        case=case, kind="team.removed", actor=actor, institution_id=institution_id
    )
    audit.record(actor, "case.team_removed", case, ids=[member.user_id], channel=channel)


@transaction.atomic
def case_transfer(
    *, actor: Any, case: Case, to_institution: Institution, reason: str, channel: str = "web"
) -> Case:
    """Hand the lead of a case to another institution (e.g. police → centre for social work)."""
    principal = ensure_can(actor, "case.transfer", case)
    if case.lead_institution_id != principal.institution_id:
        raise PermissionDenied("case.transfer.not_lead")
    reason = _reason(reason)
    if not to_institution.active or to_institution.pk == case.lead_institution_id:
        raise ValidationError({"to_institution": _("Choose another active institution.")})
    if not to_institution.capabilities.exists():
        raise ValidationError(
            {"to_institution": _("This institution does not handle personal data.")}
        )
    previous = case.lead_institution_id
    CaseTransfer.objects.create(
        case=case,
        from_institution_id=previous,
        to_institution=to_institution,
        reason=reason,
        transferred_by=actor,
    )
    now = timezone.now()
    CaseAccess.objects.filter(
        case=case, source=CaseAccess.Source.LEAD, revoked_at__isnull=True
    ).update(revoked_at=now)
    CaseAccess.objects.create(
        case=case,
        institution=to_institution,
        source=CaseAccess.Source.LEAD,
        detection_date=case.detection_date,
    )
    access_changed([case.pk])
    case.lead_institution = to_institution
    case.save(update_fields=["lead_institution"])
    CaseEvent.objects.create(
        case=case, kind="transferred", actor=actor, institution_id=previous, reason=reason
    )
    audit.record(
        actor, "case.transferred", case, ids=[previous, to_institution.pk], channel=channel
    )
    return case


@transaction.atomic
def case_seal(
    *, actor: Any, case: Case, reason: str, named_users: Iterable[Any] = (), channel: str = "web"
) -> Case:
    """Seal a case (e.g. an official is suspected of involvement): from now on only the named
    users see anything of it, oversight included."""
    principal = ensure_can(actor, "case.seal", case)
    if case.lead_institution_id != principal.institution_id:
        raise PermissionDenied("case.seal.not_lead")
    reason = _reason(reason)
    if case.sealed:
        raise ValidationError({"__all__": _("This case is already sealed.")})
    users = {actor.pk: actor, **{u.pk: u for u in named_users}}
    for user in users.values():
        CaseSealMember.objects.get_or_create(case=case, user=user, defaults={"added_by": actor})
    case.sealed, case.sealed_at, case.sealed_by = True, timezone.now(), actor
    case.save(update_fields=["sealed", "sealed_at", "sealed_by"])
    CaseEvent.objects.create(
        case=case,
        kind="sealed",
        actor=actor,
        institution_id=principal.institution_id or 0,
        reason=reason,
    )
    audit.record(actor, "case.sealed", case, ids=sorted(users), flagged=True, channel=channel)
    return case


@transaction.atomic
def case_unseal(*, actor: Any, case: Case, reason: str, channel: str = "web") -> Case:
    principal = ensure_can(actor, "case.seal", case)
    # As for sealing: the lead institution's supervisor, not one of an institution that
    # holds the case by a referral (even if named on the seal).
    if case.lead_institution_id != principal.institution_id:
        raise PermissionDenied("case.unseal.not_lead")
    reason = _reason(reason)
    if not case.sealed:
        raise ValidationError({"__all__": _("This case is not sealed.")})
    case.sealed = False
    case.save(update_fields=["sealed"])
    CaseSealMember.objects.filter(case=case).delete()
    CaseEvent.objects.create(
        case=case,
        kind="unsealed",
        actor=actor,
        institution_id=principal.institution_id or 0,
        reason=reason,
    )
    audit.record(actor, "case.unsealed", case, flagged=True, channel=channel)
    return case
