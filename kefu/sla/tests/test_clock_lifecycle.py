"""SLA clocks on work orders: started by policy, paused and resumed by status, met by replies, breached by the scan."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.models import Notification
from kefu.sla import services as sla
from kefu.sla.config_services import save_sla_policy
from kefu.sla.models import ClockState, Escalation, Metric, SlaConfigEvent, SlaEvent, SlaPolicy, WorkOrderClock
from kefu.sla.tasks import scan_deadlines
from kefu.tickets import services as wo
from kefu.tickets.models import WorkOrder


def clock(order, metric):
    return WorkOrderClock.objects.get(work_order=order, metric=metric)


def test_first_matching_policy_starts_clocks_and_stores_due_on_order(duty_site, make_order):
    order = make_order(type="complaint", channel="walk_in", accept_now=True)
    first = clock(order, Metric.FIRST_RESPONSE)
    assert first.policy.name.startswith("投诉")
    assert first.due_at == order.created_at + timedelta(minutes=30)
    order.refresh_from_db()
    assert order.due_at == first.due_at and order.sla_state == "on_track"
    assert not WorkOrderClock.objects.filter(work_order=order, metric=Metric.PROMISED_REPLY).exists()


def test_urgent_priority_policy_wins_over_type(duty_site, make_order):
    order = make_order(type="complaint", channel="phone", priority=1)
    assert clock(order, Metric.RESOLUTION).policy.name.startswith("紧急")


def test_online_message_first_reply_within_one_minute(duty_site, make_order):
    order = make_order(type="inquiry", channel="online")
    assert clock(order, Metric.FIRST_RESPONSE).due_at == order.created_at + timedelta(minutes=1)


def test_reply_meets_first_response(duty_site, make_order, agent):
    order = make_order(type="repair", accept_now=True)
    wo.reply_to_customer(order, actor=agent, body="已安排师傅上门")
    c = clock(order, Metric.FIRST_RESPONSE)
    assert c.state == ClockState.FULFILLED and c.fulfilled_at is not None
    assert list(
        SlaEvent.objects.filter(work_order=order, metric="first_response").values_list("event_type", flat=True)
    ) == ["clock_started", "clock_fulfilled"]


def test_awaiting_customer_pauses_resolution_clock(duty_site, make_order, agent, clock_at):
    order = make_order(type="repair", accept_now=True)
    order = wo.start_work_order(order, actor=agent)
    due_before = clock(order, Metric.RESOLUTION).due_at
    clock_at.advance(minutes=10)
    order = wo.request_customer_confirmation(order, actor=agent)
    c = clock(order, Metric.RESOLUTION)
    assert c.state == ClockState.PAUSED and c.consumed_seconds == 600
    clock_at.advance(hours=2)  # the customer takes two hours to confirm
    order = wo.resume_work_order(order, actor=agent)
    c.refresh_from_db()
    assert c.state == ClockState.RUNNING
    assert c.due_at - due_before == timedelta(hours=2)
    assert [
        e for e in SlaEvent.objects.filter(work_order=order, metric="resolution").values_list("event_type", flat=True)
    ] == ["clock_started", "clock_paused", "clock_resumed"]


def test_resolve_meets_resolution_and_close_stops_the_rest(duty_site, make_order, agent):
    order = make_order(type="repair", accept_now=True)
    order = wo.start_work_order(order, actor=agent)
    order = wo.resolve_work_order(order, actor=agent, resolution="已修复")
    assert clock(order, Metric.RESOLUTION).state == ClockState.FULFILLED
    order = wo.close_work_order(order, actor=agent, customer_response="已告知客户")
    assert clock(order, Metric.FIRST_RESPONSE).state == ClockState.FULFILLED  # the closing reply met it
    order.refresh_from_db()
    assert order.due_at is None and order.sla_state == ""


def test_reopen_starts_a_new_resolution_cycle(duty_site, make_order, agent):
    order = make_order(type="repair", accept_now=True)
    order = wo.start_work_order(order, actor=agent)
    order = wo.resolve_work_order(order, actor=agent, resolution="已修复")
    order = wo.reopen_work_order(order, actor=agent, reason="客户反映仍漏水")
    c = clock(order, Metric.RESOLUTION)
    assert c.cycle == 2 and c.state == ClockState.RUNNING and c.fulfilled_at is None


def test_at_risk_then_breach_then_supervisor_then_manager_with_frozen_clock(
    duty_site, make_order, agent, supervisor, manager
):
    # Repair policy: first response 30 min, resolution 480 min, at risk at 80 %, manager 60 min after a breach.
    order = make_order(type="repair", accept_now=True)
    t0 = order.created_at

    def scan(minutes):
        return scan_deadlines(now=t0 + timedelta(minutes=minutes))

    assert scan(23) == {"at_risk": 0, "breached": 0, "supervisor": 0, "manager": 0}
    assert scan(25) == {"at_risk": 1, "breached": 0, "supervisor": 0, "manager": 0}
    assert Notification.objects.filter(recipient=agent, kind="escalation_remind").count() == 1
    assert scan(31) == {"at_risk": 0, "breached": 1, "supervisor": 1, "manager": 0}
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").count() == 1
    order.refresh_from_db()
    assert order.sla_state == "breached"
    assert scan(89) == {"at_risk": 0, "breached": 0, "supervisor": 0, "manager": 0}
    assert scan(90) == {"at_risk": 0, "breached": 0, "supervisor": 0, "manager": 1}
    assert Notification.objects.filter(recipient=manager, kind="escalation_manager").count() == 1
    assert scan(385)["at_risk"] == 1
    assert scan(481) == {"at_risk": 0, "breached": 1, "supervisor": 1, "manager": 0}
    c = clock(order, Metric.RESOLUTION)
    assert c.state == ClockState.BREACHED and c.breached_at == c.due_at
    assert scan(481 + 61)["manager"] == 1
    assert Escalation.objects.filter(work_order=order).count() == 6
    assert order.events.filter(event_type="escalated").count() == 6


def test_scanning_twice_never_duplicates_an_escalation(duty_site, make_order):
    order = make_order(type="repair", accept_now=True)
    later = order.created_at + timedelta(days=2)
    scan_deadlines(now=later)
    before = (Escalation.objects.count(), Notification.objects.count(), SlaEvent.objects.count())
    assert scan_deadlines(now=later) == {"at_risk": 0, "breached": 0, "supervisor": 0, "manager": 0}
    assert (Escalation.objects.count(), Notification.objects.count(), SlaEvent.objects.count()) == before


def test_promised_reply_requires_future_time_and_reason_to_change(duty_site, make_order, agent):
    order = make_order(type="complaint", accept_now=True)
    with pytest.raises(ServiceError) as err:
        sla.promise_reply(order, actor=agent, promised_at=None)
    assert err.value.code == "promise_required"
    with pytest.raises(ServiceError) as err:
        sla.promise_reply(order, actor=agent, promised_at=timezone.now() - timedelta(minutes=1))
    assert err.value.code == "promise_in_past"
    promised = timezone.now() + timedelta(hours=3)
    sla.promise_reply(order, actor=agent, promised_at=promised)
    with pytest.raises(ServiceError) as err:
        sla.promise_reply(order, actor=agent, promised_at=promised + timedelta(hours=1))
    assert err.value.code == "promise_reason_required"
    sla.promise_reply(order, actor=agent, promised_at=promised + timedelta(hours=1), reason="商户负责人明天才到岗")
    c = clock(order, Metric.PROMISED_REPLY)
    assert c.cycle == 2 and c.due_at == promised + timedelta(hours=1)
    assert list(
        SlaEvent.objects.filter(work_order=order, metric="promised_reply").values_list("event_type", flat=True)
    ) == ["promise_made", "promise_changed"]


def test_promised_reply_reminder_and_breach(duty_site, make_order, agent, supervisor):
    order = make_order(type="complaint", accept_now=True)
    promised = timezone.now() + timedelta(hours=2)
    sla.promise_reply(order, actor=agent, promised_at=promised)
    scan_deadlines(now=promised - timedelta(minutes=29))
    assert clock(order, Metric.PROMISED_REPLY).state == ClockState.AT_RISK
    [remind] = Notification.objects.filter(recipient=agent, kind="escalation_remind")
    # The inbox speaks Chinese: the titles are in the catalogue (they once reached every inbox in English).
    assert remind.title == f"即将超时：{order.number}"
    scan_deadlines(now=promised + timedelta(seconds=1))
    assert clock(order, Metric.PROMISED_REPLY).state == ClockState.BREACHED
    titles = set(Notification.objects.filter(recipient=supervisor).values_list("title", flat=True))
    assert titles == {f"已超时，已上报客服主管：{order.number}"}


def test_reply_keeps_the_promise(duty_site, make_order, agent):
    order = make_order(type="inquiry", accept_now=True)
    sla.promise_reply(order, actor=agent, promised_at=timezone.now() + timedelta(hours=2))
    wo.reply_to_customer(order, actor=agent, body="已与商户协调,同意退货")
    assert clock(order, Metric.PROMISED_REPLY).state == ClockState.FULFILLED


def test_policy_edit_is_versioned_and_never_moves_existing_deadlines(duty_site, make_order, admin_user):
    order = make_order(type="repair", accept_now=True)
    due = clock(order, Metric.RESOLUTION).due_at
    policy = SlaPolicy.objects.get(name__startswith="报修")
    save_sla_policy(
        policy,
        actor=admin_user,
        fields={"at_risk_percent": 70},
        targets=[{"metric": "first_response", "minutes": 15}, {"metric": "resolution", "minutes": 240}],
        reason="工程部承诺4小时修复",
    )
    policy.refresh_from_db()
    assert policy.version == 2
    ev = SlaConfigEvent.objects.filter(policy=policy).order_by("id").last()
    assert ev.event_type == "policy_changed" and ev.old["targets"][1]["minutes"] == 480 and ev.version == 2
    assert clock(order, Metric.RESOLUTION).due_at == due
    assert clock(order, Metric.RESOLUTION).policy_version == 1
    newer = make_order(type="repair", accept_now=True)
    assert clock(newer, Metric.RESOLUTION).due_at == newer.created_at + timedelta(minutes=240)


def test_priority_change_recomputes_with_the_new_policy(duty_site, make_order, agent):
    order = make_order(type="repair", accept_now=True)
    order = wo.change_priority(order, actor=agent, priority=1, reason="水漫到楼下商铺")
    c = clock(order, Metric.RESOLUTION)
    assert c.policy.name.startswith("紧急") and c.target_minutes == 240
    assert abs(c.due_at - (order.created_at + timedelta(minutes=240))) < timedelta(seconds=5)
    assert SlaEvent.objects.filter(work_order=order, event_type="clock_recomputed").exists()


def test_manual_escalation_goes_level_by_level(duty_site, make_order, agent, supervisor, manager):
    order = make_order(type="complaint", accept_now=True)
    with pytest.raises(ServiceError):
        sla.escalate_work_order(order, actor=agent, level="supervisor", reason="  ")
    esc = sla.escalate_work_order(order, actor=agent, level="manager", reason="顾客要求见经理")
    assert esc.level == "supervisor"  # an agent's next level is the supervisor
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").exists()
    assert not Notification.objects.filter(recipient=manager).exists()


def test_skip_level_only_for_urgent_and_the_skipped_level_is_told(duty_site, make_order, agent, supervisor, manager):
    order = make_order(type="complaint", accept_now=True)
    with pytest.raises(ServiceError) as err:
        sla.escalate_work_order(order, actor=agent, level="manager", reason="情况紧急", skip_level=True)
    assert err.value.code == "skip_level_only_urgent"
    urgent = make_order(type="complaint", priority=1, accept_now=True)
    esc = sla.escalate_work_order(urgent, actor=agent, level="manager", reason="顾客受伤", skip_level=True)
    assert esc.level == "manager" and esc.skipped_level == "supervisor"
    assert Notification.objects.filter(recipient=manager, kind="escalation_manager").exists()
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_skipped").exists()
    assert WorkOrder.objects.get(pk=urgent.pk).events.filter(event_type="escalated").count() == 1


def test_escalation_003_refused_on_a_finished_order(duty_site, make_order, agent, supervisor):
    """ESC-03: 请示 goes up while the matter is open; a resolved, closed or cancelled order is reopened first."""
    order = make_order(type="complaint", accept_now=True)
    wo.cancel_work_order(order, actor=agent, reason="顾客撤回")
    with pytest.raises(ServiceError) as err:
        sla.escalate_work_order(WorkOrder.objects.get(pk=order.pk), actor=agent, level="supervisor", reason="再问")
    assert err.value.code == "escalation_on_finished_order" and err.value.status == 409
    assert not Escalation.objects.exists() and not Notification.objects.exists()


def test_escalation_003_same_level_again_within_the_window_is_a_repeat(
    duty_site, make_order, agent, supervisor, manager
):
    """ESC-03 逐级: asking the same level twice in a few minutes (a double click, two colleagues) tells the superior
    nothing new, so it is refused and written nowhere; the next level up, and the same level after the window, go."""
    order = make_order(type="complaint", accept_now=True)
    first = sla.escalate_work_order(order, actor=agent, level="supervisor", reason="顾客要求见领导")
    notified = Notification.objects.count()
    events = WorkOrder.objects.get(pk=order.pk).events.count()
    with pytest.raises(ServiceError) as err:
        sla.escalate_work_order(order, actor=agent, level="supervisor", reason="顾客又来电")
    assert err.value.code == "escalation_repeated" and err.value.status == 409
    assert Escalation.objects.count() == 1 and Notification.objects.count() == notified
    assert WorkOrder.objects.get(pk=order.pk).events.count() == events
    # The supervisor takes it one level up: a different level, not a repeat.
    assert sla.escalate_work_order(order, actor=supervisor, level="manager", reason="需经理决定").level == "manager"
    Escalation.objects.filter(pk=first.pk).update(created_at=first.created_at - sla.MANUAL_REPEAT_WINDOW)
    assert sla.escalate_work_order(order, actor=agent, level="supervisor", reason="仍未答复").level == "supervisor"


def test_backfill_starts_clocks_only_for_recent_open_orders_without_them(duty_site, make_order, agent):
    from kefu.sla.services import start_missing_clocks

    order = make_order(type="repair", accept_now=True)
    WorkOrderClock.objects.filter(work_order=order).delete()
    closed = make_order(type="repair", accept_now=True)
    WorkOrderClock.objects.filter(work_order=closed).delete()
    wo.cancel_work_order(closed, actor=agent, reason="重复登记")
    assert start_missing_clocks(actor=agent, since=timezone.now() - timedelta(days=1)) == 1
    assert WorkOrderClock.objects.filter(work_order=order).count() == 2
    assert start_missing_clocks(actor=agent, since=timezone.now() - timedelta(days=1)) == 0


def test_no_promise_on_a_finished_order(duty_site, make_order, agent):
    order = make_order(type="complaint", accept_now=True)
    order = wo.cancel_work_order(order, actor=agent, reason="顾客撤回投诉")
    with pytest.raises(ServiceError) as err:
        sla.promise_reply(order, actor=agent, promised_at=timezone.now() + timedelta(hours=1))
    assert err.value.code == "promise_on_finished_order"
    assert not WorkOrderClock.objects.filter(work_order=order, metric=Metric.PROMISED_REPLY).exists()
