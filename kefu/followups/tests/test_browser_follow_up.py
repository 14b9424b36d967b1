"""In Debian's Chromium: an agent completes a follow-up visit from the 今日回访 list."""

from __future__ import annotations

from django.utils import timezone

from kefu.core.tests.browser import BROWSER, log_in, new_page

from ..models import FollowUpAttempt, VisitStatus
from .conftest import open_visit

pytestmark = BROWSER


def test_agent_completes_a_follow_up_visit_from_the_due_today_list(
    transactional_db, live_server, browser, shots, closed_order, agent
):
    order = closed_order()
    visit = open_visit(order)
    visit.planned_on = visit.due_on = timezone.localdate()
    visit.save(update_fields=["planned_on", "due_on"])
    base = live_server.url
    page = new_page(browser, 1366, 768)
    log_in(page, base, "agent")

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

    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    attempt = FollowUpAttempt.objects.get(follow_up=visit)
    assert (attempt.satisfaction, attempt.score, attempt.actor) == ("basically", 4, agent)
