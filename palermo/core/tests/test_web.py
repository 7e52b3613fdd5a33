"""Helpers of the web layer."""

from __future__ import annotations

import uuid

import pytest
from django.urls import NoReverseMatch, reverse

from palermo.core.web import reverser


def test_reverser_gives_what_reverse_gives_for_each_record():
    url = reverser("registry:case")
    for pk in (uuid.uuid4(), uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)):
        assert url(pk) == reverse("registry:case", args=[pk])


def test_reverser_refuses_a_view_that_takes_no_uuid():
    with pytest.raises(NoReverseMatch):
        reverser("registry:persons")
