from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from palermo.core.access import principal_of
from palermo.core.navigation import nav_for
from palermo.core.selectors import unread_notifications


def principal(request: HttpRequest) -> dict[str, Any]:
    """The active institution, the user's other institutions and the role-aware menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    verified = user.is_verified() or not user.needs_second_factor()
    if not verified:
        return {"principal_ready": False}
    p = principal_of(user)
    institutions = user.member_institutions
    active = next((i for i in institutions if i.pk == p.institution_id), None)
    return {
        "unread_notifications": unread_notifications(user),
        "principal_ready": True,
        "active_institution": active,
        "user_institutions": institutions,
        "nav_items": nav_for(request),
    }
