"""A phone call to closure in Debian's Chromium: agent → 工程部 technician → agent, with screenshots."""

from __future__ import annotations

import re

from kefu.core.tests.browser import BROWSER, log_in, log_out, open_form
from kefu.customers.models import Customer
from kefu.tickets.models import WorkOrder

pytestmark = BROWSER


def test_call_from_a_new_customer_is_transferred_resolved_and_closed(
    transactional_db, live_server, browser_page, shots, agent, technician, engineering, customer
):
    page, base = browser_page, live_server.url

    # 1. The agent takes a call from someone not yet in the archive.
    log_in(page, base, "agent")
    page.screenshot(path=str(shots / "01-agent-queue.png"), full_page=True)
    page.get_by_role("link", name="新建工单").click()
    page.wait_for_url(f"{base}/work-orders/new/")
    # The phone field has the focus: the agent just types.
    page.keyboard.type("139 0000 8888", delay=30)
    page.get_by_test_id("no-match").wait_for()
    # A slow machine may still have an earlier prefix's lookup in flight: let it land before moving on.
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.get_by_test_id("no-match").wait_for()
    page.keyboard.press("Tab")  # → new customer's name
    page.keyboard.type("刘洋")
    page.select_option("#id_type", "repair")
    page.fill("#id_subject", "二楼男卫生间水龙头漏水")
    page.fill("#id_description", "客户来电：二楼男卫生间靠窗水龙头一直滴水，地面湿滑。")
    page.screenshot(path=str(shots / "02-quick-create.png"), full_page=True)
    page.locator("#id_subject").press("Enter")
    page.wait_for_url(re.compile(r"/work-orders/\d+/$"))  # not /new/ again with a refusal
    order = WorkOrder.objects.get()
    assert order.customer == Customer.objects.get(name="刘洋")
    assert page.get_by_test_id("status").inner_text().startswith("已受理")

    # 2. … and transfers it to 工程部 with a reason.
    form = open_form(page, "action", "transfer")
    form.locator("select[name=department]").select_option(label="工程部")
    form.locator("textarea[name=reason]").fill("需要工程部上门维修")
    form.get_by_role("button", name="转接").click()
    page.get_by_text("工单已转接。").wait_for()
    page.screenshot(path=str(shots / "03-transferred.png"), full_page=True)
    log_out(page, base)

    # 3. The technician finds it in his department queue, starts and resolves it.
    log_in(page, base, "tech")
    page.locator(f'tr[data-number="{order.number}"]').wait_for()
    page.screenshot(path=str(shots / "04-technician-queue.png"), full_page=True)
    page.get_by_role("link", name=order.number).click()
    page.locator('[data-action="start"] button').click()
    page.get_by_text("已开始处理。").wait_for()
    form = open_form(page, "action", "resolve")
    form.locator("textarea[name=resolution]").fill("更换水龙头阀芯，测试不再滴水，地面已清理。")
    form.get_by_role("button", name="解决").click()
    page.get_by_text("工单已解决。").wait_for()
    log_out(page, base)

    # 4. The agent tells the customer and closes it.
    log_in(page, base, "agent")
    page.goto(f"{base}/work-orders/{order.pk}/")
    form = open_form(page, "action", "close")
    form.locator("textarea[name=customer_response]").fill("已回电刘先生，告知水龙头已修好，客户表示满意。")
    form.get_by_role("button", name="关闭").click()
    page.get_by_text("工单已关闭。").wait_for()
    assert page.get_by_test_id("status").inner_text().startswith("已关闭")
    page.screenshot(path=str(shots / "05-closed.png"), full_page=True)

    order.refresh_from_db()
    assert order.status == "closed"
    assert list(order.events.values_list("event_type", flat=True)) == [
        "created",
        "status_accept",
        "transferred",
        "status_start",
        "status_resolve",
        "replied",
        "status_close",
    ]
