"""Sign in with a second factor, switch language, switch institution, see the dashboard."""

from __future__ import annotations

import base64

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from palermo.core.roles import Capability, Role
from palermo.testing.factories import TEST_PASSWORD, InstitutionFactory, member

from .conftest import assert_accessible, screenshot

# serialized_rollback: a live-server test flushes the database after it, which would
# also remove the code lists the migrations load; this restores them for the next test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SECRET_HEX = "3132333435363738393031323334353637383930"


def make_user():
    csw = InstitutionFactory(
        name="Centre for Social Work Prizren", capabilities=(Capability.CHILD_PROTECTION,)
    )
    ngo = InstitutionFactory(name="NGO Shelter Mbrojtja", capabilities=(Capability.SHELTER,))
    user = member(Role.CASE_WORKER, institution=csw, totp=False)
    member(Role.REGISTRAR, institution=ngo, user=user, totp=False)
    TOTPDevice.objects.create(user=user, name="phone", key=SECRET_HEX, confirmed=True)
    return user


def open_menu(page) -> None:
    toggle = page.locator(".navbar-toggler")  # its name is translated
    if toggle.is_visible():
        toggle.focus()
        page.keyboard.press("Enter")
        page.locator("#nav-main.show").wait_for()


def totp_now() -> str:
    return pyotp.TOTP(base64.b32encode(bytes.fromhex(SECRET_HEX)).decode()).now()


def test_sign_in_with_second_factor_switch_language_and_institution(page):
    user = make_user()
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert_accessible(page, "login page")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/accounts/login/verify/**")
    page.get_by_label("Code").fill(totp_now())
    page.get_by_role("button", name="Verify").click()

    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "You are acting as Centre for Social Work Prizren" in page.inner_text("main")
    assert_accessible(page, "dashboard")

    # Switch the language to Albanian, keyboard only (at this width the menu is collapsed
    # behind its toggle button first).
    open_menu(page)
    page.get_by_role("button", name="Language: English").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="shqip").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "sq"
    assert page.get_by_role("heading", name="Paneli").is_visible()

    # Switch institution: act as the NGO shelter.
    open_menu(page)
    page.locator("#institution-menu").click()
    page.get_by_role("button", name="NGO Shelter Mbrojtja").click()
    page.wait_for_load_state()
    assert "NGO Shelter Mbrojtja" in page.inner_text("main")
    assert "Regjistrues" in page.inner_text("main")  # "Registrar", the role held there
    assert_accessible(page, "dashboard in Albanian")
    screenshot(page, "journey-dashboard-sq")


def test_a_wrong_code_keeps_the_user_out(page):
    user = make_user()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/verify/**")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Verify").click()
    assert "That code is not valid" in page.inner_text("main")
    page.goto("/")
    assert "/accounts/login/verify/" in page.url
    screenshot(page, "journey-wrong-code")
