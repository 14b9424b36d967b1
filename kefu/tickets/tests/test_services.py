"""Work-order services: each is one transaction that writes its change and its history together, or nothing."""

from __future__ import annotations

import pytest

from kefu.accounts.models import Department
from kefu.core.errors import ServiceError
from kefu.core.tests.fixtures import fast_password_hashing, make_staff  # noqa: F401
from kefu.customers.services import create_customer
from kefu.tickets import services
from kefu.tickets.models import Priority, WorkOrder, WorkOrderEvent, WorkOrderSequence


def _events(order):
    return list(WorkOrderEvent.objects.filter(work_order=order).order_by("id"))


def _types(order):
    return [e.event_type for e in _events(order)]


def _fresh(order):
    return WorkOrder.objects.get(pk=order.pk)


def _nothing_written():
    return not WorkOrder.objects.exists() and not WorkOrderEvent.objects.exists()


def test_full_flow_writes_the_exact_event_sequence(make_order, agent, technician, engineering):
    order = make_order()
    order = services.accept_work_order(order, actor=agent)
    order = services.transfer_work_order(order, actor=agent, reason="需工程部上门", department_id=engineering.id)
    order = services.start_work_order(order, actor=technician)
    order = services.request_customer_confirmation(order, actor=technician, note="请客户确认上门时间")
    order = services.resume_work_order(order, actor=technician)
    order = services.resolve_work_order(order, actor=technician, resolution="更换水管接头")
    order = services.close_work_order(order, actor=agent, customer_response="已电话告知客户")
    order = services.reopen_work_order(order, actor=agent, reason="客户反映仍有渗水")
    order = services.start_work_order(order, actor=technician)
    order = services.resolve_work_order(order, actor=technician, resolution="重新做防水")
    order = services.close_work_order(order, actor=agent, customer_response="客户确认不再渗水")

    events = _events(order)
    assert [e.event_type for e in events] == [
        "created",
        "status_accept",
        "transferred",
        "status_start",
        "status_wait_customer",
        "status_resume",
        "status_resolve",
        "replied",
        "status_close",
        "status_reopen",
        "status_start",
        "status_resolve",
        "replied",
        "status_close",
    ]
    assert [e.actor for e in events] == [agent, agent, agent] + [technician] * 4 + [agent] * 3 + [technician] * 2 + [
        agent
    ] * 2
    statuses = [(e.old["status"], e.new["status"]) for e in events if e.event_type.startswith("status_")]
    assert statuses == [
        ("new", "accepted"),
        ("accepted", "in_progress"),
        ("in_progress", "awaiting_customer"),
        ("awaiting_customer", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
        ("closed", "reopened"),
        ("reopened", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "closed"),
    ]
    transferred = events[2]
    assert transferred.old == {"department": None, "assignee": agent.id}
    assert transferred.new == {"department": engineering.id, "assignee": None}
    assert transferred.note == "需工程部上门"
    assert events[9].note == "客户反映仍有渗水"
    row = _fresh(order)
    assert (row.status, row.resolution, row.version) == ("closed", "重新做防水", 12)  # one bump per service call
    # created_at never goes backwards along the timeline
    assert [e.created_at for e in events] == sorted(e.created_at for e in events)


def test_created_event_records_what_was_taken_down(make_order, agent, customer, engineering):
    order = make_order(priority=Priority.HIGH, department_id=engineering.id)
    (event,) = _events(order)
    assert event.event_type == "created" and event.actor == agent
    assert event.new == {
        "number": order.number,
        "type": "repair",
        "channel": "phone",
        "priority": Priority.HIGH,
        "customer": customer.id,
        "assignee": None,
        "department": engineering.id,
    }


def test_accept_now_takes_the_order_for_the_agent_on_the_call(make_order, agent):
    order = _fresh(make_order(accept_now=True))
    assert (order.status, order.assignee, order.version) == ("accepted", agent, 2)
    assert order.accepted_at == order.created_at
    assert _types(order) == ["created", "status_accept"]


def test_a_failing_create_leaves_no_order_no_event_and_gives_its_number_back(make_order):
    # The description is checked after the day's number was taken from the counter.
    with pytest.raises(ServiceError) as exc:
        make_order(description="漏水\x00")
    assert exc.value.code == "invalid_input" and "description" in exc.value.fields
    assert _nothing_written()
    assert not WorkOrderSequence.objects.filter(last_value__gt=0).exists()
    assert make_order().number.endswith("-0001")


def test_an_invalid_transition_changes_nothing_and_writes_no_event(make_order, agent):
    order = make_order()
    before = (_fresh(order).version, _types(order))
    with pytest.raises(ServiceError) as exc:
        services.close_work_order(order, actor=agent, customer_response="已答复客户")
    assert exc.value.code == "transition_not_allowed"
    assert (_fresh(order).version, _types(order)) == before
    assert _fresh(order).first_replied_at is None


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"subject": "  "}, "subject_required", "subject"),
        ({"subject": "漏" * 201}, "invalid_input", "subject"),
        ({"type": "gossip"}, "invalid_input", "type"),
        ({"channel": "pigeon"}, "invalid_input", "channel"),
        ({"priority": 9}, "invalid_input", "priority"),
        ({"customer_id": None}, "customer_required", "customer"),
        ({"shop_id": 999_999}, "invalid_input", "shop"),
        ({"department_id": 999_999}, "invalid_input", "department"),
        ({"assignee_id": 999_999}, "invalid_input", "assignee"),
        ({"floor": "x" * 21}, "invalid_input", "floor"),
    ],
)
def test_create_refuses_bad_input_and_writes_nothing(make_order, changes, code, field):
    with pytest.raises(ServiceError) as exc:
        make_order(**changes)
    assert exc.value.code == code
    assert field in exc.value.fields
    assert _nothing_written()


