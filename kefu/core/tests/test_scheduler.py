"""The embedded scheduler: jobs run by name, and only one runner at a time holds the lock."""

import threading
import time

from kefu.core import scheduler

calls = []


def record_call():
    calls.append(threading.current_thread())
    return "ok"


def test_run_job_by_name():
    scheduler.register_job("test_job", 60, "kefu.core.tests.test_scheduler.record_call")
    calls.clear()
    assert scheduler.run_job("test_job") == "ok" and calls.count(threading.current_thread()) == 1


def test_only_one_embedded_runner_runs_jobs(tmp_path, settings):
    scheduler.register_job("test_job", 3600, "kefu.core.tests.test_scheduler.record_call")
    calls.clear()
    lock = str(tmp_path / "scheduler.lock")
    runners = [scheduler._EmbeddedRunner(lock, tick=0.05, only={"test_job"}) for _ in range(2)]
    for r in runners:
        r.start()
    # Wait for the lock holder's first run (slow on a loaded CI machine), then give the other runner ten more
    # ticks in which it must not run the job.
    deadline = time.monotonic() + 10
    while not [t for t in calls if t in runners] and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    alive = all(r.is_alive() for r in runners)
    for r in runners:
        r.stopped.set()
        r.join(2)
    # Both runners were alive, but the job (interval one hour) ran exactly once: the lock holder's first tick.
    # Only these two runners count: an embedded scheduler another test started in this process runs every
    # registered job too, on its own lock.
    assert alive and len([t for t in calls if t in runners]) == 1


def test_database_upkeep_job_is_registered_and_runs(db):
    assert "optimize_database" in {j.name for j in scheduler.jobs()}
    from django.db import connection

    assert scheduler.run_job("optimize_database") == ("optimized" if connection.vendor == "sqlite" else "skipped")
