"""Periodic jobs, run the same way in-process (embedded default) or by Celery beat + workers.

Jobs are registered by name with an interval; both runners only call `run_job(name)`. The embedded runner
lives in every web worker, but a file lock lets only one of them run jobs at a time; if that worker dies
the lock is released and another takes over. Jobs must be idempotent (the SLA scan is).
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: int
    func: str  # dotted path, resolved when run so registration never imports the world


_jobs: dict[str, Job] = {}
_started = threading.Event()


def register_job(name: str, interval_seconds: int, func: str) -> None:
    _jobs[name] = Job(name, interval_seconds, func)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def run_job(name: str):
    return import_string(_jobs[name].func)()


class _EmbeddedRunner(threading.Thread):
    def __init__(self, lock_path: str, tick: float, only: set[str] | None = None):
        super().__init__(name="kefu-scheduler", daemon=True)
        self.lock_path, self.tick, self.only = lock_path, tick, only
        self.next_run: dict[str, float] = {}
        self.stopped = threading.Event()

    def run(self):
        with open(self.lock_path, "a+") as lock:
            while not self.stopped.is_set():
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    self.stopped.wait(self.tick * 4)  # another worker holds the lock
                    continue
                self._run_due()
                self.stopped.wait(self.tick)

    def _run_due(self):
        now = time.monotonic()
        for job in jobs():
            if self.only is not None and job.name not in self.only:
                continue
            if self.next_run.get(job.name, 0) <= now:
                self.next_run[job.name] = now + job.interval_seconds
                # This thread keeps its own connection between ticks; drop it if the server closed it meanwhile.
                close_old_connections()
                try:
                    result = run_job(job.name)
                    log.info("job %s: %s", job.name, result)
                except Exception:  # one failing run must not stop the scheduler; the next tick retries
                    log.exception("job %s failed", job.name)
                finally:
                    close_old_connections()


def start_embedded(tick: float = 5.0) -> bool:
    """Start the in-process runner once per process when the embedded scheduler is configured."""
    if settings.KEFU_SCHEDULER != "embedded" or _started.is_set():
        return False
    _started.set()
    _EmbeddedRunner(str(settings.VAR_DIR / "scheduler.lock"), tick).start()
    return True
