"""Repair paths (AS-04..AS-07): on-site dispatch, mail-in tracking both ways, notification before hand-over,
remedies of an unrepairable product by warranty state, and the generic resolve held back until the case is done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kefu.aftersales import services
from kefu.aftersales.models import AfterSalesEvent, ReturnRequest, Shipment, Stage
from kefu.core.errors import ServiceError
from kefu.tickets import services as tickets


def _mail_in(case, agent, today):
    services.choose_repair_path(case, actor=agent, path="mail_in")
    services.record_inbound_shipment(case, actor=agent, carrier="顺丰速运", tracking_number="SF001", received_on=today)


def test_on_site_repair_transfers_the_order_to_the_department(make_case, agent, technician, engineering):
    case = services.choose_repair_path(make_case(), actor=agent, path="on_site", department_id=engineering.id)
    case.work_order.refresh_from_db()
    assert case.work_order.department == engineering
    assert case.work_order.events.filter(event_type="transferred").exists()
    # The technician of that department now records the repair; on site the product never left the customer.
    services.record_repair(
        case, actor=technician, outcome="repaired", fault_cause="电容老化", repair_method="更换启动电容"
    )
    case.refresh_from_db()
    assert case.stage == Stage.DONE and case.handed_over_at is not None


def test_on_site_repair_needs_a_department(make_case, agent):
    case = make_case()
    with pytest.raises(ServiceError) as exc:
        services.choose_repair_path(case, actor=agent, path="on_site")
    assert exc.value.code == "department_required"
    case.refresh_from_db()
    assert case.stage == Stage.DECIDED and case.path == ""


def test_mail_in_tracking_both_ways(make_case, agent, today):
    case = make_case()
    services.choose_repair_path(case, actor=agent, path="mail_in")
    with pytest.raises(ServiceError) as exc:
        services.record_repair(case, actor=agent, outcome="repaired", fault_cause="a", repair_method="b")
    assert exc.value.code == "inbound_missing"
    services.record_inbound_shipment(case, actor=agent, carrier="顺丰速运", tracking_number="SF001", received_on=today)
    with pytest.raises(ServiceError) as exc:
        services.record_inbound_shipment(case, actor=agent, carrier="顺丰", tracking_number="SF002", received_on=today)
    assert exc.value.code == "shipment_exists"
    services.record_repair(case, actor=agent, outcome="repaired", fault_cause="传感器故障", repair_method="更换传感器")
    with pytest.raises(ServiceError) as exc:
        services.notify_customer(case, actor=agent, method="shipment")
    assert exc.value.code == "outbound_missing"
    services.record_outbound_shipment(case, actor=agent, carrier="顺丰速运", tracking_number="SF900", shipped_on=today)
    services.notify_customer(case, actor=agent, method="shipment", note="短信告知单号")
    services.record_handover(case, actor=agent, note="客户已签收")
    case.refresh_from_db()
    assert case.stage == Stage.DONE
    assert dict(Shipment.objects.filter(case=case).values_list("direction", "tracking_number")) == {
        "inbound": "SF001",
        "outbound": "SF900",
    }


def test_shipment_with_a_blank_tracking_number_is_refused_and_nothing_written(make_case, agent, today):
    case = make_case()
    services.choose_repair_path(case, actor=agent, path="mail_in")
    with pytest.raises(ServiceError) as exc:
        services.record_inbound_shipment(case, actor=agent, carrier="顺丰", tracking_number=" ", received_on=today)
    assert "tracking_number" in exc.value.fields
    assert not Shipment.objects.exists()


def test_handover_needs_the_customer_notified_first(make_case, agent, today):
    case = make_case()
    _mail_in(case, agent, today)
    services.record_repair(case, actor=agent, outcome="repaired", fault_cause="a", repair_method="b")
    with pytest.raises(ServiceError) as exc:
        services.record_handover(case, actor=agent)
    assert exc.value.code == "not_notified"
    services.notify_customer(case, actor=agent, method="pickup")
    services.record_handover(case, actor=agent)


def test_exchange_or_refund_offered_only_in_warranty(make_case, agent, today):
    in_warranty = make_case(age_days=100)
    _mail_in(in_warranty, agent, today)
    services.record_repair(
        in_warranty, actor=agent, outcome="unrepairable", fault_cause="主板烧毁", repair_method="无配件"
    )
    assert services.offered_remedies(in_warranty) == ["exchange", "refund"]

    out = make_case(age_days=500, serial_number="MD002")
    _mail_in(out, agent, today)
    services.record_repair(out, actor=agent, outcome="unrepairable", fault_cause="主板烧毁", repair_method="无配件")
    assert services.offered_remedies(out) == ["paid_repair", "return_product"]
    for remedy in ("exchange", "refund"):
        with pytest.raises(ServiceError) as exc:
            services.choose_remedy(out, actor=agent, remedy=remedy, refund_amount="100")
        assert exc.value.code == "remedy_not_offered"
    assert not ReturnRequest.objects.exists()


def test_exchange_is_not_offered_when_the_rule_allows_only_refund(make_case, rule, manager, agent, today):
    from kefu.aftersales import rule_services

    rule_services.update_warranty_rule(rule, actor=manager, allow_exchange=False)
    case = make_case()
    _mail_in(case, agent, today)
    services.record_repair(case, actor=agent, outcome="unrepairable", fault_cause="x", repair_method="y")
    assert services.offered_remedies(case) == ["refund"]


def test_paid_repair_out_of_warranty_needs_the_quote(make_case, agent, today):
    case = make_case(age_days=500)
    _mail_in(case, agent, today)
    services.record_repair(
        case, actor=agent, outcome="unrepairable", fault_cause="压缩机损坏", repair_method="需更换压缩机"
    )
    with pytest.raises(ServiceError) as exc:
        services.choose_remedy(case, actor=agent, remedy="paid_repair")
    assert exc.value.code == "quote_required"
    services.choose_remedy(case, actor=agent, remedy="paid_repair", quote_amount="680.00")
    case.refresh_from_db()
    assert case.stage == Stage.REPAIRING and str(case.quote_amount) == "680.00"
    record = services.record_repair(case, actor=agent, outcome="repaired", fault_cause="压缩机", repair_method="更换")
    assert record.paid is True


def test_generic_resolve_waits_for_the_after_sales_steps(make_case, agent, today):
    case = make_case()
    with pytest.raises(ServiceError) as exc:
        tickets.resolve_work_order(case.work_order, actor=agent, resolution="已处理")
    assert exc.value.code == "case_not_finished"
    _mail_in(case, agent, today)
    services.record_repair(case, actor=agent, outcome="repaired", fault_cause="a", repair_method="b")
    services.notify_customer(case, actor=agent, method="pickup")
    services.record_handover(case, actor=agent)
    order = tickets.resolve_work_order(case.work_order, actor=agent, resolution="维修完成，客户已取件")
    assert order.status == "resolved"


def test_case_of_another_site_is_not_found(make_case, outsider):
    case = make_case()
    with pytest.raises(ServiceError) as exc:
        services.choose_repair_path(case, actor=outsider, path="mail_in")
    assert exc.value.code == "not_found"


def test_not_covered_case_gets_no_repair_path(make_case, agent):
    case = services.check_eligibility(make_case(), actor=agent, exclusions_found=["人为损坏"])
    with pytest.raises(ServiceError) as exc:
        services.choose_repair_path(case, actor=agent, path="mail_in")
    assert exc.value.code == "not_covered"


def test_event_sequence_of_a_mail_in_repair(make_case, agent, today):
    case = make_case()
    _mail_in(case, agent, today)
    services.record_repair(case, actor=agent, outcome="repaired", fault_cause="a", repair_method="b")
    services.record_outbound_shipment(
        case, actor=agent, carrier="顺丰", tracking_number="SF9", shipped_on=today + timedelta(days=0)
    )
    services.notify_customer(case, actor=agent, method="shipment")
    services.record_handover(case, actor=agent)
    assert list(AfterSalesEvent.objects.filter(case=case).values_list("event_type", flat=True)) == [
        "registered",
        "eligibility_checked",
        "path_chosen",
        "shipment_inbound",
        "repair_repaired",
        "shipment_outbound",
        "customer_notified",
        "handed_over",
    ]


def test_every_event_code_written_is_an_event_type_with_a_label(make_case, agent):
    from kefu.aftersales import access

    case = make_case()
    # An unknown code would reach the history fold without a label, so it is refused before anything is written.
    with pytest.raises(ValueError):
        access.event(case, agent, "no_such_event")
    assert not AfterSalesEvent.objects.filter(case=case, event_type="no_such_event").exists()
