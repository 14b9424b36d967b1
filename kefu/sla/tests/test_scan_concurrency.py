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
