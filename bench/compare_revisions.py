#!/usr/bin/env python
"""Before/after on a noisy machine: profile_request.py for an older revision and for this checkout, alternating.

    KEFU_VAR_DIR=/tmp/kefu-bench-1m .venv/bin/python bench/compare_revisions.py da1e6ad detail-html create-api
    ... [--database-url URL] [--rounds 3] [--repeat 40]

On this VM the same code measured 1.7x apart an hour apart (neighbours, not us), so two bench/run.sh tables
taken at different times compare the machine as much as the code. Alternating old and new, figure by figure,
spreads that drift over both sides. The older revision is checked out into a temporary git worktree and runs
with this checkout's .venv against the same database (its writes, e.g. create-api's orders, land there too).
Prints the median over rounds of each side's in-process median wall time, CPU time, queries and Python calls.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(
    r"queries=\s*(\d+) sql=\s*[\d.]+ ms\s+median=\s*([\d.]+) ms\s+cpu=\s*([\d.]+) ms\s+calls/request=\s*(\d+)"
)


def run(checkout: Path, figure: str, repeat: int, env: dict) -> tuple[int, float, float, int]:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "bench/profile_request.py", figure, "--top", "0", "--repeat", str(repeat)],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = LINE.search(out)
    if not match:
        raise SystemExit(f"no figure line from {checkout} {figure}:\n{out[-500:]}")
    queries, median, cpu, calls = match.groups()
    return int(queries), float(median), float(cpu), int(calls)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("revision", help="the older revision, e.g. a commit id")
    p.add_argument("figures", nargs="+", help="profile_request.py figure names")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=40)
    p.add_argument("--database-url", help="default: DATABASE_URL, else the SQLite file of KEFU_VAR_DIR")
    args = p.parse_args(argv)
    env = {**os.environ, "KEFU_DEBUG": "0"}
    env.setdefault("KEFU_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    with tempfile.TemporaryDirectory(prefix="kefu-rev-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "worktree", "add", "-q", "--detach", str(old), args.revision], cwd=ROOT, check=True)
        try:
            results: dict[tuple[str, str], list] = {}
            for _ in range(args.rounds):
                for figure in args.figures:
                    for side, checkout in (("old", old), ("new", ROOT)):
                        results.setdefault((figure, side), []).append(run(checkout, figure, args.repeat, env))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)
    print(f"{'figure':<22} {'queries':>9} {'wall ms':>13} {'cpu ms':>13} {'calls/request':>17}")
    for figure in args.figures:
        o, n = results[(figure, "old")], results[(figure, "new")]

        def med(rows, i):
            return statistics.median(r[i] for r in rows)

        print(
            f"{figure:<22} {o[0][0]:>4} → {n[0][0]:<3} {med(o, 1):5.1f} → {med(n, 1):5.1f} "
            f"{med(o, 2):5.1f} → {med(n, 2):5.1f} {o[0][3]:>7} → {n[0][3]:<7}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
