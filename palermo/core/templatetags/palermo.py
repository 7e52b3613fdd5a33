"""Template tags shared by every app."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context: dict[str, Any], kind: str, obj: Any) -> SafeString:
    """Panels other apps add to a record's page (e.g. the NRM panel on a case), without the
    record's app importing them: each AppConfig lists ``object_panels = {kind: (builder,)}``;
    a builder returns ``(template, context)`` or None."""
    request = context["request"]
    parts = []
    for config in apps.get_app_configs():
        for build in getattr(config, "object_panels", {}).get(kind, ()):
            built = build(request, obj)
            if built is not None:
                name, extra = built
                parts.append(render_to_string(name, {**extra, "obj": obj}, request=request))
    return mark_safe("".join(parts))  # noqa: S308 — rendered by our own templates (autoescaped)
