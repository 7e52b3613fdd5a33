"""Which referrals a user sees: those sent by or to their active institution (the receiving
institution sees the referral's metadata before accepting; the case's content only through
the shared sections once accepted). Sealed cases: named users only."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from palermo.core.access import principal_of, register_scope

from .models import Referral


def visible_referrals(user: Any) -> QuerySet[Referral]:
    principal = principal_of(user)
    if not principal.can("referral.list"):
        return Referral.objects.none()
    mine = Q(from_institution_id=principal.institution_id) | Q(
        to_institution_id=principal.institution_id
    )
    unsealed = Q(case__sealed=False) | Q(case__seal_members__user_id=principal.user_id)
    return Referral.objects.filter(mine).filter(unsealed).distinct()


def _in_scope(user: Any, referral: Referral) -> bool:
    return visible_referrals(user).filter(pk=referral.pk).exists()


register_scope(Referral, _in_scope)
