"""The scale-out path for real: a redis-server and a Celery worker process run the SLA scan and escalate a breach."""

import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kefu.core.models import Notification
from kefu.sla.models import Escalation, WorkOrderClock

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{d['NAME']}"
    auth = d["USER"] + (f":{d['PASSWORD']}" if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def celery_worker(redis_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KEFU_REDIS_URL": redis_url,
        "KEFU_WITH_SLA": "1",
        "KEFU_SCHEDULER": "celery",
        "KEFU_SQLITE_NO_PERSIST": "1",
    }
    log = open(tmp_path / "worker.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kefu",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield redis_url
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


@pytest.mark.django_db(transaction=True)
def test_breach_escalates_through_redis_and_a_celery_worker(duty_site, make_order, supervisor, celery_worker):
    from celery import Celery

    order = make_order(type="repair", accept_now=True)
    # The order's first-response deadline passed a minute ago (state set in the database, where deadlines live).
    past = timezone.now() - timedelta(minutes=1)
    WorkOrderClock.objects.filter(work_order=order, metric="first_response").update(due_at=past, at_risk_at=past)
    client = Celery("kefu-test-client", broker=celery_worker, backend=celery_worker)
    result = client.send_task("kefu.run_job", args=["sla_scan"])
    outcome = result.get(timeout=90)
    assert outcome["breached"] == 1 and outcome["supervisor"] == 1
    assert Escalation.objects.filter(work_order=order, level="supervisor").count() == 1
    assert Notification.objects.filter(recipient=supervisor, kind="escalation_supervisor").count() == 1


def test_beat_schedules_the_registered_jobs():
    from kefu.celery import app

    app.finalize()
    assert app.conf.beat_schedule["sla_scan"]["task"] == "kefu.run_job"
    assert app.conf.beat_schedule["sla_scan"]["args"] == ("sla_scan",)
