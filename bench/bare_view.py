#!/usr/bin/env python
"""The machine's yardstick: how fast a bare Django view answers over HTTP right now.

    .venv/bin/python bench/bare_view.py [--requests 2000] [--json FILE]

Issue 2 sets its targets for a machine where a bare Django view answers in about 0.6 ms. This machine's speed
drifts by up to 2x over hours (shared host), so run.sh prints this figure beside its own: the ratio says how far
the figures next to it are the machine's. Serves one view that touches no database, no middleware and no
template through gunicorn with Kefu's worker settings (gthread), on a free loopback port, and times sequential
keep-alive GETs. Also times a fixed pure-Python loop (CPU speed without the network).

Run by gunicorn, this module is the WSGI application itself (`bare_view:application`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time

REFERENCE_MS = 0.6  # the figure for this machine


def _application():
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    def bare(request):
        return HttpResponse(b"ok", content_type="text/plain")

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only",
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        DATABASES={},
    )
    globals()["urlpatterns"] = [path("", bare)]
    django.setup()
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


if os.environ.get("KEFU_BARE_VIEW_SERVE") == "1":
    application = _application()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("bare view server did not start")


def python_loop_ms() -> float:
    """Median of five runs of a fixed loop: CPU speed, no I/O."""
    runs = []
    for _ in range(5):
        start = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i
        runs.append((time.process_time() - start) * 1000)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    requests = max(100, min(args.requests, 20_000))

    port = _free_port()
    here = os.path.dirname(os.path.abspath(__file__))
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen(
        [gunicorn, "--chdir", here, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--worker-class", "gthread", "--keep-alive", "30", "--log-level", "warning", "bare_view:application"],
        env={**os.environ, "KEFU_BARE_VIEW_SERVE": "1", "DJANGO_SETTINGS_MODULE": ""},
    )  # fmt: skip
    try:
        _wait_up(port, time.monotonic() + 30)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            conn.request("GET", "/")
            conn.getresponse().read()
            times.append((time.perf_counter() - start) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = times[len(times) // 10 :]  # the first tenth warms connections and caches
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[int(len(times) * 0.95)]
    loop = python_loop_ms()
    print(
        f"  machine yardstick: bare Django view p50 {p50:.2f} ms, p95 {p95:.2f} ms "
        f"({p50 / REFERENCE_MS:.1f}x the issue's {REFERENCE_MS} ms); Python loop {loop:.0f} ms"
    )
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"bare_view_p50_ms": p50, "bare_view_p95_ms": p95, "python_loop_ms": loop}, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
