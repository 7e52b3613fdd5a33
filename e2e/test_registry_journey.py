"""A registrar registers a presumed victim with a Cyrillic name; another institution's
registrar searching the Latin spelling sees no match; the coordinator gets the item."""

from __future__ import annotations

import pytest

from palermo.core.roles import Capability, Role
from palermo.testing.factories import InstitutionFactory, institution_type, member

from .conftest import assert_accessible, screenshot, sign_in, with_totp

# serialized_rollback: a live-server test flushes the database after it, which would
# also remove the code lists the migrations load; this restores them for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_search_register_and_the_duplicate_reaches_the_coordinator(page):
    ngo = InstitutionFactory(
        name="NGO Shelter Mbrojtja",
        type=institution_type("ngo"),
        capabilities=(Capability.SHELTER,),
    )
    police = InstitutionFactory(
        name="Police THB Prizren",
        type=institution_type("police"),
        capabilities=(Capability.LAW_ENFORCEMENT,),
    )
    office = InstitutionFactory(
        name="National Coordinator",
        type=institution_type("national_coordinator"),
        capabilities=(Capability.COORDINATION,),
    )
    first = with_totp(member((Role.REGISTRAR, Role.CASE_WORKER), institution=ngo, totp=False))
    second = with_totp(member(Role.REGISTRAR, institution=police, totp=False))
    coordinator = with_totp(member(Role.COORDINATOR, institution=office, totp=False))

    # 1. The NGO's registrar searches, finds nothing, registers a Cyrillic name.
    sign_in(page, first)
    page.get_by_role("link", name="Search before registering a person").click()
    page.get_by_label("First name").fill("Милица")
    page.get_by_label("Last name").fill("Јовановић")
    page.get_by_label("or year of birth").fill("1996")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No likely match in your records.").wait_for()
    assert "Милица" not in page.url
    assert "%D0" not in page.url
    assert_accessible(page, "search results")
    screenshot(page, "registry-1-search-nothing")
    page.get_by_role("button", name="Register a new person").click()
    page.wait_for_url("**/registry/register/")
    assert page.get_by_label("Last name:", exact=True).input_value() == "Јовановић"
    page.get_by_label("Sex:", exact=True).select_option("female")
    page.get_by_label("Citizenship:", exact=True).select_option("RS")
    page.get_by_label("Date of detection:", exact=True).fill("2026-10-02")
    page.get_by_label("Detected through:", exact=True).select_option("ngo_outreach")
    page.get_by_role("group", name="Exploitation 1").get_by_label(
        "Form of exploitation:", exact=True
    ).select_option("sexual")
    assert_accessible(page, "registration form")
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_text("Registered. Case").wait_for()
    assert "Милица Јовановић" in page.inner_text("main")
    assert_accessible(page, "case page")
    screenshot(page, "registry-2-case")

    # 2. The police registrar searches the Latin spelling: nothing, and no hint.
    sign_in(page, second)
    page.goto("/registry/search/")
    page.get_by_label("First name").fill("Milica")
    page.get_by_label("Last name").fill("Jovanovic")
    page.get_by_label("or year of birth").fill("1996")
    page.get_by_role("button", name="Search").click()
    page.get_by_text("No likely match in your records.").wait_for()
    assert "Јовановић" not in page.content()
    screenshot(page, "registry-3-other-institution-sees-nothing")

    # 3. The coordinator's dashboard has the possible-duplicate item.
    sign_in(page, coordinator)
    page.get_by_text("possible duplicates across institutions to review").click()
    page.wait_for_url("**/registry/duplicates/")
    row = page.locator("tbody tr").first
    assert "Police THB Prizren" in row.inner_text()
    assert "NGO Shelter Mbrojtja" in row.inner_text()
    assert "Јовановић" not in page.content()
    assert "Jovanovic" not in page.content()
    assert_accessible(page, "duplicates")
    screenshot(page, "registry-4-coordinator-duplicates")
