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
    the SLA clocks and their events go in before (their foreign keys are checked at COMMIT)."""
    make_order()  # the day's counter row exists
    with CaptureQueriesContext(connection) as ctx:
        order = make_order(accept_now=accept_now)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    taken = next(i for i, q in enumerate(sql) if "tickets_workordersequence" in q)
    assert [q.split("(")[0].strip() for q in sql[taken + 1 :]] == [
        'INSERT INTO "tickets_workorder"',
        'INSERT INTO "tickets_workorderevent"',
    ]
    assert any('INSERT INTO "sla_workorderclock"' in q for q in sql[:taken]), "the clocks went in first"
    created = order.events.get(event_type="created")
    assert created.new["number"] == order.number
