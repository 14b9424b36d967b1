from kefu.tickets import services
from kefu.tickets.models import WorkOrderEvent


def test_phone_call_to_closure_writes_the_event_sequence(make_order, agent, technician, engineering):
    order = make_order(accept_now=True)
    assert order.number.startswith("GD-") and order.number.endswith("-0001")
    order = services.transfer_work_order(order, actor=agent, reason="需要工程部维修", department_id=engineering.id)
    order = services.start_work_order(order, actor=technician)
    order = services.resolve_work_order(order, actor=technician, resolution="更换水管接头,已不漏水")
    order = services.close_work_order(order, actor=agent, customer_response="已电话告知客户维修完成")
    assert order.status == "closed"
    assert list(WorkOrderEvent.objects.filter(work_order=order).values_list("event_type", flat=True)) == [
        "created",
        "status_accept",
        "transferred",
        "status_start",
        "status_resolve",
        "replied",
        "status_close",
    ]
