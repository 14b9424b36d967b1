"""Who may see and work a repair: the dispatched department's staff, desk roles; nobody of another site."""

from __future__ import annotations

import pytest

from kefu.core.errors import ServiceError
from kefu.repairs import fieldwork, selectors
from kefu.repairs.models import RepairEvent

from .conftest import later

pytestmark = pytest.mark.django_db


def test_technician_sees_only_orders_dispatched_to_his_department(make_repair, technician, guard, security_dept):
    ours = make_repair()
    theirs = make_repair(department_id=security_dept.id, fault="单元门禁失灵")
    assert [s.pk for s in selectors.open_repairs_for(technician)] == [ours.pk]
    assert [s.pk for s in selectors.open_repairs_for(guard)] == [theirs.pk]
    with pytest.raises(ServiceError) as exc:
        selectors.get_repair_for(technician, theirs.work_order_id)
    assert exc.value.status == 404


def test_technician_loses_a_repair_transferred_to_another_department(make_repair, technician, agent, security_dept):
    from kefu.tickets import services as tickets

    sheet = fieldwork.accept_repair(make_repair(), actor=technician)
    tickets.transfer_work_order(sheet.work_order, actor=agent, reason="门禁归保安部", department_id=security_dept.id)
    with pytest.raises(ServiceError) as exc:
        selectors.get_repair_for(technician, sheet.work_order_id)
    assert exc.value.status == 404
    with pytest.raises(ServiceError) as exc:
        fieldwork.record_arrival(sheet, actor=technician)
    assert exc.value.code == "not_your_department"


def test_other_department_cannot_act_on_the_repair(make_repair, guard):
    sheet = make_repair()
    for step, kwargs in [
        (fieldwork.accept_repair, {}),
        (fieldwork.record_fee, {"chargeable": False}),
        (fieldwork.add_part, {"name": "锁芯", "quantity": "1", "unit": "个"}),
    ]:
        with pytest.raises(ServiceError) as exc:
            step(sheet, actor=guard, **kwargs)
        assert exc.value.code == "not_your_department" and exc.value.status == 403
    assert list(RepairEvent.objects.values_list("event_type", flat=True)) == ["dispatched"]


def test_desk_roles_may_act_on_any_repair_of_their_site(make_repair, agent):
    sheet = fieldwork.accept_repair(make_repair(), actor=agent)
    assert sheet.accepted_by == agent


def test_finance_sees_repairs_but_cannot_work_them(make_repair, finance):
    sheet = make_repair()
    assert selectors.get_repair_for(finance, sheet.work_order_id) == sheet
    with pytest.raises(ServiceError) as exc:
        fieldwork.accept_repair(sheet, actor=finance)
    assert exc.value.status == 403


def test_other_site_repair_is_not_found(make_repair, outsider, other_site_technician):
    sheet = make_repair()
    for actor in (outsider, other_site_technician):
        with pytest.raises(ServiceError) as exc:
            selectors.get_repair_for(actor, sheet.work_order_id)
        assert exc.value.status == 404
        with pytest.raises(ServiceError) as exc:
            fieldwork.accept_repair(sheet, actor=actor)
        assert exc.value.status == 404
    assert selectors.open_repairs_for(outsider) == []


def test_other_site_cannot_confirm(completed, outsider):
    with pytest.raises(ServiceError) as exc:
        fieldwork.confirm_by_customer(completed, actor=outsider, name="张伟", confirmed_at=later(0))
    assert exc.value.status == 404


def test_the_detail_panels_rule_for_an_order_in_hand_is_the_scope_of_repair_sheets_for(
    make_repair,
    make_order,
    agent,
    supervisor,
    finance,
    technician,
    guard,
    outsider,
    other_site_technician,
    security_dept,
):
    ours, theirs = make_repair(), make_repair(department_id=security_dept.id, fault="单元门禁失灵")
    inquiry = make_order(type="inquiry")
    for actor in (agent, supervisor, finance, technician, guard, outsider, other_site_technician):
        for order in (ours.work_order, theirs.work_order, inquiry):
            scoped = selectors.repair_sheets_for(actor).filter(work_order_id=order.pk).exists()
            assert selectors.may_see_repair_of(actor, order) == scoped, (actor, order)
            assert (selectors.repair_of_order(actor, order) is not None) == scoped, (actor, order)
