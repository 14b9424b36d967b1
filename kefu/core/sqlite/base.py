"""Django's SQLite backend, with write transactions queued before they ask SQLite for its write lock.

SQLite has one writer at a time. A connection that finds the write lock taken waits in SQLite's busy handler,
which sleeps 1, 2, 5, 10 … ms between tries: under concurrent creates the waiters keep sleeping after the lock
is free and the cores sit idle (a third of the time at 4 threads per worker). Here a writer first queues on a
lock of its process, then on a flock() of a file beside the database, shared by every process that opens it;
both wake the next writer the moment the previous one commits or rolls back.

The queue only orders writers: SQLite's own lock still guards the data, so a program that opens the database
without this backend (the sqlite3 shell, a backup) stays safe and is simply not queued. A writer that waits in
its process longer than the connection's timeout goes on to SQLite, which waits once more and then reports
"database is locked" as before.
"""

from __future__ import annotations

import fcntl
import os
import threading

from django.db.backends.sqlite3 import base

# One lock per database file and process: threads queue there with a timeout; only the head of the line waits on
# the file lock.
_process_queues: dict[str, threading.Lock] = {}
_process_queues_guard = threading.Lock()


def lock_path(database_name) -> str:
    return f"{os.path.realpath(database_name)}-writers.lock"


def _process_queue(path: str) -> threading.Lock:
    with _process_queues_guard:
        return _process_queues.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    queue_writers = os.environ.get("KEFU_SQLITE_WRITER_QUEUE", "1") != "0"
    _queue_fd: int | None = None
    _queue: threading.Lock | None = None
    _queue_timeout = 5.0
    _in_process_queue = False
    _in_file_queue = False

    def _start_transaction_under_autocommit(self):
        if self.queue_writers and not self.is_in_memory_db():
            self._join_queue()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _join_queue(self):
        if self._queue is None:
            path = lock_path(self.settings_dict["NAME"])
            try:
                self._queue_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                self.queue_writers = False  # no lock file possible (read-only directory): SQLite alone orders
                return
            self._queue = _process_queue(path)
            self._queue_timeout = float(self.settings_dict["OPTIONS"].get("timeout", 5))
        self._in_process_queue = self._queue.acquire(timeout=self._queue_timeout)
        if not self._in_process_queue:
            return  # SQLite's busy handler takes over (and fails after its own timeout)
        try:
            fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
            self._in_file_queue = True
        except BaseException:
            self._leave_queue()
            raise

    def _leave_queue(self):
        if self._in_file_queue:
            self._in_file_queue = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
        if self._in_process_queue:
            self._in_process_queue = False
            self._queue.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None
            self._queue = None  # the test runner renames the database between connections
