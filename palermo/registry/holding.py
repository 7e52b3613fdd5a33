"""Holding a case: the user's institution registered it or leads it, or the user is on its
team. Only holders change a case or read its free-text history; referral receivers,
centres for social work notified of a child and the coordinator's oversight read only."""

from __future__ import annotations

from typing import Any

from .access import scope_for
from .models import Case, CaseAccess


def holds_case(user: Any, case: Case) -> bool:
    scope = scope_for(user)
    if case.pk in scope.team_case_ids:
        return True
    return CaseAccess.objects.filter(
        case=case,
        institution_id=scope.principal.institution_id or 0,
        revoked_at__isnull=True,
        source__in=[CaseAccess.Source.REGISTERED, CaseAccess.Source.LEAD],
    ).exists()
