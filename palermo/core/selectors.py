"""Reads owned by core: the audit trail and break-glass grants, for the auditor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from . import sql
from .access import principal_of
from .models import AuditEntry, BreakGlassGrant, Notification


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    institution_id: int | None = None
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    date_from: date | None = None
    date_to: date | None = None
    flagged_only: bool = False


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def about_records(record_ids: Iterable[str]) -> Q:
    """Entries whose object is one of ``record_ids`` or that list one of them among their
    ids (a read entry lists every id it showed)."""
    about = Q()
    for record_id in record_ids:
        about |= Q(object_id=record_id) | Q(ids__icontains=f'"{record_id}"')
    return about


def audit_entries_for(filters: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries matching the auditor's filters, newest first."""
    qs = AuditEntry.objects.all()
    if filters.username:
        user_ids = get_user_model().objects.filter(username__iexact=filters.username.strip())
        qs = qs.filter(actor_id__in=user_ids.values("pk"))
    if filters.institution_id:
        qs = qs.filter(institution_id=filters.institution_id)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type.strip())
    if filters.object_id:
        qs = qs.filter(about_records([filters.object_id.strip()]))
    if filters.action:
        qs = qs.filter(action__startswith=filters.action.strip())
    if filters.date_from:
        qs = qs.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(created_at__lt=_day_start(filters.date_to) + timedelta(days=1))
    if filters.flagged_only:
        qs = qs.filter(flagged=True)
    return qs.order_by("-seq")


def audit_page(qs: QuerySet[AuditEntry], *, before: int | None, size: int = 50) -> list[AuditEntry]:
    """Keyset pagination on ``seq``: cheap at any depth of a large trail."""
    if before:
        qs = qs.filter(seq__lt=before)
    return list(qs[: size + 1])


def label_entries(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    """Entries with actor usernames and institution names, in two queries (no N+1)."""
    from django.apps import apps

    users = dict(
        get_user_model()
        .objects.filter(pk__in={e.actor_id for e in entries if e.actor_id})
        .values_list("pk", "username")
    )
    institution_model = apps.get_model("institutions", "Institution")
    institutions = dict(
        institution_model.objects.filter(
            pk__in={e.institution_id for e in entries if e.institution_id}
        ).values_list("pk", "name")
    )
    return [
        {
            "entry": e,
            "username": users.get(e.actor_id, f"#{e.actor_id}") if e.actor_id else "—",
            "institution": institutions.get(e.institution_id, "") if e.institution_id else "",
        }
        for e in entries
    ]


def break_glass_grants_for_review() -> QuerySet[BreakGlassGrant]:
    return BreakGlassGrant.objects.select_related("user", "reviewed_by").order_by(
        "reviewed_at", "-created_at"
    )


def active_break_glass_ids(user: Any, target_type: str) -> list[str]:
    """Ids of records of ``target_type`` the user holds an unexpired, unrevoked grant for,
    granted while acting for the institution they act for now: the role that allowed the
    grant counts there only, so switching institution does not carry it. Plain SQL
    (``core.sql``): every list request asks, and the queryset cost 0.4 ms of building for a
    statement the grants' index answers in 0.05 ms."""
    statement, params = active_break_glass_sql(user, target_type)
    return [target_id for (target_id,) in sql.rows(statement, params)]


def active_break_glass_sql(user: Any, target_type: str) -> tuple[str, list[Any]]:
    """The statement ``active_break_glass_ids`` runs (one column, the target's id as text)
    and its parameters, for a caller that asks it with statements of its own in one round
    trip (``registry.access.Scope``)."""
    g = BreakGlassGrant
    statement = (
        f"SELECT {sql.column(g, 'target_id')} FROM {sql.table(g)}"  # noqa: S608
        f" WHERE {sql.column(g, 'user')} = %s AND {sql.column(g, 'target_type')} = %s"
        f" AND {sql.column(g, 'institution_id')} = %s"
        f" AND {sql.column(g, 'expires_at')} > %s AND {sql.column(g, 'revoked_at')} IS NULL"
    )
    params = [
        getattr(user, "pk", None) or 0,
        target_type,
        principal_of(user).institution_id or 0,
        sql.when(timezone.now()),
    ]
    return statement, params


def unread_notifications(user: Any) -> int:
    """How many of the user's notifications are unread (the menu's badge, on every page).
    Plain SQL (``core.sql``): 0.4 ms as a queryset, 0.05 ms as the statement."""
    n = Notification
    statement = (
        f"SELECT COUNT(*) FROM {sql.table(n)}"  # noqa: S608
        f" WHERE {sql.column(n, 'user')} = %s AND {sql.column(n, 'read_at')} IS NULL"
    )
    return int(sql.rows(statement, [getattr(user, "pk", None) or 0])[0][0])
