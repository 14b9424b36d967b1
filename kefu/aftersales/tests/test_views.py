"""The after-sales pages: intake, the panel's steps, rules for managers, the shop's confirmation page; scoping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from conftest import detail_page_reads
from kefu.aftersales.models import AfterSalesCase, ReturnRequest, WarrantyRule


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_intake_page_registers_a_case_and_the_panel_shows_the_eligibility(agent, site, rule, today):
    c = _client(agent)
    assert c.get("/aftersales/new/").status_code == 200
    r = c.post(
        "/aftersales/new/",
        {
            "site": site.id,
            "customer_phone": "13900001111",
            "customer_name": "李娜",
            "kind": "repair",
            "channel": "walk_in",
            "rule": rule.id,
            "product_name": "洗衣机",
            "model": "XQB80",
            "purchased_on": (today - timedelta(days=10)).isoformat(),
            "problem": "脱水时异响",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    case = AfterSalesCase.objects.get()
    page = c.get(r["Location"]).content.decode()
    assert 'data-testid="aftersales-panel"' in page and "保修期内" in page
    assert case.work_order.customer.name == "李娜"


def test_intake_with_missing_fields_is_a_400_and_writes_nothing(agent, site, rule):
    r = _client(agent).post("/aftersales/new/", {"site": site.id, "rule": rule.id, "customer_phone": "13900001111"})
    assert r.status_code == 400
    assert not AfterSalesCase.objects.exists()


def test_panel_step_with_a_service_error_shows_the_message(agent, make_case):
    case = make_case()
    r = _client(agent).post(f"/aftersales/cases/{case.work_order_id}/path/", {"path": "on_site"})
    assert r.status_code == 400
    assert "上门" in r.content.decode() or "部门" in r.content.decode()
    case.refresh_from_db()
    assert case.path == ""


def test_step_on_another_sites_case_is_404(outsider, make_case):
    case = make_case()
    r = _client(outsider).post(f"/aftersales/cases/{case.work_order_id}/path/", {"path": "mail_in"})
    assert r.status_code == 404


def test_rules_page_only_for_managers(agent, manager, site, rule):
    assert _client(agent).get("/aftersales/rules/").status_code == 403
    c = _client(manager)
    assert "家电" in c.get("/aftersales/rules/").content.decode()
    r = c.post(
        f"/aftersales/rules/{rule.pk}/",
        {
            "site": site.id,
            "category": "家电",
            "warranty_days": 730,
            "return_days": 7,
            "exchange_days": 15,
            "allow_exchange": "on",
            "receipt_required": "on",
            "is_active": "on",
            "exclusions": "人为损坏",
        },
    )
    assert r.status_code == 302
    rule = WarrantyRule.objects.get()
    assert (rule.warranty_days, rule.version, rule.allow_refund) == (730, 2, False)


def test_shop_page_lists_only_its_shops_returns_and_records_the_answer(agent, make_case, shop, shop_user, site):
    from conftest import make_user
    from kefu.accounts.models import Role, Shop
    from kefu.aftersales import return_services

    case = make_case(kind="exchange", age_days=3, shop_id=shop.id)
    ret = return_services.open_desk_return(case, actor=agent, kind="exchange")
    other = make_user(Role.SHOP, sites=[site], shop=Shop.objects.create(site=site, number="Z9", name="别家"))
    assert case.work_order.number not in _client(other).get("/aftersales/returns/pending/").content.decode()
    assert _client(other).post(f"/aftersales/returns/{ret.pk}/confirm/", {"agreed": "yes"}).status_code == 404
    c = _client(shop_user)
    assert case.work_order.number in c.get("/aftersales/returns/pending/").content.decode()
    assert c.post(f"/aftersales/returns/{ret.pk}/confirm/", {"agreed": "yes"}).status_code == 302
    assert ReturnRequest.objects.get().status == "awaiting_receipt"
    # A shop user has no work-order queue: the case page stays closed to it.
    assert c.get(f"/work-orders/{case.work_order_id}/").status_code == 404


@pytest.mark.parametrize("url", ["/aftersales/new/", "/aftersales/rules/"])
def test_shop_user_has_no_desk_pages(shop_user, url):
    assert _client(shop_user).get(url).status_code == 403


def test_order_page_reads_the_case_without_reading_the_order_again(agent, make_case):
    page, reads = detail_page_reads(agent, make_case().work_order_id)
    assert 'data-testid="aftersales-panel"' in page and reads == 1


def _history(page: str) -> str:
    return page.split('class="as-history"', 1)[1].split("</details>", 1)[0]


def test_history_fold_shows_chinese_labels_not_event_codes(agent, make_case, today):
    from kefu.aftersales import services

    case = make_case()
    services.choose_repair_path(case, actor=agent, path="mail_in")
    services.record_inbound_shipment(case, actor=agent, carrier="顺丰速运", tracking_number="SF001", received_on=today)
    history = _history(_client(agent).get(f"/work-orders/{case.work_order_id}/").content.decode())
    codes = ["registered", "eligibility_checked", "path_chosen", "shipment_inbound"]
    for code in codes:
        assert f'data-event="{code}"' in history
        # The code stays only in the data attribute; the visible text is its label.
        assert history.count(code) == 1, code
    for label in ["登记售后单", "判定保修资格", "选择维修方式", "登记客户寄来的物流"]:
        assert label in history


def test_every_event_type_has_a_chinese_label():
    import re

    from django.utils import translation

    from kefu.aftersales.models import EventType, event_label

    with translation.override("zh-hans"):
        for code in EventType.values:
            label = str(event_label(code))
            assert label != code and re.search(r"[\u4e00-\u9fff]", label), (code, label)
