"""In Debian's Chromium: intake of an in-warranty product → eligibility shown → unrepairable → exchange →
the shop confirms on its page → receipt check → cashier (finance), with screenshots."""

from __future__ import annotations

from datetime import timedelta

from kefu.aftersales.models import AfterSalesCase, AfterSalesEvent
from kefu.core.tests.browser import BROWSER, log_in, log_out, open_form

pytestmark = BROWSER


def test_in_warranty_product_unrepairable_exchanged_through_shop_receipt_and_cashier(
    transactional_db, live_server, browser_page, shots, agent, finance, shop, shop_user, rule, site, today
):
    page, base = browser_page, live_server.url

    # 1. The front desk registers the product; eligibility is checked at once and shown with its reason.
    log_in(page, base, landing=None, username="agent")
    page.get_by_role("link", name="售后").first.click()
    page.wait_for_url(f"{base}/aftersales/new/")
    page.fill("#id_customer_phone", "13900002222")
    page.fill("#id_customer_name", "陈晓")
    page.select_option("#id_rule", label="家电")
    page.fill("#id_product_name", "美的空调")
    page.fill("#id_model", "KFR-35GW")
    page.fill("#id_serial_number", "MD2026X1")
    page.fill("#id_purchased_on", (today - timedelta(days=120)).isoformat())
    page.select_option("#id_shop", label=str(shop))
    page.check("#id_receipt_present")
    page.fill("#id_problem", "开机后不制冷，已持续两天。")
    page.screenshot(path=str(shots / "01-intake.png"), full_page=True)
    page.get_by_role("button", name="登记并判定保修").click()
    page.wait_for_url(f"{base}/work-orders/*/")
    eligibility = page.get_by_test_id("as-eligibility")
    assert "保修期内" in eligibility.inner_text()
    page.screenshot(path=str(shots / "02-eligibility.png"), full_page=True)

    # 2. Mail-in: parcel received, then the repair finds it unrepairable; the exchange is offered (in warranty).
    form = open_form(page, "as-step", "path")
    form.get_by_label("寄修").check()
    form.get_by_role("button").click()
    page.get_by_text("维修方式已记录。").wait_for()
    form = open_form(page, "as-step", "inbound")
    form.locator("input[name=carrier]").fill("顺丰速运")
    form.locator("input[name=tracking_number]").fill("SF1234567890")
    form.locator("input[name=on]").fill(today.isoformat())
    form.get_by_role("button").click()
    page.get_by_text("快递已记录。").wait_for()
    form = open_form(page, "as-step", "repair")
    form.get_by_label("无法修复").check()
    form.locator("textarea[name=fault_cause]").fill("压缩机内部损坏")
    form.locator("textarea[name=repair_method]").fill("检测确认无法修复，厂家无配件")
    form.get_by_role("button").click()
    page.get_by_text("维修记录已保存。").wait_for()
    form = open_form(page, "as-step", "remedy")
    assert form.get_by_label("换货").count() == 1 and form.get_by_label("有偿维修").count() == 0
    form.get_by_label("换货").check()
    form.get_by_role("button").click()
    page.get_by_text("处理方案已记录。").wait_for()
    assert "待商铺确认" in page.get_by_test_id("as-return-status").inner_text()
    page.screenshot(path=str(shots / "03-exchange-awaiting-shop.png"), full_page=True)
    order_url = page.url
    log_out(page, base)

    # 3. The shop confirms on its own page.
    log_in(page, base, landing=None, username="shopper")
    page.goto(f"{base}/aftersales/returns/pending/")
    card = page.locator("section[data-return]")
    card.get_by_label("同意退换货").check()
    page.screenshot(path=str(shots / "04-shop-confirms.png"), full_page=True)
    card.get_by_role("button").click()
    page.get_by_text("商铺意见已记录。").wait_for()
    page.get_by_test_id("no-returns").wait_for()
    log_out(page, base)

    # 4. The desk checks the receipt.
    log_in(page, base, landing=None, username="agent")
    page.goto(order_url)
    form = open_form(page, "as-step", "receipt")
    form.get_by_label("已出示购物小票").check()
    form.locator("input[name=receipt_number]").fill("XP20260001")
    form.get_by_role("button").click()
    page.get_by_text("票据检查已记录。").wait_for()
    assert "待收银" in page.get_by_test_id("as-return-status").inner_text()
    log_out(page, base)

    # 5. The cashier executes the exchange.
    log_in(page, base, landing=None, username="finance")
    page.goto(order_url)
    form = open_form(page, "as-step", "cashier")
    form.locator("input[name=note]").fill("已更换同型号新机")
    form.get_by_role("button").click()
    page.get_by_text("收银已办理。").wait_for()
    assert "已完成" in page.get_by_test_id("as-return-status").inner_text()
    page.screenshot(path=str(shots / "05-cashier-done.png"), full_page=True)

    case = AfterSalesCase.objects.get()
    assert case.stage == "done"
    assert list(AfterSalesEvent.objects.filter(case=case).values_list("event_type", flat=True)) == [
        "registered",
        "eligibility_checked",
        "path_chosen",
        "shipment_inbound",
        "repair_unrepairable",
        "remedy_chosen",
        "return_opened",
        "shop_confirmed",
        "receipt_checked",
        "cashier_done",
    ]
