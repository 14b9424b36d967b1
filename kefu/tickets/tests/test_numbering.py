"""Work-order numbers: <site code>-<local date>-<NNNN>, per site and local day, gap-free and unique."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kefu.core.errors import ServiceError
from kefu.core.tests.concurrency import errors, oks, run_concurrently
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.tickets.models import WorkOrder
from kefu.tickets.numbering import next_number


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def _take(site, at):
    with transaction.atomic():
        return next_number(site, at)


@pytest.fixture
def frozen(monkeypatch):
    """Set the clock the services read (timezone.now) to a fixed instant."""

    def freeze(at):
        monkeypatch.setattr(timezone, "now", lambda: at)

    return freeze


def test_number_format_is_site_code_local_date_and_four_digits(site):
    assert _take(site, utc(2026, 11, 23, 2, 0)) == "GD-20261123-0001"
    assert _take(site, utc(2026, 11, 23, 3, 0)) == "GD-20261123-0002"


def test_the_day_boundary_is_midnight_in_the_site_time_zone(site):
    # Asia/Shanghai is UTC+8: 15:59:59 UTC is still the 23rd there, 16:00 UTC is already the 24th.
    assert _take(site, utc(2026, 11, 23, 15, 59, 59)) == "GD-20261123-0001"
    assert _take(site, utc(2026, 11, 23, 16, 0)) == "GD-20261124-0001"
    assert _take(site, utc(2026, 11, 23, 16, 30)) == "GD-20261124-0002"


def test_a_site_in_another_time_zone_counts_its_own_days(other_site):
    other_site.time_zone = "UTC"
    other_site.save(update_fields=["time_zone"])
    assert _take(other_site, utc(2026, 11, 23, 16, 30)) == "WY-20261123-0001"


def test_each_site_and_each_day_has_its_own_counter(site, other_site):
    at = utc(2026, 11, 23, 4, 0)
    assert [_take(site, at), _take(other_site, at), _take(site, at)] == [
        "GD-20261123-0001",
        "WY-20261123-0001",
        "GD-20261123-0002",
    ]
    assert _take(site, utc(2026, 11, 24, 4, 0)) == "GD-20261124-0001"
    assert _take(site, at) == "GD-20261123-0003"  # a late entry on an earlier day continues that day


def test_an_order_created_at_1630_utc_belongs_to_the_next_local_day(frozen, make_order):
    frozen(utc(2026, 11, 23, 16, 30))
    order = make_order()
    assert order.number == "GD-20261124-0001"
    assert WorkOrder.objects.get(pk=order.pk).created_at == utc(2026, 11, 23, 16, 30)
    frozen(utc(2026, 11, 23, 15, 30))
    assert make_order().number == "GD-20261123-0001"


def test_numbers_match_the_documented_pattern(make_order):
    number = make_order().number
    local = timezone.localdate(WorkOrder.objects.get(number=number).created_at)
    assert re.fullmatch(rf"GD-{local:%Y%m%d}-\d{{4}}", number)


def test_a_rolled_back_create_gives_its_number_back(frozen, make_order):
    frozen(utc(2026, 11, 23, 2, 0))
    assert make_order().number == "GD-20261123-0001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert make_order().number == "GD-20261123-0002"
        raise RuntimeError("the caller's transaction fails after the create")
    with pytest.raises(ServiceError):
        make_order(location="\x00")  # refused by the service
    assert make_order().number == "GD-20261123-0002"
    assert list(WorkOrder.objects.order_by("id").values_list("number", flat=True)) == [
        "GD-20261123-0001",
        "GD-20261123-0002",
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("already_started", [False, True], ids=["first-of-the-day", "day-under-way"])
def test_parallel_creates_get_consecutive_numbers_without_gaps_or_duplicates(frozen, make_order, already_started):
    """N real threads, each on its own connection, create at once (the first ones race to start the day)."""
    frozen(utc(2026, 11, 23, 16, 30))
    n = 12
    existing = [make_order().number for _ in range(3)] if already_started else []

    results = run_concurrently(lambda i: make_order(subject=f"并发工单{i}").number, [(i,) for i in range(n)])
    assert errors(results) == []
    numbers = sorted(oks(results))
    start = len(existing) + 1
    assert numbers == [f"GD-20261124-{k:04d}" for k in range(start, start + n)]
    assert WorkOrder.objects.count() == len(existing) + n
    assert WorkOrder.objects.values("number").distinct().count() == len(existing) + n


@pytest.mark.parametrize("accept_now", [False, True], ids=["recorded", "taken-live"])
def test_the_number_lock_covers_only_the_order_row_and_its_history(make_order, accept_now):
    """Every create queues on the day's counter row until COMMIT, so nothing else is written after taking it:
    the SLA clocks and their events go in before (their foreign keys are checked at COMMIT). On PostgreSQL the
    number, the order and its history are one statement."""
    make_order()  # the day's counter row exists
    with CaptureQueriesContext(connection) as ctx:
        order = make_order(accept_now=accept_now)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    taken = next(i for i, q in enumerate(sql) if "tickets_workordersequence" in q)
    if connection.vendor == "postgresql":
        assert taken == len(sql) - 1, "the number's statement is the create's last"
        assert 'INSERT INTO "tickets_workorder"' in sql[taken]
        assert 'INSERT INTO "tickets_workorderevent"' in sql[taken]
    else:
        assert [q.split("(")[0].strip() for q in sql[taken + 1 :]] == [
            'INSERT INTO "tickets_workorder"',
            'INSERT INTO "tickets_workorderevent"',
        ]
    assert any('INSERT INTO "sla_workorderclock"' in q for q in sql[:taken]), "the clocks went in first"
    created = order.events.get(event_type="created")
    assert created.new["number"] == order.number
    assert order.events.count() == (2 if accept_now else 1)
    assert order.clocks.count() == 2 and all(c.pk for c in order.written["clocks"])
    assert [e.pk for e in order.written["events"]] == list(order.events.order_by("id").values_list("id", flat=True))


def test_the_counter_goes_past_9999_with_more_digits(frozen, make_order, site):
    """Four digits are the least: the 10,000th order of a day is GD-…-10000 (the SQL and the Python agree)."""
    from kefu.tickets.models import WorkOrderSequence

    frozen(utc(2026, 11, 23, 2, 0))
    assert make_order().number == "GD-20261123-0001"
    WorkOrderSequence.objects.filter(site=site).update(last_value=9998)
    assert [make_order().number for _ in range(2)] == ["GD-20261123-9999", "GD-20261123-10000"]
    assert _take(site, utc(2026, 11, 23, 2, 0)) == "GD-20261123-10001"


@pytest.mark.django_db(transaction=True)
def test_a_create_that_is_its_own_transaction_commits_and_one_inside_another_waits_for_it(frozen, make_order):
    """The create's own transaction is committed with its last statement (PostgreSQL: in the same round trip); a
    create inside the caller's transaction is committed or rolled back with it, its number too."""
    frozen(utc(2026, 11, 23, 2, 0))
    first = make_order()
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert list(_other_connection_numbers()) == [first.number]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert make_order().number == "GD-20261123-0002"
        raise RuntimeError("the caller's transaction fails after the create")
    second = make_order()
    assert second.number == "GD-20261123-0002"
    assert list(_other_connection_numbers()) == [first.number, second.number]
    assert second.events.get(event_type="created").new["number"] == second.number


