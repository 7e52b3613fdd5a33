"""Who sees which institutions. The directory is not sensitive: every signed-in user with a
role sees the active institutions (they need it to refer); admins also see inactive ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from palermo.core.access import principal_of, register_scope

from .models import Institution


def visible_institutions(user: Any) -> QuerySet[Institution]:
    principal = principal_of(user)
    if not principal.can("institution.list"):
        return Institution.objects.none()
    qs = Institution.objects.all()
    if not principal.can("institution.manage"):
        qs = qs.filter(active=True)
    return qs


def _in_scope(user: Any, institution: Institution) -> bool:
    return visible_institutions(user).filter(pk=institution.pk).exists()


register_scope(Institution, _in_scope)
