"""Every page of accounts and institutions declares who may reach it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

APPS = ("accounts", "institutions")


def _patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


PAGES = {
    f"{ns}:{p.name}": p.callback for ns, p in _patterns(get_resolver()) if ns in APPS and p.name
}

EXPECTED = {
    "accounts:login": ("public",),
    "accounts:verify": ("login",),
    "accounts:setup_2fa": ("login",),
    "accounts:logout": ("login",),
    "accounts:switch_institution": ("login",),
    "accounts:profile": ("login",),
    "accounts:token_revoke": ("login",),
    "accounts:recovery_codes": ("login",),
    "accounts:users": ("action", "user.manage", ""),
    "accounts:user_create": ("action", "user.manage", ""),
    "accounts:user_detail": ("action", "user.manage", ""),
    "accounts:user_reset_2fa": ("action", "user.manage", ""),
    "institutions:list": ("action", "institution.list", ""),
    "institutions:create": ("action", "institution.manage", ""),
    "institutions:edit": ("action", "institution.manage", ""),
}


def test_every_page_is_listed_here():
    assert set(PAGES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_declares_the_expected_access(name):
    assert getattr(PAGES[name], "palermo_access", None) == EXPECTED[name]
