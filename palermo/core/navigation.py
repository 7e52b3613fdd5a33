"""Role-aware navigation and dashboard panels, contributed by each app's AppConfig.

An app lists ``nav_items`` (url name, label, action) and ``dashboard_panels`` (callables
taking the request and returning a panel or None). Core imports no domain app to build them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

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
    visible = []
    for item in _nav_items(get_language()):
        if principal.can(item.action, item.section):
            url = path_of(item.url_name)
            active = request.path == url or (url != "/" and request.path.startswith(url))
            visible.append({"url": url, "label": item.label, "active": active})
    return visible


@lru_cache(maxsize=32)
def _nav_items(language: str | None) -> tuple[NavItem, ...]:
    """Every app's items in menu order (labels sort in the active language), once a
    language: the menu is on every page."""
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        items.extend(getattr(config, "nav_items", ()))
    return tuple(sorted(items, key=lambda i: (i.order, str(i.label))))


@receiver(setting_changed)
def _forget_menu(*, setting: str, **kwargs: Any) -> None:
    """Tests that override the URLconf or the apps get the menu of theirs."""
    if setting in ("ROOT_URLCONF", "INSTALLED_APPS", "LANGUAGES"):
        _nav_items.cache_clear()
        _url.cache_clear()


def path_of(url_name: str) -> str:
    """``reverse(url_name)`` of a view without arguments (the menu's links, on every page),
    resolved once per process, script prefix and URLconf."""
    return _url(url_name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=256)
def _url(url_name: str, prefix: str, urlconf: str | None) -> str:
    """``reverse(url_name)``, once per script prefix and URLconf (``prefix`` is part of the
    key only: ``reverse`` reads it itself)."""
    return reverse(url_name, urlconf=urlconf)


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
