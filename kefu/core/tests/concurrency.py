"""Run a function in real threads at the same moment, each on its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections


def run_concurrently(fn: Callable, args_list: Sequence[tuple], *, timeout: float = 60) -> list[tuple[str, object]]:
    """Call fn(*args) once per entry, all released together by a barrier.

    Returns one ("ok", value) or ("error", exception) per entry, in input order. Every thread closes its own
    connections at the end, so the test database can be flushed and dropped afterwards.
    """
    barrier = threading.Barrier(len(args_list))
    results: list[tuple[str, object] | None] = [None] * len(args_list)

    def worker(index: int, args: tuple) -> None:
        try:
            barrier.wait(timeout)
            results[index] = ("ok", fn(*args))
        except BaseException as exc:  # reported to the test, never swallowed
            results[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, a), daemon=True) for i, a in enumerate(args_list)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    return results  # type: ignore[return-value]


def oks(results) -> list:
    return [value for kind, value in results if kind == "ok"]


def errors(results) -> list[BaseException]:
    return [value for kind, value in results if kind == "error"]
