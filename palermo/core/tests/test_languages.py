"""Every language Palermo ships is offered, and its catalogue is what a page shows."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

pytestmark = pytest.mark.django_db
SHIPPED = [code for code in settings.ALL_LANGUAGES if code != "en"]


def test_an_instance_offers_every_shipped_language_unless_it_chooses():
    assert [code for code, _name in settings.LANGUAGES] == ["en", *SHIPPED]
    assert set(SHIPPED) == {"sq", "sr-latn", "sr", "mk", "az", "fr"}


@pytest.mark.parametrize("code", SHIPPED)
def test_the_sign_in_page_is_in_the_language_asked_for(client, code):
    try:
        html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=code).content.decode()
        with translation.override(code):
            password, sign_in = gettext("Password"), gettext("Skip to main content")
    finally:
        translation.activate("en")
    assert f'<html lang="{code}"' in html
    assert password != "Password"
    assert password in html
    assert sign_in != "Skip to main content"
    assert sign_in in html


def test_serbian_comes_in_both_scripts():
    with translation.override("sr"):
        cyrillic = gettext("Cases")
    with translation.override("sr-latn"):
        latin = gettext("Cases")
    assert cyrillic
    assert all(_cyrillic(ch) for ch in cyrillic if ch.isalpha())
    assert latin
    assert not any(_cyrillic(ch) for ch in latin)


def _cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"
