"""A whole complaint in Debian's Chromium: intake → two proposals → approval → shop confirmation → reply →
rejected → new round → accepted → closed, then the ledger export downloaded and read back with openpyxl."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kefu.complaints.models import Complaint
from kefu.core.tests.browser import BROWSER, log_in, log_out, new_page
from kefu.followups.models import FollowUp

pytestmark = BROWSER

PHONE = "13955556666"


@pytest.fixture
def browser_page(browser):
    return new_page(browser, accept_downloads=True)


def action(page, name):
    """Open one of the panel's action forms (<details data-action="cmp-…">) and return its form."""
    page.locator(f'details[data-action="cmp-{name}"] > summary').click()
    return page.locator(f'details[data-action="cmp-{name}"] form')


def propose(page, text):
    form = action(page, "proposal")
    form.locator("textarea[name=text]").fill(text)
    form.get_by_role("button").click()
    page.get_by_text("方案已记录。").wait_for()


def approve(page, base, order_url, number):
    log_in(page, base, "supervisor", landing=None)
    page.goto(order_url)
    page.get_by_test_id(f"approve-{number}").click()
    page.get_by_text("方案已认可。").wait_for()
    assert page.get_by_test_id(f"proposal-{number}").get_attribute("data-status") == "approved"
    log_out(page, base)


def shop_confirms(page, base):
    log_in(page, base, "shopper", landing=None)
    page.goto(f"{base}/complaints/tasks/")
    page.get_by_test_id("confirmations").get_by_role("button", name="确认此方案").click()
    page.get_by_text("商铺确认已记录。").wait_for()
    log_out(page, base)


def reply(page, text):
    form = action(page, "reply")
    form.locator("textarea[name=body]").fill(text)
    form.locator("input[name=apology_repeated]").check()
    form.get_by_role("button").click()
    page.get_by_text("已将方案答复顾客。").wait_for()


def answer(page, accepted, opinion=""):
    form = action(page, "answer")
    form.locator("select[name=accepted]").select_option("1" if accepted else "0")
    form.locator("textarea[name=opinion]").fill(opinion)
    form.get_by_role("button").click()
    page.get_by_text("顾客答复已记录。").wait_for()


