"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

One browser per test session; each test gets a fresh context (cookies) and page. The live
server runs in a thread of this process, so Django's async guard is relaxed for these
tests only (Playwright's sync API runs an event loop).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PALERMO_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PALERMO_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"JavaScript or CSP errors in the page: {errors}"


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_accessible(page: Any, label: str) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA rules: no violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
            }
        },
    )
    violations = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]
    assert violations == [], f"{label}: {violations}"


SECRET_HEX = "3132333435363738393031323334353637383930"


def with_totp(user: Any) -> Any:
    """Give ``user`` an authenticator with a known secret (the browser types its codes)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="phone", key=SECRET_HEX, confirmed=True)
    return user


def sign_in(page: Any, user: Any) -> None:
    """Username, password, then the current TOTP code — as a person would."""
    import base64

    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from palermo.testing.factories import TEST_PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/login/verify/**")
    # TOTP codes may be used once: wait for a fresh one if this user signed in this window.
    device = TOTPDevice.objects.get(user=user)
    totp = pyotp.TOTP(base64.b32encode(bytes.fromhex(device.key)).decode())
    code = totp.now()
    if device.last_t is not None and device.last_t >= totp.timecode(
        __import__("datetime").datetime.now()
    ):
        import time

        time.sleep(31 - int(time.time()) % 30)
        code = totp.now()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
