"""A repair from the call to the customer's signature in Debian's Chromium: front desk → 工程部 technician on a
tablet-sized screen → resolved."""

from __future__ import annotations

from kefu.core.tests.browser import BROWSER, log_in, new_page
from kefu.repairs.models import RepairSheet

pytestmark = BROWSER


def test_repair_from_call_to_customer_signature(
    transactional_db, live_server, shots, browser, agent, technician, engineering, customer
):
    base = live_server.url

    # 1. The front desk takes the call and fills the 维修工作单 for the caller's unit.
    desk = new_page(browser, 1366, 768)
    log_in(desk, base, "agent")
    desk.get_by_role("link", name="报修登记").click()
    desk.wait_for_url(f"{base}/repairs/new/")
    desk.fill("#id_customer_phone", "138 1234 5678")
    desk.fill("#id_customer_name", "张伟")
    desk.select_option("#id_reporter_type", "resident")
    desk.fill("#id_building", "3栋")
    desk.fill("#id_unit", "2单元1502")
    desk.fill("#id_fault", "主卫地漏返水")
    desk.fill("#id_description", "业主来电：主卫地漏往上冒水，已影响楼下。")
    desk.select_option("#id_priority", "2")
    desk.select_option("#id_access", "owner_home")
    desk.fill("#id_contact_name", "张伟")
    desk.screenshot(path=str(shots / "repair-01-intake.png"), full_page=True)
    desk.get_by_role("button", name="保存并派工").click()
    desk.wait_for_url(f"{base}/work-orders/*/")
    sheet = RepairSheet.objects.get()
    assert sheet.work_order.customer == customer and sheet.work_order.department == engineering
    assert desk.get_by_test_id("repair-stage").inner_text() == "已派工"
    desk.context.close()

    # 2. The 工程部 technician, on a tablet, finds it in 我的维修单 and works it step by step.
    tablet = new_page(browser, 1024, 768)
    log_in(tablet, base, "tech")
    tablet.get_by_role("link", name="我的维修单").click()
    tablet.locator(f'li[data-number="{sheet.work_order.number}"] a').click()
    tablet.get_by_role("button", name="接单").click()
    tablet.get_by_text("已接单。").wait_for()
    tablet.get_by_role("button", name="已到场").click()
    tablet.get_by_text("已登记到场。").wait_for()
    tablet.fill("#id_name", "地漏芯")
    tablet.fill("#id_quantity", "1")
    tablet.fill("#id_unit", "个")
    tablet.get_by_role("button", name="添加配件").click()
    tablet.get_by_text("已添加配件。").wait_for()
    tablet.get_by_test_id("parts").get_by_text("地漏芯").wait_for()
    tablet.get_by_role("button", name="保存收费").click()  # 免费 is preselected
    tablet.get_by_text("收费已登记。").wait_for()
    tablet.fill("#id_work_done", "疏通下水管，更换地漏芯")
    tablet.fill("#id_labour_minutes", "45")
    tablet.fill("#id_result", "排水正常，不再返水")
    tablet.screenshot(path=str(shots / "repair-02-tablet-work.png"), full_page=True)
    tablet.get_by_role("button", name="已完工").click()
    tablet.get_by_text("已完工，请客户确认。").wait_for()

    # 3. The customer checks the work and signs on the screen.
    pad = tablet.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    tablet.mouse.move(box["x"] + 30, box["y"] + box["height"] * 0.6)
    tablet.mouse.down()
    for step in range(1, 12):
        tablet.mouse.move(box["x"] + 30 + step * 25, box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
    tablet.mouse.up()
    tablet.screenshot(path=str(shots / "repair-03-signature.png"), full_page=True)
    tablet.get_by_role("button", name="客户确认").click()
    tablet.get_by_text("客户已确认，工单已解决。").wait_for()
    assert tablet.get_by_test_id("status").inner_text().startswith("已解决")

    sheet.refresh_from_db()
    order = sheet.work_order
    assert order.status == "resolved" and order.resolution == "排水正常，不再返水"
    assert sheet.confirmed_by_name == "张伟" and sheet.arrived_at >= sheet.accepted_at
    with sheet.signature.file.open("rb") as f:
        drawn = f.read()
    assert drawn.startswith(b"\x89PNG") and len(drawn) > 1000  # a real drawing, not an empty canvas
    assert list(sheet.parts.values_list("name", "quantity")) == [("地漏芯", 1)]

    # The list still reads on a phone.
    tablet.set_viewport_size({"width": 390, "height": 844})
    tablet.goto(f"{base}/repairs/{order.pk}/")
    tablet.screenshot(path=str(shots / "repair-04-phone.png"), full_page=True)
    tablet.context.close()
