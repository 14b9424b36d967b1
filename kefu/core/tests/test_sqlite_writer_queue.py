"""SQLite writers queue before SQLite's write lock (kefu/core/sqlite): a waiting writer starts when the one ahead
commits, rolls back or closes, across threads and processes, without relying on SQLite's busy handler.

The connections here open their own database file, so the tests run the same whichever database the suite uses.
Each waiting writer is given SQLite busy timeout of 0: had it reached SQLite while the lock was taken, SQLite would
have refused it at once ("database is locked"), so a success proves it waited in the queue.
"""

from __future__ import annotations

import multiprocessing
import os
import threading

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from kefu.core.sqlite.base import lock_path


def _handler(path, *, timeout=30, busy_timeout_ms=None, queue=True):
    options = {"transaction_mode": "IMMEDIATE", "timeout": timeout}
    if busy_timeout_ms is not None:
        # SQLite's own wait, apart from the queue's (which follows `timeout`).
        options["init_command"] = f"PRAGMA busy_timeout={busy_timeout_ms}"
    handler = ConnectionHandler({"default": {"ENGINE": "kefu.core.sqlite", "NAME": str(path), "OPTIONS": options}})
    conn = handler["default"]
    conn.queue_writers = queue
    return conn


def _begin(conn):
    # What transaction.atomic() does on entry for the outermost block.
    conn.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def _commit(conn):
    conn.commit()
    conn.set_autocommit(True)


def _rollback(conn):
    conn.rollback()
    conn.set_autocommit(True)


def _insert(conn, value):
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO t (v) VALUES (%s)", [value])


def _rows(path):
    conn = _handler(path)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT v FROM t ORDER BY v")
            return [v for (v,) in cursor.fetchall()]
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker):
    # These connections never touch the suite's database; pytest-django only has to let them connect.
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "queue.sqlite3"
    conn = _handler(path)
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("CREATE TABLE t (v INTEGER)")
    conn.close()
    return path


def _writer_in_thread(path, value, started: threading.Event, done: list):
    conn = _handler(path, busy_timeout_ms=0)
    try:
        started.set()
        _begin(conn)
        _insert(conn, value)
        _commit(conn)
        done.append(value)
    except Exception as exc:  # reported to the test
        done.append(exc)
    finally:
        conn.close()


def _waiting_writer(path, value):
    """A writer in a thread that must still be waiting a moment after it started."""
    started, done = threading.Event(), []
    waiter = threading.Thread(target=_writer_in_thread, args=(path, value, started, done))
    waiter.start()
    assert started.wait(10)
    waiter.join(0.3)
    assert waiter.is_alive(), "the writer did not wait for the one ahead of it"
    return waiter, done


@pytest.mark.parametrize(
    "leave, rows",
    [
        pytest.param(_commit, [1, 2], id="commit"),
        pytest.param(_rollback, [2], id="rollback"),
        # A connection closed inside its transaction (a broken request) never committed it.
        pytest.param(lambda conn: conn.close(), [2], id="close"),
    ],
)
def test_a_second_writer_waits_in_the_queue_and_starts_when_the_first_leaves(db_file, leave, rows):
    holder = _handler(db_file)
    _begin(holder)
    _insert(holder, 1)
    waiter, done = _waiting_writer(db_file, 2)
    leave(holder)
    waiter.join(10)
    holder.close()
    assert done == [2]
    assert _rows(db_file) == rows


def _hold_in_child(path, ready, release, finish):
    conn = _handler(path)
    _begin(conn)
    _insert(conn, 1)
    ready.set()
    release.wait(30)
    _commit(conn)
    # Closing the last connection checkpoints the WAL under a lock of its own: not while the parent writes.
    finish.wait(30)
    conn.close()


def test_writers_of_two_processes_queue_on_the_lock_file(db_file):
    ctx = multiprocessing.get_context("fork")
    ready, release, finish = ctx.Event(), ctx.Event(), ctx.Event()
    child = ctx.Process(target=_hold_in_child, args=(str(db_file), ready, release, finish))
    child.start()
    try:
        assert ready.wait(30)
        assert os.path.exists(lock_path(db_file))
        waiter, done = _waiting_writer(db_file, 2)
        release.set()
        waiter.join(10)
        assert done == [2]
    finally:
        release.set()
        finish.set()
        child.join(30)
    assert child.exitcode == 0
    assert _rows(db_file) == [1, 2]


def test_without_the_queue_sqlite_refuses_the_second_writer_at_once(db_file):
    # The control for the tests above: the same timing, no queue, and SQLite's busy timeout of 0 answers.
    holder = _handler(db_file)
    _begin(holder)
    _insert(holder, 1)
    other = _handler(db_file, busy_timeout_ms=0, queue=False)
    try:
        with pytest.raises(OperationalError, match="locked"):
            _begin(other)
    finally:
        other.close()
        _rollback(holder)
        holder.close()


def test_a_writer_that_waits_past_its_timeout_in_the_process_gets_sqlites_answer(db_file):
    holder = _handler(db_file)
    _begin(holder)
    impatient = _handler(db_file, timeout=0.2, busy_timeout_ms=0)
    try:
        with pytest.raises(OperationalError, match="locked"):
            _begin(impatient)
        assert not impatient._in_process_queue and not impatient._in_file_queue
    finally:
        impatient.close()
        _rollback(holder)
        holder.close()
    # Nothing is left held: a new writer gets straight in.
    fresh = _handler(db_file, busy_timeout_ms=0)
    _begin(fresh)
    _insert(fresh, 3)
    _commit(fresh)
    fresh.close()
    assert _rows(db_file) == [3]


def test_an_in_memory_database_needs_no_lock_file(tmp_path):
    conn = _handler(":memory:")
    _begin(conn)
    with conn.cursor() as cursor:
        cursor.execute("CREATE TABLE t (v INTEGER)")
    _commit(conn)
    assert not conn._in_file_queue and conn._queue_fd is None
    conn.close()


def test_a_database_beside_which_no_lock_file_can_be_made_still_takes_writes(db_file, monkeypatch):
    monkeypatch.setattr("kefu.core.sqlite.base.lock_path", lambda name: "/nonexistent-dir/x-writers.lock")
    conn = _handler(db_file)
    _begin(conn)
    _insert(conn, 4)
    _commit(conn)
    assert not conn.queue_writers and conn._queue_fd is None
    conn.close()
    assert _rows(db_file) == [4]
