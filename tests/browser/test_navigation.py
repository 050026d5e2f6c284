"""The main navigation stays on one line at laptop widths for every role, its menus open from the mouse and
the keyboard, and on a phone it folds behind the toggler."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize, expect

from napiter.accounts.models import User
from napiter.accounts.navigation import nav_menu_for
from tests.accounts.factories import user_of_every_role

pytestmark = pytest.mark.browser

LAPTOPS = [ViewportSize(width=1280, height=800), ViewportSize(width=1024, height=768)]
PHONE = ViewportSize(width=390, height=844)  # as the phone_page fixture
# Bootstrap's navbar with a 40 px brand and 8 px padding above and below is 56 px tall on one line; a second
# line of links adds at least 40 px.
ONE_LINE = 64


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None
    return box


def _assert_one_line(page: Page, label: str) -> None:
    nav = page.locator("nav.navbar")
    assert _box(nav)["height"] <= ONE_LINE, f"{label}: the navigation is {_box(nav)['height']} px tall"
    brand = _box(page.locator(".navbar-brand"))
    middle = brand["y"] + brand["height"] / 2
    parts = page.get_by_test_id("main-menu").locator(":scope > li")
    assert parts.count() > 0
    for part in [*parts.all(), page.get_by_role("button", name="Keluar")]:
        box = _box(part)
        assert abs(box["y"] + box["height"] / 2 - middle) <= 4, f"{label}: {part.inner_text()!r} is off the line"
    # Kept on one line by refusing to wrap, a bar too long would instead run into the user's name or off the page.
    last, user = _box(parts.last), _box(page.get_by_test_id("nav-user"))
    assert last["x"] + last["width"] <= user["x"], f"{label}: the menu runs into the user's name"
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert user["x"] + user["width"] <= width, f"{label}: the logout button is off the page"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{label}: the page scrolls sideways"


def _check_menus(page: Page, user: User, label: str, *, keyboard: bool) -> None:
    menu = page.get_by_test_id("main-menu")
    for entry in nav_menu_for(user):
        if not entry.is_menu:
            expect(menu.get_by_role("link", name=str(entry.link.label), exact=True)).to_be_visible()
            continue
        toggle = menu.locator(f"#nav-{entry.key}")
        items = menu.locator(f"[aria-labelledby='nav-{entry.key}'] .dropdown-item")
        expect(items.first).to_be_hidden()
        if keyboard:
            toggle.focus()
            page.keyboard.press("Enter")
            page.keyboard.press("ArrowDown")
            expect(items.first).to_be_focused()
        else:
            toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(items).to_have_text([str(item.label) for item in entry.items])
        viewport = page.viewport_size
        assert viewport is not None
        for item, link in zip(entry.items, items.all(), strict=True):
            expect(link).to_be_visible()
            expect(link).to_have_attribute("href", item.url)
            box = _box(link)
            assert box["x"] >= 0, f"{label}: {item.label} is cut off"
            assert box["x"] + box["width"] <= viewport["width"], f"{label}: {item.label} is cut off"
        page.keyboard.press("Escape")
        expect(items.first).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")


def test_every_role_keeps_the_navigation_on_one_line_at_1280_and_1024(
    browser: Browser, site: str, log_in: Callable[[Page, str], None], save_screenshot: Callable[[Page, str], None]
) -> None:
    for user in user_of_every_role():
        context = browser.new_context(base_url=site, locale="id-ID", timezone_id="Asia/Jakarta")
        page = context.new_page()
        log_in(page, user.username)  # once per user: a verification code is accepted only once
        for viewport in LAPTOPS:
            page.set_viewport_size(viewport)
            page.goto("/")
            label = f"{user.username} at {viewport['width']} px"
            expect(page.get_by_role("button", name="Menu")).to_be_hidden()
            _assert_one_line(page, label)
            _check_menus(page, user, label, keyboard=viewport["width"] == 1280)
            _assert_one_line(page, label)  # closing a menu leaves the bar as it was
        save_screenshot(page, f"nav-{user.username}")
        context.close()


def test_on_a_phone_the_menus_fold_behind_the_toggler_and_still_open(
    browser: Browser, site: str, log_in: Callable[[Page, str], None]
) -> None:
    user = User.objects.get(username="bnpt.koordinator")
    context = browser.new_context(
        base_url=site, viewport=PHONE, is_mobile=True, has_touch=True, locale="id-ID", timezone_id="Asia/Jakarta"
    )
    page = context.new_page()
    log_in(page, user.username)
    menu = page.get_by_test_id("main-menu")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(menu).to_be_visible()
    for entry in nav_menu_for(user):
        if entry.is_menu:
            menu.locator(f"#nav-{entry.key}").click()
            for item in entry.items:
                expect(menu.get_by_role("link", name=str(item.label), exact=True)).to_be_visible()
            menu.locator(f"#nav-{entry.key}").click()
        else:
            expect(menu.get_by_role("link", name=str(entry.link.label), exact=True)).to_be_visible()
    dt_sen = menu.get_by_role("link", name="DT-SEN", exact=True)
    menu.locator("#nav-pendampingan").click()
    dt_sen.click()
    expect(page).to_have_url(site + reverse("cases:dtsen-import"))
    context.close()
