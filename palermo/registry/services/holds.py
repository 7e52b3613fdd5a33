"""What is derived from who holds a case: which team members see it through the team alone
(``CaseTeamMember.beyond_hold``) and which pairs of institutions share it (``CaseShare``).

Every write that grants or revokes an institution's access to a case calls
``access_changed`` for the cases it touched, in its transaction; adding a member to a team
calls ``refresh_team_holds``. A flag left False where it should be True would hide a case
from its team member, a missing share row would hide it from the institution filter (never
show one too many: both are read only beside the scope's own condition): the tests check
both after each such write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef

from palermo.core import sql

from ..models import CaseAccess, CaseShare, CaseTeamMember


def access_changed(case_ids: Iterable[Any]) -> None:
    """After access to ``case_ids`` was granted or revoked: their team flags and shares."""
    case_ids = list(case_ids)
    refresh_team_holds(case_ids)
    refresh_shares(case_ids)


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


def refresh_shares(case_ids: Iterable[Any] | None = None) -> int:
    """Rewrite the ``CaseShare`` rows of ``case_ids`` (of every case with None, as the
    migration and the benchmark's generator do) from their live access rows: one per pair of
    institutions that both hold the case. Returns how many rows the cases have now. Plain
    SQL (``core.sql``): one ``INSERT … SELECT``, however many cases."""
    s, a = CaseShare, CaseAccess
    rows = CaseShare.objects.all()
    among, values = "", list[Any]()
    if case_ids is not None:
        ids = list(case_ids)
        if not ids:
            return 0
        rows = rows.filter(case_id__in=ids)
        among, values = sql.among(f"x.{sql.column(a, 'case')}", sql.uuids(ids), "uuid")
        among = f" AND {among}"
    rows.delete()
    case, institution = sql.column(a, "case"), sql.column(a, "institution")
    revoked, detected = sql.column(a, "revoked_at"), sql.column(a, "detection_date")
    columns = ", ".join(
        sql.column(s, f) for f in ("case", "institution", "other", "detection_date")
    )
    # A holder may hold a case by two rows (it registered and leads it): one share a pair.
    return sql.rows_affected(
        f"INSERT INTO {sql.table(s)} ({columns})"  # noqa: S608
        f" SELECT x.{case}, x.{institution}, y.{institution}, MIN(x.{detected})"
        f" FROM {sql.table(a)} x JOIN {sql.table(a)} y"
        f" ON y.{case} = x.{case} AND y.{institution} > x.{institution}"
        f" WHERE x.{revoked} IS NULL AND y.{revoked} IS NULL{among}"
        f" GROUP BY x.{case}, x.{institution}, y.{institution}",
        values,
    )
