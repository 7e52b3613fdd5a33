"""Core's dashboard panels. Other apps contribute "action needed" items through their
AppConfig's ``action_item_providers``; this panel merges them, overdue first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .access import principal_of
from .models import BreakGlassGrant
from .navigation import Panel
from .roles import Role


@dataclass(frozen=True)
class ActionItem:
    label: Any
    url: str
    due: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


def action_needed(request: HttpRequest) -> Panel:
    items: list[ActionItem] = []
    for config in apps.get_app_configs():
        providers: tuple[Callable[[HttpRequest], list[ActionItem]], ...] = getattr(
            config, "action_item_providers", ()
        )
        for provide in providers:
            items.extend(provide(request))
    far = timezone.now() + timedelta(days=36500)
    items.sort(key=lambda i: (not i.overdue, i.due or far))
    return Panel(_("Action needed"), "core/_panel_action_needed.html", {"items": items}, order=0)


def my_roles(request: HttpRequest) -> Panel:
    principal = principal_of(request.user)
    labels = [Role(r).label for r in Role.values if r in principal.roles]
    return Panel(_("My roles"), "core/_panel_roles.html", {"roles": labels}, order=90)


def audit_links(request: HttpRequest) -> Panel | None:
    principal = principal_of(request.user)
    if not principal.can("audit.read"):
        return None
    unreviewed = BreakGlassGrant.objects.filter(reviewed_at__isnull=True).count()
    links = [
        {"url": reverse("core:audit"), "label": _("Search the audit trail"), "count": None},
        {
            "url": reverse("core:break_glass"),
            "label": _("Break-glass access to review"),
            "count": unreviewed,
        },
        {
            "url": reverse("core:audit") + "?flagged_only=on",
            "label": _("Flagged entries"),
            "count": None,
        },
    ]
    return Panel(_("Audit"), "core/_panel_links.html", {"links": links}, order=10)


def admin_links(request: HttpRequest) -> Panel | None:
    principal = principal_of(request.user)
    if not principal.can("codelist.manage"):
        return None
    links = [{"url": reverse("core:code_lists"), "label": _("Code lists"), "count": None}]
    return Panel(_("Administration"), "core/_panel_links.html", {"links": links}, order=20)
