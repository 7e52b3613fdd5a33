from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from palermo.core.access import principal_of
from palermo.core.navigation import nav_for
from palermo.core.selectors import unread_notifications


def principal(request: HttpRequest) -> dict[str, Any]:
    """The active institution, the user's other institutions and the role-aware menu. The
    menu and the unread count are worked out only if the template shows them (the layout
    does; a fragment htmx swaps in, such as search's results, does not: one query less)."""
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
        "unread_notifications": SimpleLazyObject(partial(unread_notifications, user)),
        "principal_ready": True,
        "active_institution": active,
        "user_institutions": institutions,
        "nav_items": SimpleLazyObject(partial(nav_for, request)),
    }
