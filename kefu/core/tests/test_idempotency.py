"""Idempotency-Key: a retried request replays the first answer; a different request with the key is refused."""

from __future__ import annotations

import pytest
from django.db import transaction

from kefu.core.errors import CoreError, ServiceError
from kefu.core.idempotency import fingerprint, run_idempotent
from kefu.core.models import IdempotencyRecord
from kefu.core.tests.concurrency import errors, oks, run_concurrently
from kefu.core.tests.fixtures import fast_password_hashing  # noqa: F401
from kefu.tickets.models import WorkOrder


class Counter:
    """An action that creates a real work order each time it runs and answers like the API would."""

    def __init__(self, make_order, status=201):
        self.make_order, self.status, self.calls = make_order, status, 0

    def __call__(self):
        self.calls += 1
        order = self.make_order(subject=f"第{self.calls}次")
        return self.status, {"id": order.id, "number": order.number}


def _run(actor, action, *, key="k-1", fp=None):
    fp = fp or fingerprint("POST", "/api/v1/work-orders/", {"subject": "漏水"})
    return run_idempotent(actor=actor, key=key, scope="work_orders.create", fp=fp, action=action)


def test_fingerprint_is_stable_and_sensitive_to_every_part():
    base = fingerprint("POST", "/x/", {"a": 1, "b": [1, 2]})
    assert base == fingerprint("POST", "/x/", {"b": [1, 2], "a": 1})  # key order does not matter
    assert base != fingerprint("PUT", "/x/", {"a": 1, "b": [1, 2]})
    assert base != fingerprint("POST", "/y/", {"a": 1, "b": [1, 2]})
    assert base != fingerprint("POST", "/x/", {"a": 2, "b": [1, 2]})


def test_same_key_and_same_request_replays_the_first_answer(agent, make_order):
    action = Counter(make_order)
    first = _run(agent, action)
    second = _run(agent, action)
    assert first[2] is False and second[2] is True
    assert first[:2] == second[:2]
    assert action.calls == 1
    assert WorkOrder.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.status_code, record.body) == (201, first[1])


def test_same_key_with_a_different_request_is_refused_and_runs_nothing(agent, make_order):
    action = Counter(make_order)
    _run(agent, action)
    with pytest.raises(ServiceError) as exc:
        _run(agent, action, fp=fingerprint("POST", "/api/v1/work-orders/", {"subject": "别的事"}))
    assert exc.value.code == "idempotency_key_reused"
    assert exc.value.status == 422
    assert action.calls == 1
    assert WorkOrder.objects.count() == 1


def test_a_failed_answer_is_not_remembered_so_a_fixed_retry_runs(agent, make_order):
    failing = Counter(make_order, status=400)
    status, _body, replayed = _run(agent, failing)
    assert (status, replayed) == (400, False)
    # The failed attempt's writes are rolled back with its key.
    assert WorkOrder.objects.count() == 0
    assert not IdempotencyRecord.objects.exists()
    ok = Counter(make_order)
    status, body, replayed = _run(agent, ok)
    assert (status, replayed) == (201, False)
    assert WorkOrder.objects.get().number == body["number"]


def test_an_action_that_raises_is_not_remembered(agent, make_order):
    def boom():
        make_order()
        raise ServiceError(CoreError.INVALID_INPUT)

    with pytest.raises(ServiceError):
        _run(agent, boom)
    assert not IdempotencyRecord.objects.exists()
    assert WorkOrder.objects.count() == 0
    assert _run(agent, Counter(make_order))[0] == 201


def test_keys_belong_to_one_actor(agent, supervisor, make_order):
    action = Counter(make_order)
    _run(agent, action)
    _, _, replayed = _run(supervisor, Counter(make_order, status=201))
    assert replayed is False
    assert IdempotencyRecord.objects.count() == 2


def test_a_key_used_inside_an_outer_transaction_that_rolls_back_is_forgotten(agent, make_order):
    action = Counter(make_order)
    with pytest.raises(RuntimeError), transaction.atomic():
        _run(agent, action)
        raise RuntimeError("the request failed after the action")
    assert not IdempotencyRecord.objects.exists()
    assert _run(agent, action)[2] is False


def test_parallel_retries_with_one_key_run_the_action_once(transactional_db, agent, make_order):
    n = 8
    fp = fingerprint("POST", "/api/v1/work-orders/", {"subject": "漏水"})

    def request(_i):
        return run_idempotent(
            actor=agent,
            key="same-key",
            scope="work_orders.create",
            fp=fp,
            action=lambda: (201, {"number": make_order().number}),
        )

    results = run_concurrently(request, [(i,) for i in range(n)])
    assert errors(results) == []
    answers = oks(results)
    assert len({body["number"] for _status, body, _replayed in answers}) == 1
    assert sorted(replayed for *_rest, replayed in answers) == [False] + [True] * (n - 1)
    assert WorkOrder.objects.count() == 1
