"""The demo data keeps its promises: counts, histories the real services could have written, gap-free numbers,
valid phone numbers, working logins, and a second run that writes nothing."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from kefu.accounts.models import Department, Role, Shop, Site, User
from kefu.core.phones import parse_phone
from kefu.customers.models import Customer, CustomerPhone
from kefu.tickets import transitions
from kefu.tickets.demo import load_demo
from kefu.tickets.demo.people import DEMO_PASSWORD
from kefu.tickets.models import WorkOrder, WorkOrderEvent, WorkOrderSequence
from kefu.tickets.transitions import Status

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Load the full demo once for the module, inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo(now=NOW)
        yield summary
        transaction.set_rollback(True)


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


def _expected_version(history) -> int:
    """Each service save bumps the version once; notes never do, and a reply given with the close shares its save."""
    bumps = 0
    for i, e in enumerate(history):
        if e.event_type in ("created", "note_added"):
            continue
        following = history[i + 1] if i + 1 < len(history) else None
        if e.event_type == "replied" and following and following.event_type == "status_close":
            if following.created_at == e.created_at:
                continue
        bumps += 1
    return 1 + bumps


def test_load_demo_creates_the_promised_counts(demo, db):
    assert demo.created
    codes = set(Site.objects.values_list("code", flat=True))
    assert {"SC", "WY", "DS"} <= codes
    kinds = set(Site.objects.values_list("kind", flat=True))
    assert {"mall", "property", "online"} <= kinds
    for site in Site.objects.all():
        names = set(Department.objects.filter(site=site).values_list("name", flat=True))
        assert names == {"客服中心", "工程部", "财务部", "保安部"}
    assert Shop.objects.filter(site__code="SC").count() >= 20
    staff = User.objects.filter(is_system=False)
    assert staff.count() == 13
    assert set(staff.values_list("role", flat=True)) == set(Role.values)
    assert Customer.objects.count() == 300
    assert Customer.objects.filter(site__kind="property", kind="enterprise").exists()
    assert set(Customer.objects.values_list("tier", flat=True)) == {"A", "B", "C"}
    # The generated spine; the type apps add a few dozen more through their services (DEMO_DATA_LOADED).
    assert demo.counts["work_orders"] == 3000
    assert 3000 <= WorkOrder.objects.count() < 3200
    assert set(WorkOrder.objects.values_list("type", flat=True)) == {
        "inquiry", "complaint", "suggestion", "repair", "after_sales", "special_service", "lost_found", "other",
    }  # fmt: skip
    assert WorkOrder.objects.filter(created_at__lt=NOW - timedelta(days=85)).exists()
    assert not WorkOrder.objects.filter(created_at__lt=NOW - timedelta(days=91)).exists()


def test_recent_orders_are_open_and_old_ones_mostly_closed(demo, db):
    old = WorkOrder.objects.filter(created_at__lt=NOW - timedelta(days=14))
    assert old.filter(status=Status.CLOSED).count() > 0.8 * old.count()
    recent = WorkOrder.objects.filter(created_at__gte=NOW - timedelta(days=2))
    assert recent.filter(status__in=transitions.OPEN_STATUSES).count() > 0.3 * recent.count()
    assert {Status.NEW, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED} <= set(
        WorkOrder.objects.values_list("status", flat=True)
    )


def test_every_history_replays_through_the_status_machine_to_the_order_status(demo, db):
    events = defaultdict(list)
    for e in WorkOrderEvent.objects.order_by("created_at", "id").iterator(chunk_size=5000):
        events[e.work_order_id].append(e)
    # The generated orders (the first ids); those the type apps add run through the real services on the real
    # clock and their histories are checked by those apps' own tests.
    generated = WorkOrder.objects.order_by("id")[: demo.counts["work_orders"]]
    for order in generated.iterator(chunk_size=1000):
        history = events[order.id]
        assert history[0].event_type == "created" and history[0].created_at == order.created_at
        assert history[0].new["number"] == order.number
        assert all(a.created_at <= b.created_at for a, b in zip(history, history[1:], strict=False))
        assert history[-1].created_at <= NOW
        assert order.updated_at == history[-1].created_at
        status, replied = Status.NEW, False
        for e in history[1:]:
            if e.event_type == "replied":
                replied = True
            if not e.event_type.startswith("status_"):
                continue
            assert e.old == {"status": status}, order.number
            to = transitions.target(status, e.event_type.removeprefix("status_"))
            assert to is not None and e.new["status"] == to, (order.number, status, e.event_type)
            if e.event_type == "status_close":
                assert replied, f"{order.number} closed without a reply to the customer"
            if e.event_type in ("status_cancel", "status_reopen"):
                assert e.note, f"{order.number}: {e.event_type} needs a reason"
            status = to
        assert status == order.status, order.number
        if order.status in (Status.RESOLVED, Status.CLOSED):
            last_resolve = [e for e in history if e.event_type == "status_resolve"][-1]
            assert order.resolution and order.resolved_at == last_resolve.created_at
            assert last_resolve.new["resolution"] == order.resolution
        if order.status == Status.CLOSED:
            assert order.closed_at == history[-1].created_at and history[-1].event_type == "status_close"
        else:
            assert order.closed_at is None
        transfers = [e for e in history if e.event_type == "transferred"]
        if transfers:
            assert order.department_id == transfers[-1].new["department"]
        if any(e.event_type == "status_accept" for e in history):
            assert order.accepted_at and order.assignee_id
        assert order.version == _expected_version(history), order.number


def test_numbers_are_unique_and_gap_free_per_site_and_day(demo, db):
    by_day = defaultdict(list)
    for site_id, tz, number, created_at in WorkOrder.objects.values_list(
        "site_id", "site__time_zone", "number", "created_at"
    ):
        code, day, seq = number.split("-")
        assert day == created_at.astimezone(zoneinfo.ZoneInfo(tz)).strftime("%Y%m%d")
        by_day[site_id, day].append(int(seq))
    for values in by_day.values():
        assert sorted(values) == list(range(1, len(values) + 1))
    sequences = {(s.site_id, s.day.strftime("%Y%m%d")): s.last_value for s in WorkOrderSequence.objects.all()}
    assert sequences == {key: len(values) for key, values in by_day.items()}


def test_customer_phones_are_valid_and_never_repeated(demo, db):
    numbers = list(CustomerPhone.objects.values_list("national", "kind"))
    assert len({n for n, _ in numbers}) == len(numbers)
    for national, kind in numbers:
        parsed = parse_phone(national)
        assert parsed is not None and parsed.national == national and parsed.kind == kind
    assert {"mobile", "landline"} == {k for _, k in numbers}


def test_demo_logins_work_with_the_printed_password(demo, db):
    assert authenticate(username="agent1", password=DEMO_PASSWORD) is not None
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff


def test_second_run_writes_nothing_and_says_so(demo, db, capsys):
    before = _row_counts()
    call_command("load_demo")
    assert "nothing changed" in capsys.readouterr().out
    assert _row_counts() == before


def test_history_rows_stay_append_only_after_bulk_load(demo, db):
    from django.db import DatabaseError

    event = WorkOrderEvent.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        WorkOrderEvent.objects.filter(pk=event.pk).update(note="篡改")
