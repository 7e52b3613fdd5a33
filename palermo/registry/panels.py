"""The registry's contributions to the dashboard."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from palermo.core.access import principal_of
from palermo.core.navigation import Panel
from palermo.core.panels import ActionItem

from .models import DuplicateAlert


def registry_links(request: HttpRequest) -> Panel | None:
    principal = principal_of(request.user)
    links = []
    if principal.can("person.search"):
        links.append(
            {
                "url": reverse("registry:search"),
                "label": _("Search before registering a person"),
                "count": None,
            }
        )
    if principal.can("person.read", "metadata"):
        links.append({"url": reverse("registry:cases"), "label": _("Cases"), "count": None})
    if principal.can("person.break_glass"):
        links.append(
            {
                "url": reverse("registry:break_glass"),
                "label": _("Emergency access (break-glass)"),
                "count": None,
            }
        )
    if not links:
        return None
    return Panel(_("Registry"), "core/_panel_links.html", {"links": links}, order=5)


def duplicate_items(request: HttpRequest) -> list[ActionItem]:
    if not principal_of(request.user).can("duplicate.review"):
        return []
    open_count = DuplicateAlert.objects.filter(status=DuplicateAlert.Status.OPEN).count()
    if not open_count:
        return []
    return [
        ActionItem(
            label=_("%(n)d possible duplicates across institutions to review") % {"n": open_count},
            url=reverse("registry:duplicates"),
        )
    ]
