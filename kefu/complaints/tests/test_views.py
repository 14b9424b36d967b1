"""The complaint pages: intake, the panel on the work-order page, tasks, ledger and its export, the notice."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import detail_page_reads
from kefu.complaints import services, solution_services
from kefu.complaints.models import Complaint, LedgerExport

from .conftest import intake_data


def _form(site, customer, **kw):
    data = intake_data(site, customer, **kw)
    data["site"] = data.pop("site_id")
    data["customer"] = data.pop("customer_id") or ""
    return data


def test_intake_page_registers_a_complaint(client, agent, site, customer):
    client.force_login(agent)
    page = client.get(reverse("complaints:new"))
    assert page.status_code == 200 and "投诉登记" in page.content.decode()
    response = client.post(reverse("complaints:new"), _form(site, customer, channel="walk_in", taken_to_office="on"))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("tickets:detail", args=[complaint.pk])
    assert complaint.taken_to_office_at is not None


def test_intake_page_shows_chinese_messages_and_saves_nothing(client, agent, site, customer):
    client.force_login(agent)
    response = client.post(reverse("complaints:new"), _form(site, customer, demand="", product=""))
    text = response.content.decode()
    assert response.status_code == 400
    assert "请记录顾客的诉求" in text and "请填写涉及的商品或服务" in text
    assert not Complaint.objects.exists()


def test_intake_is_for_desk_roles(client, technician):
    client.force_login(technician)
    assert client.get(reverse("complaints:new")).status_code == 403


def test_panel_on_the_work_order_page_offers_the_next_steps(client, agent, supervisor, two_proposals, investigating):
    client.force_login(agent)
    text = client.get(reverse("tickets:detail", args=[investigating.pk])).content.decode()
    assert 'data-testid="complaint-panel"' in text and "全额退款" in text
    assert "approve-1" not in text  # agents see no approve button
    client.force_login(supervisor)
    text = client.get(reverse("tickets:detail", args=[investigating.pk])).content.decode()
    assert 'data-testid="approve-1"' in text


def test_panel_action_with_bad_input_rerenders_with_the_message(client, agent, investigating):
    client.force_login(agent)
    response = client.post(reverse("complaints:act", args=[investigating.pk, "proposal"]), {"text": " "})
    assert response.status_code == 400 and "请填写解决方案" in response.content.decode()
    assert not investigating.proposals.exists()


def test_approve_button_is_refused_for_an_agent(client, agent, two_proposals):
    client.force_login(agent)
    response = client.post(reverse("complaints:proposal_act", args=[two_proposals[0].pk, "approve"]))
    assert response.status_code == 403
    two_proposals[0].refresh_from_db()
    assert two_proposals[0].status == "proposed"


def test_other_sites_complaint_pages_are_404(client, outsider, investigating):
    client.force_login(outsider)
    assert client.get(reverse("complaints:notice", args=[investigating.pk])).status_code == 404
    response = client.post(reverse("complaints:act", args=[investigating.pk, "proposal"]), {"text": "x"})
    assert response.status_code == 404


def test_shop_user_confirms_from_its_task_page(client, shop_user, supervisor, two_proposals, investigating):
    solution_services.approve_proposal(two_proposals[0], actor=supervisor)
    client.force_login(shop_user)
    assert "全额退款" in client.get(reverse("complaints:tasks")).content.decode()
    client.post(reverse("complaints:proposal_act", args=[two_proposals[0].pk, "shop_confirm"]))
    assert [(c.shop_id, c.confirmed_by) for c in two_proposals[0].shop_confirmations.all()] == [
        (shop_user.shop_id, shop_user)
    ]


def test_notice_page_is_printable(client, agent, investigating):
    client.force_login(agent)
    text = client.get(reverse("complaints:notice", args=[investigating.pk])).content.decode()
    assert "投诉处理通知" in text and "138****5678" in text and "13812345678" not in text
    assert "print-page" in text


def _export(client, **params):
    response = client.get(reverse("complaints:ledger_export"), params)
    assert response.status_code == 200, response.content[:300]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_ledger_export_masks_personal_data_by_default(client, supervisor, investigating, register):
    register(category="服务态度", contact="13812345678")
    client.force_login(supervisor)
    rows = _export(client)
    header, data = rows[0], rows[1:]
    assert len(data) == 2
    for column in ("工单编号", "投诉时间", "投诉人", "联系方式", "投诉类别", "投诉事项", "涉及商品或服务", "商铺/商户",
                   "涉及员工", "渠道", "顾客诉求", "致歉/安抚记录", "根本原因", "预防措施"):  # fmt: skip
        assert column in header
    contact = header.index("联系方式")
    assert {row[contact] for row in data} == {"138****5678"}
    assert LedgerExport.objects.get().new["masked"] is True
    only = _export(client, category="服务态度")
    assert len(only) == 2 and only[1][header.index("投诉类别")] == "服务态度"


def test_unmasked_ledger_export_needs_reveal_permission_and_is_logged(client, supervisor, technician, investigating):
    client.force_login(supervisor)
    response = client.get(reverse("complaints:ledger_export"), {"reveal": "1"})
    assert response.status_code == 302  # a reason is required
    assert not LedgerExport.objects.exists()
    rows = _export(client, reveal="1", reason="消协调解需要完整号码")
    assert rows[1][rows[0].index("联系方式")] == "13812345678"
    log = LedgerExport.objects.get()
    assert log.event_type == "ledger_exported_unmasked" and log.actor == supervisor
    assert log.new["customers"] == [investigating.work_order.customer_id] and "消协" in log.note


def test_ledger_needs_the_ledger_capability(client, agent, technician):
    for user in (agent, technician):
        client.force_login(user)
        assert client.get(reverse("complaints:ledger")).status_code == 403
        assert client.get(reverse("complaints:ledger_export")).status_code == 403


def test_ledger_page_filters(client, supervisor, register, shop):
    register(shop_id=shop.id)
    register(category="价格")
    client.force_login(supervisor)
    text = client.get(reverse("complaints:ledger"), {"category": "价格"}).content.decode()
    assert text.count("data-number=") == 1
    text = client.get(reverse("complaints:ledger"), {"shop": shop.id}).content.decode()
    assert text.count("data-number=") == 1
    text = client.get(reverse("complaints:ledger"), {"status": "closed"}).content.decode()
    assert text.count("data-number=") == 0


@pytest.mark.parametrize("bad", ["x", "2026-13-40"])
def test_ledger_ignores_malformed_filters(client, supervisor, register, bad):
    register()
    client.force_login(supervisor)
    assert client.get(reverse("complaints:ledger"), {"date_from": bad, "site": bad}).status_code == 200


def test_settings_page_is_for_managers(client, manager, agent, site):
    client.force_login(agent)
    assert client.get(reverse("complaints:settings")).status_code == 403
    client.force_login(manager)
    response = client.post(
        reverse("complaints:settings"),
        {"site": site.id, "categories": "商品质量\n停车收费", "repeat_threshold": 2, "repeat_window_days": 30},
    )
    assert response.status_code == 302
    assert services.categories_for(site.id) == ["商品质量", "停车收费"]


def test_repeat_complainant_is_flagged_on_the_archive_and_on_new_orders(client, agent, register, customer, make_order):
    for _ in range(3):
        complaint = register()
    client.force_login(agent)
    archive = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert 'data-testid="key-customer"' in archive
    order = make_order(type="inquiry", subject="询问退款进度")
    page = client.get(reverse("tickets:detail", args=[order.pk])).content.decode()
    assert 'data-testid="key-customer"' in page
    assert 'data-testid="key-customer"' in client.get(reverse("tickets:detail", args=[complaint.pk])).content.decode()


def test_walk_in_is_registered_first_and_taken_to_the_office_area_from_the_panel(client, agent, site, customer):
    client.force_login(agent)
    intake = client.get(reverse("complaints:new")).content.decode()
    assert 'name="taken_to_office"' in intake and "先登记" in intake
    client.post(reverse("complaints:new"), _form(site, customer, channel="walk_in"))
    complaint = Complaint.objects.get()
    assert complaint.taken_to_office_at is None
    panel = client.get(reverse("tickets:detail", args=[complaint.pk])).content.decode()
    assert 'data-action="cmp-office"' in panel
    # A time before the complaint was registered is refused with the reason, nothing written.
    refused = client.post(reverse("complaints:act", args=[complaint.pk, "office"]), {"at": "2026-01-01 10:05"})
    assert refused.status_code == 400 and "带至办公区域的时间须在投诉时间与当前时间之间" in refused.content.decode()
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    response = client.post(reverse("complaints:act", args=[complaint.pk, "office"]), {"at": now})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.taken_to_office_at is not None
    assert list(complaint.events.values_list("event_type", flat=True)) == ["registered", "taken_to_office"]


def test_ledger_filters_by_period_and_status(client, supervisor, register, agent):
    from datetime import timedelta

    from django.utils import timezone

    old = register(complained_at=timezone.now() - timedelta(days=40))
    services.resolve_on_the_spot(old, actor=agent, resolution="当场换货", customer_accepted=True)
    register()
    client.force_login(supervisor)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    text = client.get(reverse("complaints:ledger"), {"date_from": since}).content.decode()
    assert text.count("data-number=") == 1 and old.work_order.number not in text
    text = client.get(reverse("complaints:ledger"), {"status": "resolved"}).content.decode()
    assert text.count("data-number=") == 1 and old.work_order.number in text
    rows = _export(client, status="open")
    assert len(rows) == 2 and rows[1][0] != old.work_order.number


def test_ledger_export_shows_times_in_the_sites_time_zone(client, supervisor, register, site):
    from zoneinfo import ZoneInfo

    site.time_zone = "Asia/Tokyo"
    site.save(update_fields=["time_zone"])
    complaint = register()
    client.force_login(supervisor)
    rows = _export(client)
    local = complaint.complained_at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    assert rows[1][rows[0].index("投诉时间")] == local


def test_ledger_cells_keep_what_the_customer_typed_as_text(client, supervisor, register):
    # Spreadsheet injection: a matter starting with "=" must not become a formula, nor a URL a link.
    register(subject='=HYPERLINK("http://x")&<退款>', description="见 http://example.com 第二行\n第三行")
    client.force_login(supervisor)
    header, *data = _export(client)
    (row,) = data
    assert row[header.index("投诉事项")] == '=HYPERLINK("http://x")&<退款>'
    assert row[header.index("详细情况")] == "见 http://example.com 第二行\n第三行"


def test_ledger_period_counts_days_in_each_sites_time_zone(client, supervisor, register, site):
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    # 20:00 UTC on 1 December is already 2 December in Shanghai: a UTC site still counts it on the 1st.
    site.time_zone = "UTC"
    site.save(update_fields=["time_zone"])
    at = datetime(2026, 12, 1, 20, 0, tzinfo=ZoneInfo("UTC"))
    complaint = register(complained_at=at)
    client.force_login(supervisor)
    first = date(2026, 12, 1).isoformat()
    second = date(2026, 12, 2).isoformat()
    text = client.get(reverse("complaints:ledger"), {"date_from": first, "date_to": first}).content.decode()
    assert complaint.work_order.number in text
    text = client.get(reverse("complaints:ledger"), {"date_from": second, "date_to": second}).content.decode()
    assert complaint.work_order.number not in text


def test_panel_reads_only_the_complaint_not_the_order_again(agent, investigating):
    """The detail page holds the order with its shop and customer: the panel adds the complaint row, not a re-read."""
    page, reads = detail_page_reads(agent, investigating.pk)
    assert 'data-testid="complaint-panel"' in page and reads == 1
