"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server.

Run on their own: `pytest -m browser`. Playwright's sync API keeps an asyncio event loop running in
the main thread for the rest of the process, which makes Django refuse ORM calls from that thread
(hence DJANGO_ALLOW_ASYNC_UNSAFE) and breaks any later `asyncio.run()` in the same process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root in CI containers, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# A literal loopback address rather than "localhost": the no-CDN test compares every request URL with
# the live server's, and "localhost" may resolve to ::1 in one place and 127.0.0.1 in another.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

# Assertions wait for the page as long as actions do: CI machines run the suite on two busy cores.
expect.set_options(timeout=10_000)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When browser tests share a run with the rest, run them last (see the module docstring).

    trylast, and a stable sort: pytest-django's own ordering (plain, then transactional tests) holds
    within each group."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: apt-get install chromium chromium-driver (see .ci/run)")
    # Set here, not at import: the unit-test run imports this file while deselecting browser tests,
    # and must keep Django's async-safety check.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        # launch() gives every browser process its own fresh temporary profile (user-data dir), so no
        # cookies, cache or service workers survive from an earlier run.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(live_server: LiveServer, base_data: None) -> str:
    """The live server's URL, with regions and the demo cast in the database.

    Live-server tests run in `transactional_db`, which flushes every table afterwards; `base_data`
    reloads what the flush removed.
    """
    return str(live_server.url)


def _new_context(browser: Browser, site: str, viewport: dict[str, int], *, phone: bool) -> BrowserContext:
    # An Indonesian caseworker's browser: the language negotiation sees id-ID, the clock runs in WIB.
    context = browser.new_context(
        base_url=site,
        viewport=viewport,  # type: ignore[arg-type]
        is_mobile=phone,
        has_touch=phone,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    """A desktop-sized tab in a context of its own.

    Contexts are per test (a few milliseconds each) because the database flush after every
    live-server test ends any session a longer-lived context would still carry.
    """
    context = _new_context(browser, site, DESKTOP, phone=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone_page(browser: Browser, site: str) -> Iterator[Page]:
    """A phone-sized tab (390x844, touch), the device caseworkers carry on home visits."""
    context = _new_context(browser, site, PHONE, phone=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def log_in() -> Callable[[Page, str], None]:
    """`log_in(page, username)`: through the real login form, with the demo password, and for a user with
    an authenticator the code it shows. A code is accepted once: log each user in once per test."""
    from napiter.accounts.models import User
    from napiter.accounts.security import confirmed_devices, totp_code

    def submit(page: Page, username: str) -> None:
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Kata sandi").fill(settings.DEMO_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        device = confirmed_devices(User.objects.get(username=username)).first()
        if device is not None:
            page.get_by_label("Kode verifikasi").fill(totp_code(device))
            page.get_by_role("button", name="Verifikasi").click()
        expect(page.get_by_test_id("office")).to_be_visible()

    return submit


@pytest.fixture
def save_screenshot() -> Callable[[Page, str], None]:
    """Full-page screenshots for a person to look at, written only when NAPITER_SCREENSHOT_DIR is set."""
    target = os.environ.get("NAPITER_SCREENSHOT_DIR")

    def save(page: Page, name: str) -> None:
        if target:
            page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)

    return save