def test_an_anonymous_inquiry_needs_no_customer(make_order):
    order = make_order(type="inquiry", customer_id=None, subject="停车场几点关门")
    assert order.customer is None and order.status == "new"


def test_create_refuses_a_customer_of_another_site(make_order, other_site):
    boss = make_staff("wy-manager", "manager", sites=[other_site])
    stranger = create_customer(actor=boss, site_id=other_site.id, name="李娜", phones=["13912345678"])
    with pytest.raises(ServiceError) as exc:
        make_order(customer_id=stranger.id)
    assert exc.value.code == "customer_not_in_site"
    assert _nothing_written()


def test_create_at_a_site_the_actor_does_not_belong_to_is_not_found(make_order, other_site):
    with pytest.raises(ServiceError) as exc:
        make_order(site_id=other_site.id, customer_id=None, type="inquiry")
    assert exc.value.code == "not_found"
    assert _nothing_written()


def test_naming_a_customer_of_a_site_the_actor_does_not_belong_to_is_still_not_found(make_order, other_site):
    """The site and its customer are read together; that read must not let a customer open a foreign site."""
    boss = make_staff("wy-manager", "manager", sites=[other_site])
    theirs = create_customer(actor=boss, site_id=other_site.id, name="李娜", phones=["13912345678"])
    with pytest.raises(ServiceError) as exc:
        make_order(site_id=other_site.id, customer_id=theirs.id)
    assert exc.value.code == "not_found"
    assert _nothing_written()


def test_an_inactive_site_takes_no_orders_even_for_its_own_customer(make_order, site, customer):
    site.is_active = False
    site.save(update_fields=["is_active"])
    with pytest.raises(ServiceError) as exc:
        make_order(customer_id=customer.id)
    assert exc.value.code == "not_found"
    assert _nothing_written()


def test_an_administrator_creates_at_any_site_for_its_customer(make_order, other_site):
    admin = make_staff("root", "admin", sites=[], is_superuser=True)
    boss = make_staff("wy-manager", "manager", sites=[other_site])
    theirs = create_customer(actor=boss, site_id=other_site.id, name="李娜", phones=["13912345678"])
    order = make_order(actor=admin, site_id=other_site.id, customer_id=theirs.id)
    assert (order.site_id, order.customer_id) == (other_site.id, theirs.id)


def test_transfer_to_a_department_leaves_it_in_the_department_pool(make_order, agent, engineering):
    order = services.transfer_work_order(
        make_order(accept_now=True), actor=agent, reason="报修转工程部", department_id=engineering.id
    )
    row = _fresh(order)
    assert (row.department, row.assignee) == (engineering, None)


def test_transfer_to_a_person_keeps_the_department(make_order, agent, supervisor, service_center):
    order = make_order(department_id=service_center.id)
    services.transfer_work_order(order, actor=agent, reason="主管跟进", assignee_id=supervisor.id)
    row = _fresh(order)
    assert (row.department, row.assignee) == (service_center, supervisor)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"reason": " ", "department_id": "ENG"}, "reason_required"),
        ({"reason": "转接"}, "transfer_target_required"),
        ({"reason": "转接", "department_id": 999_999}, "invalid_input"),
    ],
)
def test_transfer_refuses_without_reason_or_target(make_order, agent, engineering, kwargs, code):
    order = make_order()
    if kwargs.get("department_id") == "ENG":
        kwargs = {**kwargs, "department_id": engineering.id}
    before = (_fresh(order).version, _types(order))
    with pytest.raises(ServiceError) as exc:
        services.transfer_work_order(order, actor=agent, **kwargs)
    assert exc.value.code == code
    assert (_fresh(order).version, _types(order)) == before


