"""Idempotency-Key support: a retried request returns the first result instead of writing twice.

The key row is inserted inside the same transaction as the write. Concurrent requests with one key
queue on the unique index (PostgreSQL) or on the write lock (SQLite IMMEDIATE); whoever comes second
finds the committed row and replays its answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction

from .errors import CoreError, ServiceError
from .models import IdempotencyRecord


def fingerprint(method: str, path: str, payload) -> str:
    raw = json.dumps([method, path, payload], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fp: str) -> tuple[int, dict]:
    if record.fingerprint != fp:
        raise ServiceError(CoreError.IDEMPOTENCY_KEY_REUSED)
    if record.status_code is None:
        raise ServiceError(CoreError.IDEMPOTENCY_IN_PROGRESS)
    return record.status_code, record.body


def run_idempotent(
    *, actor, key: str, scope: str, fp: str, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `action` once per (actor, key); returns (status, body, replayed)."""
    key = key[:200]
    existing = IdempotencyRecord.objects.filter(actor=actor, key=key).first()
    if existing:
        return (*_replay(existing, fp), True)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(actor=actor, key=key, scope=scope, fingerprint=fp)
            status, body = action()
            if status >= 400:
                # Failed requests are not remembered: the client may fix the input and retry with the same key.
                transaction.set_rollback(True)
                return status, body, False
            record.status_code, record.body = status, body
            record.save(update_fields=["status_code", "body"])
            return status, body, False
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(actor=actor, key=key).first()
        if existing is None:
            raise
        return (*_replay(existing, fp), True)
