"""In Debian's Chromium: an agent completes a follow-up visit from the 今日回访 list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from ..models import FollowUpAttempt, VisitStatus
from .conftest import open_visit

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="Debian's chromium is not installed"
    ),
]


def test_agent_completes_a_follow_up_visit_from_the_due_today_list(transactional_db, live_server, closed_order, agent):
    order = closed_order()
    visit = open_visit(order)
    visit.planned_on = visit.due_on = timezone.localdate()
    visit.save(update_fields=["planned_on", "due_on"])
    shots = Path(settings.VAR_DIR) / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/login/")
        page.fill("#id_username", "agent")
        page.fill("#id_password", "pass-1234")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{base}/work-orders/**")

        page.get_by_role("link", name="今日回访").first.click()
        row = page.locator(f'tr[data-visit="{visit.pk}"]')
        row.wait_for()
        assert order.number in row.inner_text()
        page.screenshot(path=str(shots / "fu-01-today.png"), full_page=True)
        row.get_by_role("link", name="登记回访").click()

        form = page.get_by_test_id("outcome-form")
        form.get_by_label("已联系上客户").check()
        form.get_by_label("基本满意").check()
        form.locator("select[name=score]").select_option("4")
        form.locator("textarea[name=comments]").fill("水龙头已不再滴水，希望下次维修前先电话预约。")
        page.screenshot(path=str(shots / "fu-02-form.png"), full_page=True)
        form.get_by_role("button", name="保存回访").click()
        page.get_by_text("回访已登记。").wait_for()
        page.get_by_test_id("nothing-due").wait_for()
        page.screenshot(path=str(shots / "fu-03-done.png"), full_page=True)
        browser.close()

    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    attempt = FollowUpAttempt.objects.get(follow_up=visit)
    assert (attempt.satisfaction, attempt.score, attempt.actor) == ("basically", 4, agent)
