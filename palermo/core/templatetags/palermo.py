"""Template tags shared by every app."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info

from palermo.core.context_processors import instance
from palermo.core.navigation import path_of

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


@register.simple_tag
def language_buttons(current: str) -> SafeString:
    """``{% language_buttons LANGUAGE_CODE %}``: the language menu's buttons, each language
    named in itself and the page's own marked current. The same on every page of a language,
    so built once per process and language (through the template engine, the seven
    languages' names and links cost a tenth of a list page)."""
    return _language_buttons(current, tuple(code for code, _name in settings.LANGUAGES))


@lru_cache(maxsize=32)
def _language_buttons(current: str, codes: tuple[str, ...]) -> SafeString:
    return format_html_join(
        "\n",
        '<button class="dropdown-item{}" type="submit" name="language" value="{}" lang="{}"{}>'
        "{}</button>",
        (
            (
                " active" if code == current else "",
                code,
                code,
                mark_safe(' aria-current="true"') if code == current else "",
                get_language_info(code)["name_local"],
            )
            for code in codes
        ),
    )


@register.simple_tag
def asset(name: str) -> str:
    """``{% static name %}`` for the files every page links (style sheets, scripts): the URL
    asked of the storage once per process, not seven times a page."""
    return _asset(name, settings.STATIC_URL)


@lru_cache(maxsize=64)
def _asset(name: str, static_url: str) -> str:
    return static(name)


@register.simple_tag
def link(viewname: str) -> str:
    """``{% url viewname %}`` of a view without arguments, for the links of every page's
    menu: reversed once per process (``navigation.path_of``)."""
    return path_of(viewname)


@register.tag("fixed")
def do_fixed(parser: template.base.Parser, token: template.base.Token) -> FixedNode:
    """``{% fixed %}…{% endfixed %}``: a part of every page that is the same for everyone
    reading it in one language (links to the style sheets and scripts, the footer, a
    table's headings). Rendered once per process and language, with a context holding
    nothing but ``instance``: a variable about the request or the user inside it renders
    empty, never someone else's value."""
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)


class FixedNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[str, ...], SafeString] = {}

    def render(self, context: template.Context) -> SafeString:
        settled = instance(None)  # type: ignore[arg-type]  # settings only, no request
        key = (
            get_language() or "",
            repr(settled),
            settings.STATIC_URL or "",
            settings.ROOT_URLCONF,
            get_urlconf() or "",
            get_script_prefix(),
        )
        html = self.rendered.get(key)
        if html is None:
            fixed = template.Context(
                settled, autoescape=context.autoescape, use_l10n=context.use_l10n
            )
            if context.template is not None:  # always, inside a template's rendering
                fixed.template = context.template
            html = self.rendered[key] = mark_safe(self.nodelist.render(fixed))  # noqa: S308 - rendered by the engine, escaped there
        return html