def test_complaint_from_intake_through_a_rejected_round_to_close_and_the_ledger_export(
    transactional_db, live_server, browser_page, shots, agent, supervisor, shop, shop_user, customer
):
    page, base = browser_page, live_server.url

    # 1. The agent registers a complaint about the shop; a missing demand is refused first, nothing saved.
    log_in(page, base, "agent", landing=None)
    page.get_by_role("link", name="投诉登记").click()
    form = page.get_by_test_id("complaint-intake")
    form.locator("#id_complainant_name").fill("孙悦")
    form.locator("#id_contact").fill(PHONE)
    form.locator("#id_channel").select_option("walk_in")
    form.locator("#id_category").select_option("商品质量")
    form.locator("#id_subject").fill("新买的羊毛衫第一次穿就起球")
    form.locator("#id_product").fill("女士羊毛开衫")
    form.locator("#id_shop").select_option(str(shop.id))
    form.locator("#id_apology_note").fill("已当面向顾客致歉,请顾客到办公区域详谈。")
    form.locator("#id_taken_to_office").check()
    form.get_by_role("button", name="登记投诉").click()
    page.get_by_text("请记录顾客的诉求").first.wait_for()
    assert not Complaint.objects.exists()
    page.get_by_test_id("complaint-intake").locator("#id_demand").fill("要求退货并道歉")
    page.get_by_test_id("complaint-intake").get_by_role("button", name="登记投诉").click()
    page.wait_for_url(f"{base}/work-orders/*/")
    order_url = page.url
    complaint = Complaint.objects.get()
    assert complaint.taken_to_office_at is not None and complaint.work_order.shop_id == shop.id

    # 2. Investigation with a promised reply time, then two proposals; the reply is blocked until approval.
    form = action(page, "investigate")
    promised = timezone.localtime() + timedelta(days=1)
    form.locator("input[name=promised_reply_at]").fill(promised.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=told_customer]").fill("已告知顾客明天中午前答复。")
    form.get_by_role("button").click()
    page.get_by_text("已开始调查核实").wait_for()
    propose(page, "全额退款并书面致歉")
    propose(page, "更换同款新品并赠送洗护套装")
    assert "认可" in page.get_by_test_id("reply-block").inner_text()
    assert page.get_by_test_id("approve-1").count() == 0  # the agent is offered no approval
    page.screenshot(path=str(shots / "01-two-proposals.png"), full_page=True)
    log_out(page, base)

    # 3. The supervisor approves #1; the reply still waits for the shop, whose login confirms.
    approve(page, base, order_url, 1)
    log_in(page, base, "agent", landing=None)
    page.goto(order_url)
    assert "商铺" in page.get_by_test_id("reply-block").inner_text()
    log_out(page, base)
    shop_confirms(page, base)

    # 4. The agent tells the customer; the customer rejects: a new round opens.
    log_in(page, base, "agent", landing=None)
    page.goto(order_url)
    reply(page, "商铺同意全额退款,已再次向您致歉。")
    answer(page, False, "退款要三个工作日,太慢,希望当天处理")
    assert page.get_by_test_id("complaint-round").inner_text() == "2"
    assert page.get_by_test_id("complaint-outcome").inner_text() == "进行中"
    propose(page, "当天现金退款")
    propose(page, "当天原路退款并补偿50元购物券")
    log_out(page, base)
    approve(page, base, order_url, 4)
    shop_confirms(page, base)

    # 5. Second reply, accepted, closed with root cause and preventive measure.
    log_in(page, base, "agent", landing=None)
    page.goto(order_url)
    reply(page, "今天原路退款并补偿50元购物券,再次致歉。")
    answer(page, True)
    form = action(page, "close")
    form.get_by_role("button").click()
    page.get_by_text("结案前请记录投诉的根本原因。").first.wait_for()
    form = page.locator('details[data-action="cmp-close"] form')
    form.locator("textarea[name=root_cause]").fill("商铺进货的羊毛衫批次混纺比例不达标")
    form.locator("textarea[name=preventive_measure]").fill("要求商铺每批提供质检报告,服务台抽检")
    form.locator("select[name=liability]").select_option("shop")
    form.get_by_role("button").click()
    page.get_by_text("投诉已结案。").wait_for()
    page.screenshot(path=str(shots / "02-closed.png"), full_page=True)
    complaint.refresh_from_db()
    assert complaint.outcome == "accepted" and complaint.work_order.status == "closed"
    assert FollowUp.objects.filter(work_order_id=complaint.pk).exists()
    log_out(page, base)

    # 6. The supervisor downloads the ledger; the file has the mandatory columns, this row, the phone masked.
    log_in(page, base, "supervisor", landing=None)
    page.goto(f"{base}/complaints/ledger/")
    page.get_by_test_id("ledger").locator(f'tr[data-number="{complaint.work_order.number}"]').wait_for()
    with page.expect_download() as info:
        page.get_by_test_id("ledger-export").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = shots / download.suggested_filename
    download.save_as(str(target))
    sheet = load_workbook(target, read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    for column in ("工单编号", "投诉时间", "投诉人", "联系方式", "渠道", "投诉类别", "投诉事项", "涉及商品或服务",
                   "商铺/商户", "顾客诉求", "致歉/安抚记录", "认可方案", "顾客答复", "根本原因", "预防措施"):  # fmt: skip
        assert column in header, column
    (row,) = [r for r in rows[1:] if r[0] == complaint.work_order.number]
    value = dict(zip(header, row, strict=True))
    assert value["联系方式"] == "139****6666" and PHONE not in [str(v) for v in row]
    assert value["投诉人"] == "孙悦" and value["商铺/商户"] == shop.name
    assert value["认可方案"] == "当天原路退款并补偿50元购物券"
    assert value["根本原因"].startswith("商铺进货") and value["预防措施"].startswith("要求商铺")
