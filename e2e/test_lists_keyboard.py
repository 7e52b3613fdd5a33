"""The case and person lists with the keyboard alone: filter, sort and page, then open a
record — and both pages pass the accessibility rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.registry.tests.factories import register, registrar

from .conftest import assert_accessible, screenshot, sign_in, with_totp

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus (as a keyboard user reaches it)."""
    for _ in range(limit):
        if locator.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{locator} is not reachable with Tab")


def test_the_lists_are_filtered_sorted_and_paged_with_the_keyboard(page):
    user = with_totp(registrar())
    today = timezone.localdate()
    for n in range(53):  # one more page than the 50 a page shows
        register(user, "Arta", f"Gashi{n:02d}", detection=today - timedelta(days=n + 1))
    child = register(user, "Besa", "Morina", child=True, kind="protection")
    sign_in(page, user)

    page.goto("/registry/cases/")
    assert page.locator("#case-rows tr").count() == 50
    assert_accessible(page, "case list")
    _tab_to(page, page.get_by_label("Kind:", exact=True))
    page.keyboard.press("ArrowDown")  # the first kind after "All"
    kind = page.get_by_label("Kind:", exact=True).input_value()
    _tab_to(page, page.get_by_role("button", name="Apply"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/registry/cases/?*kind={kind}*")
    rows = page.locator("#case-rows tr")
    wanted = 53 if kind == "nrm" else 1
    assert rows.count() == min(wanted, 50)
    if kind == "protection":
        assert child.reference in rows.first.inner_text()

    page.goto("/registry/cases/")
    _tab_to(page, page.get_by_role("link", name="Next"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/registry/cases/?*after=*")
    assert page.locator("#case-rows tr").count() == 4  # 54 cases: 50, then 4
    first = page.locator("#case-rows tr a").first
    reference = first.inner_text()
    _tab_to(page, first)
    page.keyboard.press("Enter")
    page.wait_for_url("**/registry/cases/*-*/")
    assert reference in page.content()

    page.goto("/registry/persons/")
    assert_accessible(page, "person list")
    _tab_to(page, page.get_by_label("Children:", exact=True))
    page.keyboard.press("ArrowDown")  # "Children only"
    assert page.get_by_label("Children:", exact=True).input_value() == "yes"
    _tab_to(page, page.get_by_role("button", name="Apply"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/registry/persons/?*child=yes*")
    assert page.locator("tbody tr").count() == 1
    assert "Besa Morina" in page.locator("tbody tr").first.inner_text()
    screenshot(page, "registry-lists-person-children")
