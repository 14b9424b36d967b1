"""Exactly once: two scans racing over the same breached clocks escalate each clock once (unique rows, not luck)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from kefu.core.models import Notification
from kefu.sla.models import Escalation, SlaEvent
from kefu.sla.tasks import scan_deadlines


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_scans_escalate_exactly_once(duty_site, make_order, supervisor, manager):
    orders = [make_order(type="repair", accept_now=True) for _ in range(6)]
    later = max(o.created_at for o in orders) + timedelta(days=1)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(scan_deadlines(now=later))
        except Exception as exc:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # Each order: first response and resolution clocks, each breached, to supervisor and manager.
    assert Escalation.objects.count() == len(orders) * 2 * 2
    assert sum(r["breached"] for r in results) == len(orders) * 2
    assert Notification.objects.filter(recipient=supervisor).count() == len(orders) * 2
    assert Notification.objects.filter(recipient=manager).count() == len(orders) * 2
    assert SlaEvent.objects.filter(event_type="clock_breached").count() == len(orders) * 2
    # And a restart (a third scan later on) finds nothing left to do.
    assert scan_deadlines(now=later + timedelta(minutes=5)) == {
        "at_risk": 0,
        "breached": 0,
        "supervisor": 0,
        "manager": 0,
    }


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_manual_escalations_to_one_level_notify_once(duty_site, make_order, agent, supervisor):
    """ESC-03: two colleagues pressing 请示 at the same moment: the order's row lock queues them, one goes up, the
    other is told it is a repeat (not two notifications, not a database error)."""
    from kefu.core.errors import ServiceError
    from kefu.sla import services as sla

    order = make_order(type="complaint", accept_now=True)
    barrier = threading.Barrier(2)
    done, refused, errors = [], [], []

    def run(reason):
        try:
            barrier.wait()
            done.append(sla.escalate_work_order(order, actor=agent, level="supervisor", reason=reason))
        except ServiceError as exc:
            refused.append(exc.code)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(r,)) for r in ("顾客要求见领导", "顾客情绪激动")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(done) == 1 and refused == ["escalation_repeated"]
    assert Escalation.objects.filter(automatic=False).count() == 1
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").count() == 1
