"""Registrar registers a presumed victim → case worker refers to a shelter → the shelter
accepts and sees only the shared sections → the identifying authority starts the reflection
period and identifies → dashboards show and clear the deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from palermo.core.roles import Capability, Role
from palermo.testing.factories import InstitutionFactory, institution_type, member

from .conftest import assert_accessible, screenshot, sign_in, with_totp

# serialized_rollback: a live-server test flushes the database after it, which would
# also remove the code lists the migrations load; this restores them for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
STORY = "Recruited through a false job offer in a bar."


def test_from_registration_to_identification(page):
    csw = InstitutionFactory(
        name="CSW Prizren",
        type=institution_type("social_work_centre"),
        capabilities=(Capability.CHILD_PROTECTION, Capability.SERVICE_PROVIDER),
        municipality="Prizren",
    )
    shelter = InstitutionFactory(
        name="State Shelter",
        type=institution_type("shelter"),
        capabilities=(Capability.SHELTER, Capability.SERVICE_PROVIDER),
    )
    police = InstitutionFactory(
        name="Police THB",
        type=institution_type("police"),
        capabilities=(Capability.LAW_ENFORCEMENT, Capability.IDENTIFYING_AUTHORITY),
    )
    worker = with_totp(member((Role.REGISTRAR, Role.CASE_WORKER), institution=csw, totp=False))
    shelter_sup = with_totp(member(Role.SUPERVISOR, institution=shelter, totp=False))
    police_sup = with_totp(member(Role.SUPERVISOR, institution=police, totp=False))

    # The registrar registers a presumed victim (after searching).
    sign_in(page, worker)
    page.goto("/registry/search/")
    page.get_by_label("First name").fill("Teuta")
    page.get_by_label("Last name").fill("Hasani")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Register a new person").click()
    page.get_by_label("Sex:", exact=True).select_option("female")
    page.get_by_label("Citizenship:", exact=True).select_option("XK")
    page.get_by_label("or year of birth:", exact=True).fill("1999")
    page.get_by_label("Date of detection:", exact=True).fill(
        (timezone.localdate() - timedelta(days=1)).isoformat()
    )
    page.get_by_label("Detected through:", exact=True).select_option("hotline")
    page.get_by_role("checkbox", name="Little or no pay").check()
    page.get_by_label("Account of the exploitation:", exact=True).fill(STORY)
    page.get_by_role("button", name="Register", exact=True).click()
    page.get_by_text("Registered. Case").wait_for()
    case_url = page.url

    # Consent to share, then "presumed victim" (T2): the referral deadline appears.
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Purpose:", exact=True).select_option("data_sharing")
    page.get_by_label("Language of the conversation:", exact=True).fill("Albanian")
    for section in ("Identity", "Contact", "Location", "Exploitation story"):
        page.get_by_role("group", name="Parts of the record that may be shared").get_by_label(
            section, exact=True
        ).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="T2 · Presumed victim").click()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Referral to the identifying authority due").wait_for()
    page.goto("/")
    assert "to the identifying authority" in page.inner_text("main")
    screenshot(page, "nrm-1-dashboard-referral-due")

    # Refer to the shelter, sharing identity and location but not the story.
    page.goto(case_url)
    page.get_by_role("link", name="Refer to another institution").click()
    page.get_by_label("Refer to:", exact=True).select_option(label="State Shelter")
    page.get_by_label("Service:", exact=True).select_option("shelter")
    group = page.get_by_role("group", name="Share these parts of the record")
    group.get_by_label("Identity", exact=True).check()
    group.get_by_label("Location", exact=True).check()
    assert_accessible(page, "referral form")
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_text("The referral was sent.").wait_for()

    # The shelter sees the answer due, accepts, and reads only what was shared.
    sign_in(page, shelter_sup)
    assert "Answer the referral of case" in page.inner_text("main")
    page.get_by_role("link", name="Answer the referral of case").click()
    page.get_by_role("button", name="Accept").click()
    page.get_by_text("The referral was updated.").wait_for()
    page.goto("/")
    assert "Answer the referral of case" not in page.inner_text("main")
    page.goto(case_url)
    main = page.inner_text("main")
    assert "Teuta Hasani" in main
    assert STORY not in main
    screenshot(page, "nrm-2-shelter-sees-shared-sections")

    # The case worker refers to the identifying authority and marks it (T3).
    sign_in(page, worker)
    page.goto(case_url)
    page.get_by_role("link", name="Refer to another institution").click()
    page.get_by_label("Refer to:", exact=True).select_option(label="Police THB")
    page.get_by_label("Service:", exact=True).select_option("identification")
    group = page.get_by_role("group", name="Share these parts of the record")
    group.get_by_label("Identity", exact=True).check()
    group.get_by_label("Exploitation story", exact=True).check()
    page.get_by_role("button", name="Send the referral").click()
    page.goto(case_url)
    page.get_by_role("link", name="T3 · Referred to the identifying authority").click()
    page.get_by_role("button", name="Confirm").click()
    page.goto("/")
    assert "to the identifying authority" not in page.inner_text("main")

    # The identifying authority accepts, starts the reflection period (T4), identifies (T5).
    sign_in(page, police_sup)
    page.get_by_role("link", name="Answer the referral of case").click()
    page.get_by_role("button", name="Accept").click()
    page.goto(case_url)
    assert STORY in page.inner_text("main")
    page.get_by_role("link", name="T4 · Start the recovery and reflection period").click()
    today = timezone.localdate()
    page.get_by_label("End of the period:", exact=True).fill(
        (today + timedelta(days=10)).isoformat()
    )
    page.get_by_role("button", name="Confirm").click()
    assert "at least 30 days" in page.inner_text("main")  # refused, with the reason on the field
    page.get_by_label("End of the period:", exact=True).fill(
        (today + timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Confirm").click()
    page.goto("/")
    assert "Reflection period of case" in page.inner_text("main")
    screenshot(page, "nrm-3-police-dashboard-reflection")
    page.goto(case_url)
    page.get_by_role("link", name="T5 · Identified as a victim").click()
    page.get_by_label("Decision-making body:", exact=True).fill("THB identification panel")
    page.get_by_label("Grounds:", exact=True).fill("Indicators of labour exploitation confirmed.")
    assert_accessible(page, "identification decision")
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("State: Identified").wait_for()
    page.goto("/")
    assert "Reflection period of case" not in page.inner_text("main")
    screenshot(page, "nrm-4-cleared")