def _other_connection_numbers():
    """What another connection sees: committed rows only."""
    ((kind, value),) = run_concurrently(
        lambda: list(WorkOrder.objects.order_by("id").values_list("number", flat=True)), [()]
    )
    assert kind == "ok", value
    return value


@pytest.mark.django_db(transaction=True)
def test_a_create_refused_by_the_database_writes_nothing_and_leaves_the_connection_usable(frozen, make_order, site):
    """If the database refuses the create's last statement (here a number already taken, which only a corrupted
    counter can cause), nothing of it stays, not its clocks either, and the next create works."""
    from django.db import IntegrityError

    from kefu.sla.models import WorkOrderClock
    from kefu.tickets.models import WorkOrderSequence

    frozen(utc(2026, 11, 23, 2, 0))
    make_order()
    WorkOrderSequence.objects.filter(site=site).update(last_value=0)  # hands out 0001 again
    clocks = WorkOrderClock.objects.count()
    with pytest.raises(IntegrityError):
        make_order()
    assert WorkOrder.objects.count() == 1 and WorkOrderClock.objects.count() == clocks
    assert WorkOrderSequence.objects.get(site=site).last_value == 0
    assert connection.get_autocommit() and not connection.in_atomic_block
    WorkOrderSequence.objects.filter(site=site).update(last_value=1)  # repaired
    assert make_order().number == "GD-20261123-0002"


