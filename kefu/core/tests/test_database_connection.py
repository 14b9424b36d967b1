"""The connection settings the speed figures rely on (bench/README.md), on whichever database the suite runs."""

from __future__ import annotations

import pytest
from django.db import connection

from kefu.accounts.models import Site


@pytest.mark.django_db
def test_postgresql_binds_on_the_server_and_prepares_repeated_statements():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no planner round trip to save")
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    assert raw.cursor_factory is ServerBindingCursor and raw.prepare_threshold == 5
    for code in ["A1", "A2", "A3", "A4", "A5", "A6"]:
        list(Site.objects.filter(code=code))  # one statement, new parameters: prepared after the fifth
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ['%"accounts_site"%'])
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db
def test_sqlite_keeps_its_write_lock_settings():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # Writers queue before SQLite's lock (kefu/core/sqlite, test_sqlite_writer_queue.py).
    assert connection.settings_dict["ENGINE"] == "kefu.core.sqlite" and connection.queue_writers
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


@pytest.mark.parametrize("rows", [2, 19, 20, 150])
def test_postgresql_sends_a_few_rows_as_values_and_a_batch_through_unnest(make_order, agent, rows):
    """A create's two or three rows per table skip psycopg's typed arrays; a big batch keeps one placeholder per
    column (a statement may bind at most 65,535 values). Either way the rows come back as written."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: Django's SQLite backend has no UNNEST inserts")
    from django.test.utils import CaptureQueriesContext

    from kefu.core.postgresql.compiler import SMALL_BATCH
    from kefu.tickets.models import WorkOrderEvent

    assert connection.settings_dict["ENGINE"] == "kefu.core.postgresql"
    order = make_order()
    made = [
        WorkOrderEvent(
            work_order=order,
            actor=agent,
            event_type="note_added",
            old=None if i % 2 else {"i": 0},
            new={"i": i, "字": "值"},
        )
        for i in range(rows)
    ]
    with CaptureQueriesContext(connection) as ctx:
        WorkOrderEvent.objects.bulk_create(made)
    (insert,) = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert ("UNNEST" in insert) is (rows >= SMALL_BATCH)
    stored = WorkOrderEvent.objects.filter(work_order=order, event_type="note_added").order_by("id")
    assert [(e.old, e.new) for e in stored] == [(e.old, e.new) for e in made]
    assert all(e.pk for e in made)


@pytest.mark.django_db(transaction=True)
def test_postgresql_write_transactions_reuse_plans_and_reads_keep_custom_plans():
    """Reads are planned for each call's values, or a parameterised status could not pick a partial index.
    Inside a transaction (every write) statements and COMMIT's foreign-key checks may use cached plans; the
    setting ends with the transaction, and reads outside one keep plans made for their values."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db import transaction

    def mode():
        with connection.cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]

    assert mode() == "force_custom_plan"
    with transaction.atomic():
        assert mode() == "auto"
        with transaction.atomic():  # a savepoint keeps the transaction's setting
            assert mode() == "auto"
    assert mode() == "force_custom_plan"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert mode() == "auto"
        raise RuntimeError("rolled back")
    assert mode() == "force_custom_plan"


def _plans_of(fragment: str) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for this connection's prepared statements containing `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return tuple(int(n) for n in cursor.fetchone())


