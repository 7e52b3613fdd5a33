"""Which team members see a case through the team alone (``CaseTeamMember.beyond_hold``).

Every write that grants or revokes an institution's access to a case, or adds a member to a
team, calls ``refresh_team_holds`` for the cases it touched, in its transaction. A flag left
False where it should be True would hide a case from its team member (never show one too
many): the tests check it after each such write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef

from ..models import CaseAccess, CaseTeamMember


def refresh_team_holds(case_ids: Iterable[Any] | None = None) -> int:
    """Recompute the flag of the live team rows of ``case_ids`` (of every case with None, as
    the migration and the benchmark's generator do); returns how many rows changed."""
    rows = CaseTeamMember.objects.filter(removed_at__isnull=True)
    if case_ids is not None:
        rows = rows.filter(case_id__in=list(case_ids))
    held = CaseAccess.objects.filter(
        case_id=OuterRef("case_id"),
        institution_id=OuterRef("institution_id"),
        revoked_at__isnull=True,
    )
    # Only the rows whose flag is wrong are written.
    changed = rows.filter(beyond_hold=True).filter(Exists(held)).update(beyond_hold=False)
    changed += rows.filter(beyond_hold=False).exclude(Exists(held)).update(beyond_hold=True)
    return changed
