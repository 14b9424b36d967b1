"""Intake (CMP-01..04, CMP-22): every mandatory field, walk-ins taken to the office, repeat complainants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.complaints import services
from kefu.complaints.models import Complaint, ComplaintEvent, ComplaintSettings
from kefu.core.errors import ServiceError
from kefu.tickets.models import WorkOrder

from .conftest import intake_data


def test_intake_records_every_mandatory_field(register, agent, shop):
    complaint = register(shop_id=shop.id, staff_involved="导购小王", severity="serious")
    order = complaint.work_order
    assert (order.type, order.status, order.channel) == ("complaint", "accepted", "phone")
    assert order.subject == "衬衫洗后严重缩水" and order.product == "男士纯棉衬衫" and order.shop == shop
    assert order.staff_involved == "导购小王"
    assert complaint.complainant_name == "张伟" and complaint.contact == "13812345678"
    assert complaint.category == "商品质量" and complaint.demand == "要求退货退款"
    assert complaint.apology_note.startswith("已向顾客致歉") and complaint.apology_by == agent
    assert complaint.complained_at is not None and complaint.liability == "undetermined"
    assert list(complaint.events.values_list("event_type", flat=True)) == ["registered"]


@pytest.mark.parametrize(
    "field, message",
    [
        ("complainant_name", "投诉人"),
        ("contact", "联系"),
        ("subject", "投诉事项"),
        ("product", "商品或服务"),
        ("category", "类别"),
        ("demand", "诉求"),
        ("apology_note", "致歉"),
    ],
)
def test_intake_refuses_missing_mandatory_data_and_saves_nothing(site, agent, customer, field, message):
    with pytest.raises(ServiceError) as exc:
        services.register_complaint(actor=agent, **intake_data(site, customer, **{field: "  "}))
    assert field in exc.value.fields
    assert message in " ".join(exc.value.fields[field])
    assert not WorkOrder.objects.exists() and not Complaint.objects.exists()


def test_category_comes_from_the_sites_configurable_catalogue(register, site, manager, agent, customer):
    with pytest.raises(ServiceError):
        register(category="停车收费")
    services.update_complaint_settings(
        actor=manager, site_id=site.id, categories=["停车收费", "其他"], repeat_threshold=3, repeat_window_days=90
    )
    assert register(category="停车收费").category == "停车收费"
    with pytest.raises(ServiceError):
        register(category="商品质量")  # no longer in this site's list


def test_agent_cannot_change_complaint_settings(site, agent):
    with pytest.raises(ServiceError) as exc:
        services.update_complaint_settings(
            actor=agent, site_id=site.id, categories=["其他"], repeat_threshold=3, repeat_window_days=90
        )
    assert exc.value.code == "permission_denied"
    assert not ComplaintSettings.objects.exists()


def test_walk_in_complaint_is_registered_first_then_taken_to_the_office_area(register, agent):
    complaint = register(channel="walk_in")
    assert complaint.taken_to_office_at is None
    later = timezone.now()
    complaint = services.mark_taken_to_office(complaint, actor=agent, at=later)
    assert complaint.taken_to_office_at == later
    assert list(complaint.events.values_list("event_type", flat=True)) == ["registered", "taken_to_office"]
    flagged = register(channel="walk_in", taken_to_office=True)
    assert flagged.taken_to_office_at is not None


def test_new_complainant_is_added_to_the_archive_with_the_contact_number(site, agent, customer):
    data = intake_data(site, customer, customer_id=None, complainant_name="李娜", contact="139 1111 2222")
    complaint = services.register_complaint(actor=agent, **data)
    assert complaint.work_order.customer.name == "李娜"
    assert complaint.work_order.customer.phones.get().national == "13911112222"


def test_bad_contact_for_a_new_complainant_is_reported_on_the_contact_field(site, agent, customer):
    with pytest.raises(ServiceError) as exc:
        services.register_complaint(actor=agent, **intake_data(site, customer, customer_id=None, contact="abc"))
    assert "contact" in exc.value.fields
    assert not WorkOrder.objects.exists()


def test_complaint_time_cannot_lie_in_the_future(register):
    with pytest.raises(ServiceError) as exc:
        register(complained_at=timezone.now() + timedelta(days=1))
    assert "complained_at" in exc.value.fields


def test_repeat_complainant_is_flagged_as_key_customer(register, customer):
    register()
    register()
    customer.refresh_from_db()
    assert not customer.is_key_customer
    third = register()
    customer.refresh_from_db()
    assert customer.is_key_customer
    assert "3" in customer.key_customer_reason and "90" in customer.key_customer_reason
    assert third.events.filter(event_type="key_customer_flagged").exists()


def test_repeat_threshold_is_configurable_per_site(register, site, manager, customer):
    services.update_complaint_settings(
        actor=manager, site_id=site.id, categories=["商品质量"], repeat_threshold=2, repeat_window_days=30
    )
    register()
    register()
    customer.refresh_from_db()
    assert customer.is_key_customer


def test_other_sites_agent_cannot_register_there(site, outsider, customer):
    with pytest.raises(ServiceError) as exc:
        services.register_complaint(actor=outsider, **intake_data(site, customer))
    assert exc.value.code == "not_found"
    assert not ComplaintEvent.objects.exists()


@pytest.mark.parametrize("offset", [timedelta(hours=-2), timedelta(hours=2)], ids=["before_the_complaint", "future"])
def test_taken_to_the_office_time_lies_between_the_complaint_and_now(register, agent, offset):
    complaint = register(channel="walk_in")
    with pytest.raises(ServiceError) as exc:
        services.mark_taken_to_office(complaint, actor=agent, at=timezone.now() + offset)
    assert exc.value.code == "office_time_invalid" and "taken_to_office_at" in exc.value.fields
    complaint.refresh_from_db()
    assert complaint.taken_to_office_at is None
    assert list(complaint.events.values_list("event_type", flat=True)) == ["registered"]
