"""Role-aware navigation and dashboard panels, contributed by each app's AppConfig.

An app lists ``nav_items`` (url name, label, action) and ``dashboard_panels`` (callables
taking the request and returning a panel or None). Core imports no domain app to build them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse

from .access import principal_of


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    action: str
    order: int = 100
    section: str = ""


@dataclass(frozen=True)
class Panel:
    title: Any
    template: str
    context: dict[str, Any]
    order: int = 100


def nav_for(request: HttpRequest) -> list[dict[str, Any]]:
    principal = principal_of(request.user)
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    visible = []
    for item in sorted(items, key=lambda i: (i.order, str(i.label))):
        if principal.can(item.action, item.section):
            url = reverse(item.url_name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            visible.append({"url": url, "label": item.label, "active": active})
    return visible


def panels_for(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for config in apps.get_app_configs():
        builders: tuple[Callable[[HttpRequest], Panel | None], ...] = getattr(
            config, "dashboard_panels", ()
        )
        for build in builders:
            panel = build(request)
            if panel is not None:
                panels.append(panel)
    return sorted(panels, key=lambda p: p.order)
