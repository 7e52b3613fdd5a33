"""Shared template tags: what every page renders once per process and language."""

from __future__ import annotations

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.nodb

FIXED = (
    '{% load i18n palermo %}{% fixed %}<p>{% translate "Log out" %} {{ instance.name }}'
    " [{{ user.username }}] [{{ secret }}] [{% csrf_token %}]</p>{% endfixed %}"
)


def render(language: str, **context):
    template = engines["django"].from_string(FIXED)
    with translation.override(language):
        return template.render(context, RequestFactory().get("/"))


def test_a_fixed_part_holds_nothing_of_the_request_or_the_user(settings):
    settings.PALERMO_INSTANCE_NAME = "Palermo"
    html = render("en", secret="for this user only")
    assert html == "<p>Log out Palermo [] [] []</p>"


def test_a_fixed_part_is_rendered_once_per_language():
    template = engines["django"].from_string(FIXED)
    request = RequestFactory().get("/")
    with translation.override("en"):
        first = template.render({}, request)
        assert template.render({"secret": "later"}, request) == first
    with translation.override("sq"):
        albanian = template.render({}, request)
    assert "Log out" in first
    assert "Log out" not in albanian
    assert "Dil" in albanian  # "Log out" in Albanian


def test_the_language_buttons_mark_the_current_one_and_name_each_in_itself():
    template = engines["django"].from_string("{% load palermo %}{% language_buttons 'sq' %}")
    html = template.render({})
    assert (
        '<button class="dropdown-item active" type="submit" name="language" value="sq"'
        ' lang="sq" aria-current="true">shqip</button>'
    ) in html
    assert (
        'class="dropdown-item" type="submit" name="language" value="en" lang="en">English' in html
    )
