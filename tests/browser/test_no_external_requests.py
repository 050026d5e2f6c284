from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, Response, expect

pytestmark = pytest.mark.browser


def test_every_request_goes_to_our_own_server_no_cdn(
    page: Page, site: str, log_in: Callable[[Page, str], None]
) -> None:
    """Case files are personal data of a sensitive kind (UU 27/2022): no page may make a browser fetch
    fonts, scripts or styles from a third party, which would tell that party who opens what and when."""
    requested: list[str] = []
    failed: list[str] = []
    broken: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    page.context.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))

    def on_response(response: Response) -> None:
        if response.status >= 400:
            broken.append(f"{response.status} {response.url}")

    page.context.on("response", on_response)

    log_in(page, "dinsos.banten.pendamping")
    page.goto("/wilayah/")
    page.locator("#region-province").select_option("36")
    expect(page.locator("#region-regency option", has_text="Kota Serang")).to_have_count(1)
    # Swagger UI is the usual place a CDN sneaks in; its assets must come from the sidecar package.
    page.goto("/api/docs/")
    expect(page.get_by_text("napiter API").first).to_be_visible()
    page.wait_for_load_state("networkidle")

    assert requested, "no request was recorded"
    outside = [url for url in requested if not url.startswith(f"{site}/")]
    assert outside == []
    assert failed == []
    assert broken == []
    # The recording really covered the pages' assets, not just the HTML documents.
    assert any("/static/vendor/bootstrap/" in url for url in requested)
    assert any("/static/vendor/htmx/" in url for url in requested)
    assert any("/wilayah/pilihan/?" in url and "parent=36" in url for url in requested)
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in requested)


def test_request_recorder_sees_a_third_party_url(browser: Browser, site: str) -> None:
    """The recorder above would pass vacuously if it missed requests a page makes from JavaScript.

    The site's Content-Security-Policy would stop such a fetch before it reaches the network, so this
    context bypasses it: the point here is what the recorder sees, not what the policy blocks.
    """
    context = browser.new_context(base_url=site, bypass_csp=True)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.route("https://cdn.example.org/**", lambda route: route.abort())
    page = context.new_page()
    page.goto("/masuk/")
    page.evaluate("fetch('https://cdn.example.org/lib.js').catch(() => null)")
    page.wait_for_load_state("networkidle")
    context.close()

    assert "https://cdn.example.org/lib.js" in requested