@pytest.fixture
def on_commit_of_create():
    """A WORK_ORDER_CREATED receiver that asks for a callback at COMMIT, as a notification would."""
    from kefu.core import hooks

    committed = []

    def receiver(work_order, **_):
        def seen():  # what a hook reading the order at COMMIT finds
            created = work_order.written["events"][0]
            committed.append((work_order.pk, work_order.number, work_order._state.adding, created.pk, created.new))

        transaction.on_commit(seen)

    hooks.register(hooks.WORK_ORDER_CREATED, receiver)
    yield committed
    hooks.unregister(hooks.WORK_ORDER_CREATED, receiver)


@pytest.mark.django_db(transaction=True)
def test_a_create_that_is_its_own_transaction_runs_its_commit_hooks(frozen, make_order, on_commit_of_create):
    """The COMMIT that ends the create is its atomic block's own (PostgreSQL: sent with the create's statements),
    so what runs at COMMIT runs once, and finds the order complete: its number, saved, its history's ids."""
    frozen(utc(2026, 11, 23, 2, 0))
    order = make_order()
    ((pk, number, adding, event_pk, new),) = on_commit_of_create
    assert (pk, number, adding) == (order.pk, "GD-20261123-0001", False)
    assert event_pk is not None and new["number"] == number
    assert _other_connection_numbers() == [order.number]


@pytest.mark.django_db(transaction=True)
def test_a_create_failing_after_its_statements_are_queued_writes_nothing(
    frozen, make_order, on_commit_of_create, monkeypatch
):
    """An error between the create's last statement and its COMMIT (here raised right after the statements are
    sent or queued) rolls all of it back: no order, no clocks, no number taken, no commit hook, no number left
    on the instance, and the connection is usable."""
    from kefu.sla.models import WorkOrderClock
    from kefu.tickets import services
    from kefu.tickets.models import WorkOrderSequence

    frozen(utc(2026, 11, 23, 2, 0))
    make_order()
    on_commit_of_create.clear()
    clocks, instances = WorkOrderClock.objects.count(), []
    last = "insert_numbered" if connection.vendor == "postgresql" else "send_together"  # what sends the order
    real = getattr(services, last)

    def failing(*args, **kw):
        result = real(*args, **kw)
        order_rows = [rows for rows in args if getattr(rows, "model", None) is WorkOrder]
        if order_rows:
            instances.append(order_rows[0].objs[0])
            raise KeyboardInterrupt  # not an Exception: nothing on the way may swallow it
        return result

    with monkeypatch.context() as patched, pytest.raises(KeyboardInterrupt):
        patched.setattr(services, last, failing)
        make_order()
    assert len(instances) == 1 and not instances[0].number
    assert on_commit_of_create == []
    assert WorkOrder.objects.count() == 1 and WorkOrderClock.objects.count() == clocks
    assert WorkOrderSequence.objects.get().last_value == 1
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert make_order().number == "GD-20261123-0002"
    assert _other_connection_numbers() == ["GD-20261123-0001", "GD-20261123-0002"]


@pytest.mark.django_db(transaction=True)
def test_a_commit_hook_failing_after_the_create_leaves_the_order_committed_with_its_number(frozen, make_order):
    """An on_commit hook that raises reaches the caller, but the create before it was committed: its instance
    keeps the number the database holds."""
    from kefu.core import hooks

    frozen(utc(2026, 11, 23, 2, 0))
    created = []

    def fail():
        raise RuntimeError("a hook fails after COMMIT")

    def receiver(work_order, **_):
        created.append(work_order)
        transaction.on_commit(fail)

    hooks.register(hooks.WORK_ORDER_CREATED, receiver)
    try:
        with pytest.raises(RuntimeError):
            make_order()
    finally:
        hooks.unregister(hooks.WORK_ORDER_CREATED, receiver)
    assert created[0].number == "GD-20261123-0001"
    assert _other_connection_numbers() == ["GD-20261123-0001"]
