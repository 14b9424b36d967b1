#!/usr/bin/env python
"""Time the public survey page, GET and POST of an answer, through Django's test Client (issue 5: p95 ≤ 30 ms).

    KEFU_VAR_DIR=/tmp/kefu-bench-surveys .venv/bin/python bench/surveys_page.py [--links N] [--requests R]
        [--database-url URL]

Works on a throwaway database: the SQLite file under KEFU_VAR_DIR is deleted and migrated afresh (a PostgreSQL
URL must name a database you can lose; its tables are migrated, never dropped). One site, one questionnaire of
four questions (scale, single choice, multiple choice, text), N customers each sent one survey through the real
service `create_survey`. Then, with DEBUG off and in-process (no HTTP server, so the figures are Django's own
time: URL routing, middleware, signature check, queries, template):
  - GET of R random open links (the customer opens the page),
  - POST of one answer to each of R distinct links (answers stored, link used up),
  - GET of R used links (410) and R tampered links (400), the two refusals.
Each figure is bounded by its request count; the script stops by itself.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(database_url: str | None) -> None:
    os.environ.setdefault("KEFU_VAR_DIR", "/tmp/kefu-bench-surveys")
    os.environ["KEFU_DEBUG"] = "0"
    os.environ.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = ""
        db = Path(os.environ["KEFU_VAR_DIR"]) / "kefu.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    import django

    django.setup()


def _figures(label: str, samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
    return f"{label:<28} n={len(ms):>5}  p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f} ms"


def _timed(client, method: str, url: str, expected: int, data=None, marker: str = "") -> float:
    t = time.perf_counter()
    response = client.post(url, data) if method == "POST" else client.get(url)
    took = time.perf_counter() - t
    if response.status_code != expected or marker not in response.content.decode():
        raise SystemExit(f"{method} {url}: {response.status_code}, expected {expected} and {marker!r}")
    return took


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--links", type=int, default=2_000, help="one-time links to create (≥ 2 × requests)")
    p.add_argument("--requests", type=int, default=600, help="requests per figure (≥ 500 for the issue)")
    p.add_argument("--database-url")
    args = p.parse_args(argv)
    if args.links < 2 * args.requests:
        p.error("--links must be at least twice --requests (each POST uses a link up)")
    _setup(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment

    from kefu.accounts.models import Role, Site, User
    from kefu.customers.models import Customer
    from kefu.surveys import links, sending, services
    from kefu.surveys.models import QuestionKind

    setup_test_environment(debug=False)  # 'testserver' allowed, DEBUG stays off
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 400/410 refusals are expected here
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic needed here
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    t = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.monotonic() - t:.1f} s ({connection.vendor}, DEBUG={settings.DEBUG})", flush=True)

    site, _ = Site.objects.get_or_create(code="SV", defaults={"name": "基准测试客服中心"})
    manager, _ = User.objects.get_or_create(
        username="bench_survey_mgr", defaults={"role": Role.MANAGER, "display_name": "基准经理"}
    )
    manager.sites.add(site)
    template = services.create_template(
        actor=manager,
        site_id=site.id,
        name="服务满意度调查",
        intro="感谢您抽出一分钟时间评价我们的服务。",
        questions=[
            {"kind": QuestionKind.SCALE, "text": "总体满意度", "is_satisfaction": True},
            {"kind": QuestionKind.SINGLE, "text": "问题是否解决", "options": ["已解决", "未解决"]},
            {
                "kind": QuestionKind.MULTIPLE,
                "text": "需改进之处",
                "options": ["速度", "态度", "结果"],
                "required": False,
            },
            {"kind": QuestionKind.TEXT, "text": "其他意见", "required": False},
        ],
    )
    questions = list(template.questions.order_by("position"))

    t = time.monotonic()
    Customer.objects.bulk_create(
        (Customer(site=site, kind="individual", name=f"客户{i:06d}") for i in range(args.links)), batch_size=5_000
    )
    customers = list(Customer.objects.filter(site=site).order_by("id")[: args.links])
    with transaction.atomic():
        surveys = [
            sending.create_survey(actor=manager, customer=c, template=template, link_valid_days=30, email=False)
            for c in customers
        ]
    urls = [links.path_for(s) for s in surveys]
    print(f"links: {len(urls):,} one-time links ({time.monotonic() - t:.1f} s)", flush=True)

    rng = random.Random(5)
    rng.shuffle(urls)
    to_answer, to_open = urls[: args.requests], urls[args.requests :]
    client = Client()
    for url in to_open[:20]:  # warm-up: imports, template cache, prepared statements
        _timed(client, "GET", url, 200)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page_queries:
        _timed(client, "GET", to_open[0], 200)
    page_query_count = len(page_queries.captured_queries)

    gets = [_timed(client, "GET", rng.choice(to_open), 200, marker="服务满意度调查") for _ in range(args.requests)]
    answer = {
        f"q{questions[0].pk}": "",
        f"q{questions[1].pk}": "已解决",
        f"q{questions[2].pk}": ["态度"],
        f"q{questions[3].pk}": "师傅很准时。",
    }
    posts = []
    for url in to_answer:
        answer[f"q{questions[0].pk}"] = str(rng.randint(1, 5))
        posts.append(_timed(client, "POST", url, 200, answer, marker="survey-thanks"))
    used = [_timed(client, "GET", rng.choice(to_answer), 410) for _ in range(args.requests)]
    tampered = [_timed(client, "GET", rng.choice(to_open)[:-3] + "xyz/", 400) for _ in range(args.requests)]

    print(f"queries per page GET: {page_query_count}")
    print(_figures("GET open link (200)", gets))
    print(_figures("POST answer (200)", posts))
    print(_figures("GET used link (410)", used))
    print(_figures("GET tampered link (400)", tampered))
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    worst = max(sorted(gets)[round(0.95 * len(gets)) - 1], sorted(posts)[round(0.95 * len(posts)) - 1])
    print(f"target p95 ≤ 30 ms: {'met' if worst * 1000 <= 30 else 'MISSED'}")
    return 0 if worst * 1000 <= 30 else 1


if __name__ == "__main__":
    sys.exit(main())