def _plan_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_postgresql_reads_by_key_may_run_on_a_cached_plan_and_other_reads_keep_custom_plans(site, engineering):
    """A read by key whose joins cost more to plan than to run (a queue page's rows, an order with its site and
    customer) is marked reuse_plan: PostgreSQL may run it on its generic plan. The session itself stays on custom
    plans, so a queue's status filter still picks its partial index."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from kefu.accounts.models import Department
    from kefu.core.prepared import PreparedRead

    # Two reads told apart by their select lists (one joins the site, the other does not).
    reused = PreparedRead(lambda pk: Department.objects.filter(pk=pk).select_related("site"), reuse_plan=True)
    custom = PreparedRead(lambda pk: Department.objects.filter(pk=pk))
    for _ in range(12):
        (dept,) = reused(engineering.pk)
        assert dept.site.name == site.name
        assert [d.pk for d in custom(engineering.pk)] == [engineering.pk]
    generic_plans, _custom_plans = _plans_of('INNER JOIN "accounts_site"')
    assert generic_plans >= 1
    forced_generic, forced_custom = _plans_of('FROM "accounts_department" WHERE "accounts_department"."id" = $1')
    assert forced_generic == 0 and forced_custom >= 1
    assert _plan_mode() == "force_custom_plan"


@pytest.mark.django_db(transaction=True)
def test_postgresql_a_failed_read_on_a_cached_plan_leaves_the_session_on_custom_plans():
    """The SET before the read and the read are one implicit transaction: a read the database refuses, or one
    that never leaves the client, cannot leave plan_cache_mode=auto behind on a pooled connection."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        connection.execute_reusing_plan(cursor, "SELECT 1 / (%s - 1)", [1])  # division by zero, on the server
    assert _plan_mode() == "force_custom_plan"
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        connection.execute_reusing_plan(cursor, "SELECT %s, %s", [1])  # too few values: refused in the client
    assert _plan_mode() == "force_custom_plan"
    with connection.cursor() as cursor:
        connection.execute_reusing_plan(cursor, "SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
    with transaction.atomic(), connection.cursor() as cursor:  # inside a transaction its own setting applies
        connection.execute_reusing_plan(cursor, "SHOW plan_cache_mode", [])
        assert cursor.fetchone() == ("auto",)
    assert _plan_mode() == "force_custom_plan"


@pytest.fixture
def probe_table():
    """Real tables (another connection must see what is committed), made and dropped around the test; the child's
    foreign key is checked at COMMIT, as Django's are."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no pipeline")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE kefu_pipeline_probe (id integer PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE kefu_pipeline_probe_child (id integer PRIMARY KEY, "
            "probe_id integer REFERENCES kefu_pipeline_probe DEFERRABLE INITIALLY DEFERRED)"
        )
    yield "kefu_pipeline_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE kefu_pipeline_probe_child, kefu_pipeline_probe")


def _committed_probe_ids():
    from kefu.core.tests.concurrency import run_concurrently

    def read():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM kefu_pipeline_probe ORDER BY id")
            return [row[0] for row in cursor.fetchall()]

    ((kind, value),) = run_concurrently(read, [()])
    assert kind == "ok", value
    return value


def _queue_and_hand_over(*ids, child_of=None, answers=None):
    from contextlib import ExitStack

    with ExitStack() as pipeline:
        pipeline.enter_context(connection.connection.pipeline())
        cursors = [
            connection.connection.execute("INSERT INTO kefu_pipeline_probe VALUES (%s) RETURNING id", [pk])
            for pk in ids
        ]
        if child_of is not None:
            connection.connection.execute("INSERT INTO kefu_pipeline_probe_child VALUES (1, %s)", [child_of])

        def answered():
            answers.extend(c.fetchone()[0] for c in cursors)

        connection.commit_with_pipeline(pipeline.pop_all(), answered)


@pytest.mark.django_db(transaction=True)
def test_postgresql_a_pipeline_handed_to_the_commit_ends_as_its_atomic_block_decides(probe_table):
    """commit_with_pipeline: the statements queued in the pipeline are committed by the atomic block's own COMMIT
    (its on_commit hooks run), undone by its rollback, and a statement the database refuses fails the block."""
    from contextlib import ExitStack

    from django.db import IntegrityError, transaction
    from psycopg import pq

    with pytest.raises(RuntimeError):
        connection.commit_with_pipeline(ExitStack(), list)  # outside an atomic block there is no COMMIT to join
    committed, answers = [], []
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(list(answers)))  # runs after the answers are read
        _queue_and_hand_over(1, 2, answers=answers)
        assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.ON  # COMMIT not sent yet
        assert answers == []
    assert committed == [[1, 2]] and connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF
    assert _committed_probe_ids() == [1, 2]
    committed.clear()

    with pytest.raises(KeyboardInterrupt), transaction.atomic():
        transaction.on_commit(lambda: committed.append(2))
        _queue_and_hand_over(3, answers=answers)
        raise KeyboardInterrupt  # whatever stops the block after the hand-over
    with pytest.raises(IntegrityError), transaction.atomic():
        transaction.on_commit(lambda: committed.append(3))
        _queue_and_hand_over(4, 1, answers=answers)  # 1 exists: refused by the statement, COMMIT skipped
    with pytest.raises(IntegrityError), transaction.atomic():
        transaction.on_commit(lambda: committed.append(4))
        _queue_and_hand_over(5, child_of=99, answers=answers)  # no probe 99: refused by COMMIT itself
    assert committed == [] and answers == [1, 2] and _committed_probe_ids() == [1, 2]
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF
    with transaction.atomic():
        _queue_and_hand_over(4, child_of=4, answers=answers)
    assert _committed_probe_ids() == [1, 2, 4] and answers == [1, 2, 4]