def test_transfer_and_assign_refuse_targets_of_another_site(make_order, agent, outsider, other_site):
    foreign = Department.objects.create(site=other_site, name="工程部")
    order = make_order()
    for call in (
        lambda: services.transfer_work_order(order, actor=agent, reason="转接", department_id=foreign.id),
        lambda: services.transfer_work_order(order, actor=agent, reason="转接", assignee_id=outsider.id),
        lambda: services.assign_work_order(order, actor=agent, assignee_id=outsider.id),
    ):
        with pytest.raises(ServiceError) as exc:
            call()
        assert exc.value.code == "invalid_input"
    assert _types(order) == ["created"]


def test_assign_records_from_whom_to_whom(make_order, agent, supervisor):
    order = make_order(accept_now=True)
    services.assign_work_order(order, actor=supervisor, assignee_id=supervisor.id)
    event = _events(order)[-1]
    assert (event.event_type, event.actor, event.old, event.new) == (
        "assigned",
        supervisor,
        {"assignee": agent.id},
        {"assignee": supervisor.id},
    )


def test_first_reply_time_is_set_once(make_order, agent):
    order = make_order(accept_now=True)
    services.reply_to_customer(order, actor=agent, body="您好,已登记")
    first = _fresh(order).first_replied_at
    services.reply_to_customer(_fresh(order), actor=agent, body="师傅已出发")
    assert first is not None and _fresh(order).first_replied_at == first
    assert _types(order)[-2:] == ["replied", "replied"]


def test_an_internal_note_does_not_bump_the_version(make_order, agent):
    order = make_order()
    version = _fresh(order).version
    event = services.add_internal_note(order, actor=agent, body="客户脾气急,注意沟通")
    assert (event.event_type, event.note) == ("note_added", "客户脾气急,注意沟通")
    assert _fresh(order).version == version


@pytest.mark.parametrize("body", ["", "   ", "ok\x07"])
def test_replies_and_notes_refuse_empty_or_control_text(make_order, agent, body):
    order = make_order()
    for call in (services.reply_to_customer, services.add_internal_note):
        with pytest.raises(ServiceError):
            call(order, actor=agent, body=body)
    assert _types(order) == ["created"]


def test_priority_change_is_recorded_and_a_no_op_writes_nothing(make_order, agent):
    order = make_order()
    services.change_priority(order, actor=agent, priority=Priority.URGENT, reason="客户投诉升级")
    services.change_priority(_fresh(order), actor=agent, priority=Priority.URGENT)
    events = [e for e in _events(order) if e.event_type == "priority_changed"]
    assert len(events) == 1
    assert (events[0].old, events[0].new, events[0].note) == (
        {"priority": Priority.NORMAL},
        {"priority": Priority.URGENT},
        "客户投诉升级",
    )
    with pytest.raises(ServiceError):
        services.change_priority(_fresh(order), actor=agent, priority=0)


# --- optimistic concurrency (single connection; the threaded races are in test_concurrency.py) -------------


def _stale_calls(order, agent, engineering):
    return {
        "accept": lambda v: services.accept_work_order(order, actor=agent, expected_version=v),
        "assign": lambda v: services.assign_work_order(order, actor=agent, assignee_id=agent.id, expected_version=v),
        "transfer": lambda v: services.transfer_work_order(
            order, actor=agent, reason="转接", department_id=engineering.id, expected_version=v
        ),
        "priority": lambda v: services.change_priority(order, actor=agent, priority=1, expected_version=v),
        "reply": lambda v: services.reply_to_customer(order, actor=agent, body="您好", expected_version=v),
        "cancel": lambda v: services.cancel_work_order(order, actor=agent, reason="撤回", expected_version=v),
    }


@pytest.mark.parametrize("name", ["accept", "assign", "transfer", "priority", "reply", "cancel"])
def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(make_order, agent, engineering, name):
    order = make_order()
    services.add_internal_note(order, actor=agent, body="先记一笔")  # notes do not bump the version
    services.change_priority(order, actor=agent, priority=Priority.HIGH)  # now version 2
    before = (_fresh(order).version, _fresh(order).updated_at, _types(order))
    call = _stale_calls(_fresh(order), agent, engineering)[name]
    with pytest.raises(ServiceError) as exc:
        call(1)
    assert (exc.value.code, exc.value.status) == ("version_conflict", 409)
    assert (_fresh(order).version, _fresh(order).updated_at, _types(order)) == before
    call(2)  # the current version goes through
    assert _fresh(order).version == 3
