"""The desk's screens in Debian's Chromium: the header fits 1366×768 and a 1024×768 tablet for every role, and a
pasted number is looked up like a typed one."""

from __future__ import annotations

import pytest

from kefu.core.tests.browser import BROWSER, log_in, new_page

pytestmark = BROWSER

# The widest menus: a manager's and a supervisor's carry every app's entry plus the deadline settings.
ROLES = ["manager", "supervisor", "agent"]


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1024, 768)])
def test_the_header_fits_the_screen_for_every_role(
    transactional_db, live_server, browser, shots, width, height, manager, supervisor, agent
):
    for username in ROLES:
        page = new_page(browser, width, height)
        log_in(page, live_server.url, username)
        # No sideways scrolling, and every menu entry, the bell and 退出登录 are on screen inside the dark bar.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        bar = page.locator("header.topbar").bounding_box()
        for item in [*page.locator(".mainnav a").all(), page.get_by_test_id("bell"), page.get_by_test_id("logout")]:
            box = item.bounding_box()
            assert box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width, item
            assert bar["y"] <= box["y"] and box["y"] + box["height"] <= bar["y"] + bar["height"], item
        page.screenshot(path=str(shots / f"header-{username}-{width}.png"))
        page.context.close()


def test_a_pasted_number_finds_the_customer(transactional_db, live_server, browser_page, agent, customer):
    page = browser_page
    log_in(page, live_server.url, "agent")
    page.goto(f"{live_server.url}/work-orders/new/")
    # fill() sets the value without key events, as a paste or the browser's autofill does.
    page.fill("#id_phone", "138 1234 5678")
    page.locator("#lookup-results").get_by_text("张伟").wait_for()
