"""The complaint rules (CMP-07..17) through the real services, and the guards on the generic work-order actions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kefu.complaints import services, solution_services
from kefu.complaints.models import Compensation, Proposal
from kefu.core import hooks
from kefu.core.errors import ServiceError
from kefu.sla.models import Metric, WorkOrderClock
from kefu.tickets import services as work_orders
from kefu.tickets.models import WorkOrder


def _order(complaint) -> WorkOrder:
    return WorkOrder.objects.get(pk=complaint.pk)


def _reply(complaint, actor, **kw):
    params = dict(body="经核实,商铺同意全额退款,再次向您致歉。", channel="phone", apology_repeated=True)
    params.update(kw)
    return solution_services.reply_with_solution(complaint, actor=actor, **params)


def test_on_the_spot_resolution_needs_the_customers_acceptance(register, agent):
    complaint = register()
    with pytest.raises(ServiceError) as exc:
        services.resolve_on_the_spot(complaint, actor=agent, resolution="当场为顾客更换", customer_accepted=False)
    assert exc.value.code == "acceptance_required"
    complaint = services.resolve_on_the_spot(
        complaint, actor=agent, resolution="当场为顾客更换同款新品", customer_accepted=True
    )
    order = _order(complaint)
    assert order.status == "resolved" and order.resolution == "当场为顾客更换同款新品"
    assert complaint.path == "on_the_spot" and complaint.outcome == "accepted"


def test_investigation_requires_a_promised_reply_time_on_the_sla_clock(register, agent, soon):
    complaint = register()
    with pytest.raises(ServiceError) as exc:
        services.start_investigation(complaint, actor=agent, promised_reply_at=None, told_customer="稍后答复")
    assert "promised_reply_at" in exc.value.fields
    services.start_investigation(complaint, actor=agent, promised_reply_at=soon, told_customer="今天下班前答复")
    clock = WorkOrderClock.objects.get(work_order_id=complaint.pk, metric=Metric.PROMISED_REPLY)
    assert clock.due_at == soon
    assert _order(complaint).status == "in_progress"


def test_reply_blocked_until_two_proposals_and_approval(investigating, agent, supervisor, shop_user):
    first = solution_services.propose_solution(investigating, actor=agent, text="全额退款")
    with pytest.raises(ServiceError) as exc:
        _reply(investigating, agent)
    assert exc.value.code == "no_approved_proposal"
    with pytest.raises(ServiceError) as exc:
        solution_services.approve_proposal(first, actor=supervisor)
    assert exc.value.code == "two_proposals_required"
    solution_services.propose_solution(investigating, actor=agent, text="换货并赠送洗衣袋")
    with pytest.raises(ServiceError):
        _reply(investigating, agent)  # two proposals, none approved yet
    solution_services.approve_proposal(first, actor=supervisor)
    solution_services.confirm_by_shop(first, actor=shop_user)
    proposal = _reply(investigating, agent)
    assert proposal.replied_at is not None and proposal.reply_channel == "phone"
    assert _order(investigating).status == "awaiting_customer"
    assert Proposal.objects.get(number=2).status == "superseded"


def test_generic_reply_resolve_and_close_of_a_complaint_are_refused(investigating, two_proposals, agent, supervisor):
    order = _order(investigating)
    with pytest.raises(ServiceError) as exc:
        work_orders.reply_to_customer(order, actor=agent, body="已经处理好了")
    assert exc.value.code == "no_approved_proposal"
    with pytest.raises(ServiceError) as exc:
        work_orders.resolve_work_order(order, actor=agent, resolution="处理完毕")
    assert exc.value.code == "not_accepted_yet"
    assert not order.events.filter(event_type="replied").exists()
    assert _order(investigating).status == "in_progress"


def test_complaint_work_order_without_case_file_cannot_be_answered_generically(make_order, agent):
    order = make_order(type="complaint", accept_now=True)
    with pytest.raises(ServiceError) as exc:
        work_orders.reply_to_customer(order, actor=agent, body="您好")
    assert exc.value.code == "case_file_missing"


def test_agent_cannot_approve(two_proposals, agent):
    with pytest.raises(ServiceError) as exc:
        solution_services.approve_proposal(two_proposals[0], actor=agent)
    assert exc.value.code == "permission_denied"
    assert Proposal.objects.filter(status="approved").count() == 0


def test_shop_confirmation_required_when_shop_involved(investigating, two_proposals, agent, supervisor, site):
    from conftest import make_user
    from kefu.accounts.models import Role, Shop

    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    with pytest.raises(ServiceError) as exc:
        _reply(investigating, agent)
    assert exc.value.code == "shop_confirmation_required"
    other_shop = Shop.objects.create(site=site, number="F2-201", name="乐活家居")
    stranger = make_user(Role.SHOP, sites=[site], shop=other_shop)
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=stranger)
    assert exc.value.code == "not_this_shop"
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=agent, confirmer_name=" ")
    assert exc.value.code == "shop_confirmer_required"
    # Staff may record the confirmation the shop's principal gave by phone, naming that person.
    confirmed = solution_services.confirm_by_shop(a, actor=agent, confirmer_name="钱芳(店长)")
    assert confirmed.confirmer_name == "钱芳(店长)" and confirmed.confirmed_by == agent
    _reply(investigating, agent)


def test_complaint_without_shop_needs_no_shop_confirmation(register, agent, supervisor, soon):
    complaint = services.start_investigation(register(), actor=agent, promised_reply_at=soon, told_customer="明天答复")
    a = solution_services.propose_solution(complaint, actor=agent, text="赔偿干洗费")
    solution_services.propose_solution(complaint, actor=agent, text="赠送购物券")
    solution_services.approve_proposal(a, actor=supervisor)
    assert _reply(complaint, agent).replied_at is not None


def test_reply_must_repeat_the_apology(ready_to_reply, agent):
    with pytest.raises(ServiceError) as exc:
        _reply(ready_to_reply, agent, apology_repeated=False)
    assert exc.value.code == "apology_repeat_required"
    assert not _order(ready_to_reply).events.filter(event_type="replied").exists()


def test_rejected_solution_reopens_planning(ready_to_reply, agent, supervisor, shop_user):
    _reply(ready_to_reply, agent)
    with pytest.raises(ServiceError) as exc:
        solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=False, opinion="")
    assert exc.value.code == "opinion_required"
    solution_services.record_customer_answer(
        ready_to_reply, actor=agent, accepted=False, opinion="退款太慢,要求当天到账"
    )
    complaint = services.lock(ready_to_reply.pk)
    assert complaint.round == 2 and complaint.outcome == ""
    assert _order(complaint).status == "in_progress"  # 务必继续跟进: still open
    # The new round starts from nothing: two new proposals and a new approval before the customer hears again.
    with pytest.raises(ServiceError):
        _reply(complaint, agent)
    c = solution_services.propose_solution(complaint, actor=agent, text="当天原路退款并补偿50元购物券")
    solution_services.propose_solution(complaint, actor=agent, text="当天现金退款")
    assert {p.round for p in Proposal.objects.filter(number__in=[3, 4])} == {2}
    solution_services.approve_proposal(c, actor=supervisor)
    solution_services.confirm_by_shop(c, actor=shop_user)
    _reply(complaint, agent)
    solution_services.record_customer_answer(complaint, actor=agent, accepted=True)
    assert _order(complaint).status == "resolved"


def test_complaint_stays_open_until_the_customer_accepts(ready_to_reply, agent):
    _reply(ready_to_reply, agent)
    with pytest.raises(ServiceError) as exc:
        services.close_complaint(ready_to_reply, actor=agent, root_cause="面料问题", preventive_measure="加强验货")
    assert exc.value.code == "not_accepted_yet"
    assert _order(ready_to_reply).status == "awaiting_customer"


def test_close_requires_root_cause(ready_to_reply, agent):
    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=True)
    with pytest.raises(ServiceError) as exc:
        services.close_complaint(ready_to_reply, actor=agent, root_cause="", preventive_measure="")
    assert set(exc.value.fields) == {"root_cause", "preventive_measure"}
    with pytest.raises(ServiceError) as exc:
        work_orders.close_work_order(_order(ready_to_reply), actor=agent)
    assert exc.value.code == "root_cause_required"
    assert _order(ready_to_reply).status == "resolved"


def test_close_goes_through_the_work_order_close_and_fires_its_hook(ready_to_reply, agent):
    closed = []

    def receiver(*, work_order, actor, **_):
        closed.append(work_order.pk)

    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=True)
    hooks.register(hooks.WORK_ORDER_CLOSED, receiver)
    try:
        complaint = services.close_complaint(
            ready_to_reply, actor=agent, root_cause="面料缩水率超标", preventive_measure="要求商铺提供检测报告",
            liability="shop",
        )  # fmt: skip
    finally:
        hooks.unregister(hooks.WORK_ORDER_CLOSED, receiver)
    assert closed == [complaint.pk]
    assert _order(complaint).status == "closed" and complaint.liability == "shop"


def test_liability_stays_undetermined_until_root_cause_is_known(ready_to_reply, agent):
    from django.db import IntegrityError, transaction

    from kefu.complaints.models import Complaint

    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=ready_to_reply.pk).update(liability="shop")


def test_close_unresolved_only_by_a_manager_with_a_reason(ready_to_reply, agent, supervisor, manager):
    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=False, opinion="要求三倍赔偿")
    args = dict(reason="顾客要求超出规定,多次协商未果", root_cause="顾客期望过高", preventive_measure="明示退换货规定",
                customer_response="已告知顾客可向消协申诉")  # fmt: skip
    for person in (agent, supervisor):
        with pytest.raises(ServiceError) as exc:
            services.close_unresolved(ready_to_reply, actor=person, **args)
        assert exc.value.code == "permission_denied"
    with pytest.raises(ServiceError) as exc:
        services.close_unresolved(ready_to_reply, actor=manager, **{**args, "reason": ""})
    assert exc.value.code == "reason_required"
    complaint = services.close_unresolved(ready_to_reply, actor=manager, **args)
    assert complaint.outcome == "unresolved" and _order(complaint).status == "closed"


def test_compensation_in_money_needs_amount_and_approver(investigating, agent, supervisor):
    with pytest.raises(ServiceError) as exc:
        solution_services.record_compensation(investigating, actor=agent, kind="refund", approver_id=supervisor.id)
    assert exc.value.code == "amount_required"
    for bad in ("-5", "abc", "1.234", "0"):
        with pytest.raises(ServiceError) as exc:
            solution_services.record_compensation(
                investigating, actor=agent, kind="refund", amount=bad, approver_id=supervisor.id
            )
        assert exc.value.code == "amount_invalid"
    with pytest.raises(ServiceError) as exc:
        solution_services.record_compensation(investigating, actor=agent, kind="refund", amount="199.00")
    assert exc.value.code == "approver_required"
    with pytest.raises(ServiceError):
        solution_services.record_compensation(
            investigating,
            actor=agent,
            kind="refund",
            amount="199",
            approver_id=agent.id,  # agents do not approve
        )
    assert not Compensation.objects.exists()
    row = solution_services.record_compensation(
        investigating, actor=agent, kind="refund", item="衬衫货款", amount="199.00", own_fault=False,
        approver_id=supervisor.id,
    )  # fmt: skip
    assert row.amount == Decimal("199.00") and row.approved_by == supervisor
    apology = solution_services.record_compensation(investigating, actor=supervisor, kind="apology", item="书面致歉")
    assert apology.amount is None and apology.approved_by == supervisor


def test_reopened_complaint_starts_a_new_proposal_round(ready_to_reply, agent):
    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=True)
    services.close_complaint(ready_to_reply, actor=agent, root_cause="面料问题", preventive_measure="加强验货")
    work_orders.reopen_work_order(_order(ready_to_reply), actor=agent, reason="顾客反映退款未到账")
    complaint = services.lock(ready_to_reply.pk)
    assert complaint.outcome == "" and complaint.round == 2 and complaint.path == "investigation"
    with pytest.raises(ServiceError):
        work_orders.reply_to_customer(_order(complaint), actor=agent, body="马上处理")


def test_event_sequence_of_a_full_complaint(ready_to_reply, agent, supervisor, shop_user):
    _reply(ready_to_reply, agent)
    solution_services.record_customer_answer(ready_to_reply, actor=agent, accepted=False, opinion="要求当天退款")
    complaint = services.lock(ready_to_reply.pk)
    c = solution_services.propose_solution(complaint, actor=agent, text="当天退款")
    solution_services.propose_solution(complaint, actor=agent, text="当天退款并补偿")
    solution_services.approve_proposal(c, actor=supervisor)
    solution_services.confirm_by_shop(c, actor=shop_user)
    _reply(complaint, agent)
    solution_services.record_customer_answer(complaint, actor=agent, accepted=True)
    services.close_complaint(complaint, actor=agent, root_cause="面料问题", preventive_measure="加强验货")
    assert list(complaint.events.values_list("event_type", flat=True)) == [
        "registered", "investigation_started", "proposal_added", "proposal_added", "proposal_approved",
        "shop_confirmed", "solution_replied", "customer_rejected", "proposal_added", "proposal_added",
        "proposal_approved", "shop_confirmed", "solution_replied", "customer_accepted", "closed",
    ]  # fmt: skip
    assert list(_order(complaint).events.values_list("event_type", flat=True)) == [
        "created", "status_accept", "status_start", "replied", "status_wait_customer", "status_resume", "replied",
        "status_wait_customer", "status_resolve", "status_close",
    ]  # fmt: skip


# --- every involved shop confirms (CMP-11: 涉及商铺的, 须商铺负责人认可后方可答复顾客) -----------------------------


def _second_shop(site, username):
    from conftest import make_user
    from kefu.accounts.models import Role, Shop

    shop = Shop.objects.create(site=site, number="F3-301", name="乐活家居")
    return shop, make_user(Role.SHOP, sites=[site], shop=shop, username=username, display_name="孙磊")


def _task_to(complaint, agent, shop, owner, soon):
    from kefu.complaints import task_services

    return task_services.assign_coordination_task(
        complaint, actor=agent, party="shop", owner_id=owner.id, shop_id=shop.id, instruction="请核实销售记录。",
        due_at=soon,
    )  # fmt: skip


def test_every_involved_shop_confirms_before_the_reply(
    investigating, two_proposals, agent, supervisor, shop_user, shop, site, soon
):
    other, other_user = _second_shop(site, "shop2")
    _task_to(investigating, agent, other, other_user, soon)
    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    with pytest.raises(ServiceError) as exc:
        _reply(investigating, agent)
    assert exc.value.code == "shop_confirmation_required"
    assert shop.name in exc.value.message and other.name in exc.value.message
    solution_services.confirm_by_shop(a, actor=shop_user)
    with pytest.raises(ServiceError) as exc:
        _reply(investigating, agent)
    # The block names only the shop still to confirm.
    assert other.name in exc.value.message and shop.name not in exc.value.message
    solution_services.confirm_by_shop(a, actor=other_user)
    _reply(investigating, agent)
    rows = {(c.shop_id, c.confirmed_by_id) for c in a.shop_confirmations.all()}
    assert rows == {(shop.id, shop_user.id), (other.id, other_user.id)}
    events = investigating.events.filter(event_type="shop_confirmed")
    assert sorted(e.new["shop"] for e in events) == sorted([shop.id, other.id])


def test_a_shop_reached_only_by_a_task_must_confirm(register, agent, supervisor, shop_user, shop, soon):
    from kefu.complaints import selectors
    from kefu.core.models import Notification

    complaint = services.start_investigation(register(), actor=agent, promised_reply_at=soon, told_customer="明天答复")
    _task_to(complaint, agent, shop, shop_user, soon)
    a = solution_services.propose_solution(complaint, actor=agent, text="赔偿干洗费")
    solution_services.propose_solution(complaint, actor=agent, text="赠送购物券")
    solution_services.approve_proposal(a, actor=supervisor)
    assert Notification.objects.filter(recipient=shop_user, kind="complaint_confirm").count() == 1
    with pytest.raises(ServiceError) as exc:
        _reply(complaint, agent)
    assert exc.value.code == "shop_confirmation_required" and shop.name in exc.value.message
    assert [p.pk for p in selectors.confirmations_for_shop(shop_user)] == [a.pk]
    solution_services.confirm_by_shop(a, actor=shop_user)
    assert selectors.confirmations_for_shop(shop_user) == []
    assert _reply(complaint, agent).replied_at is not None


def test_a_shop_drawn_in_after_the_approval_is_asked_to_confirm(
    investigating, two_proposals, agent, supervisor, shop_user, site, soon
):
    """A coordination task to a new shop after the approval makes that shop a confirmer: its login is asked at
    once; a second task to a shop already involved asks nobody again."""
    from kefu.core.models import Notification

    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    other, other_user = _second_shop(site, "shop2")
    assert not Notification.objects.filter(recipient=other_user, kind="complaint_confirm").exists()
    _task_to(investigating, agent, other, other_user, soon)
    assert Notification.objects.filter(recipient=other_user, kind="complaint_confirm").count() == 1
    _task_to(investigating, agent, other, other_user, soon)
    assert Notification.objects.filter(recipient=other_user, kind="complaint_confirm").count() == 1
    assert Notification.objects.filter(recipient=shop_user, kind="complaint_confirm").count() == 1  # at approval


def test_a_shop_user_cannot_confirm_for_another_shop(
    investigating, two_proposals, agent, supervisor, shop_user, shop, site, soon
):
    from conftest import make_user
    from kefu.accounts.models import Role, Shop
    from kefu.complaints import selectors
    from kefu.core.errors import CoreError

    other, other_user = _second_shop(site, "shop2")
    _task_to(investigating, agent, other, other_user, soon)
    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=other_user, shop_id=shop.id)
    assert exc.value.code == "not_this_shop"
    assert not a.shop_confirmations.exists()
    # A shop with no part in the complaint neither sees the proposal nor confirms it.
    stranger = make_user(Role.SHOP, sites=[site], shop=Shop.objects.create(site=site, number="B1-01", name="无关店"))
    with pytest.raises(ServiceError) as exc:
        selectors.get_proposal_for(stranger, a.pk)
    assert exc.value.error is CoreError.NOT_FOUND
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=stranger)
    assert exc.value.code == "not_this_shop"
    # Each shop's page lists what its own shop still owes, whatever the other shop did.
    solution_services.confirm_by_shop(a, actor=other_user)
    assert selectors.confirmations_for_shop(other_user) == []
    assert [p.pk for p in selectors.confirmations_for_shop(shop_user)] == [a.pk]
    assert selectors.confirmations_for_shop(stranger) == []
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=other_user)
    assert exc.value.code == "shop_already_confirmed"


def test_staff_recording_a_confirmation_name_the_shop_when_several_are_pending(
    investigating, two_proposals, agent, supervisor, shop, site, soon
):
    other, other_user = _second_shop(site, "shop2")
    _task_to(investigating, agent, other, other_user, soon)
    a, _b = two_proposals
    solution_services.approve_proposal(a, actor=supervisor)
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=agent, confirmer_name="钱芳(店长)")
    assert exc.value.code == "shop_required" and "shop" in exc.value.fields
    uninvolved = other.pk + 1000
    with pytest.raises(ServiceError) as exc:
        solution_services.confirm_by_shop(a, actor=agent, confirmer_name="钱芳(店长)", shop_id=uninvolved)
    assert exc.value.code == "shop_not_involved"
    row = solution_services.confirm_by_shop(a, actor=agent, confirmer_name="钱芳(店长)", shop_id=shop.id)
    assert row.shop_id == shop.id
    # One shop left: staff need not name it.
    assert solution_services.confirm_by_shop(a, actor=agent, confirmer_name="孙磊(电话)").shop_id == other.id
    _reply(investigating, agent)
