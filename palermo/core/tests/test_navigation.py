"""The menu's order and links are kept per language and URLconf, and forgotten when those
settings change (tests that override them get their own menu)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from palermo.core import navigation


@pytest.mark.nodb
def test_the_menus_links_are_kept_and_forgotten_when_the_urlconf_changes(settings):
    url = navigation._url("core:dashboard", "/", None)
    assert url == reverse("core:dashboard")
    assert navigation._url.cache_info().currsize >= 1
    navigation._nav_items("en")
    settings.ROOT_URLCONF = settings.ROOT_URLCONF  # announces a change, as override_settings
    assert navigation._url.cache_info().currsize == 0
    assert navigation._nav_items.cache_info().currsize == 0
