"""Shape checks the lost & found services share: trimmed plain text, a choice, a time not in the future."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from kefu.core.errors import CoreError, ErrorCode, ServiceError, invalid
from kefu.core.validators import plain_text, single_line

from .errors import LostFoundError

# A clock a few minutes ahead at the desk is not an error; a time hours ahead is a typing mistake.
FUTURE_TOLERANCE = timedelta(minutes=10)


def text(value, field: str, *, max_length: int, required: ErrorCode | None = None, multiline=False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    if required and not value:
        raise ServiceError(required, fields={field: [required.message]})
    if len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        (plain_text if multiline else single_line)(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def choice(value, choices, field: str, *, required: ErrorCode | None = None) -> str:
    if required and not value:
        raise ServiceError(required, fields={field: [required.message]})
    if value not in {c for c, _label in choices}:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value


def past_time(value, field: str, *, now=None, default_now=True) -> datetime:
    now = now or timezone.now()
    if value is None and default_now:
        return now
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise invalid({field: CoreError.INVALID_INPUT.message})
    if value > now + FUTURE_TOLERANCE:
        raise ServiceError(LostFoundError.TIME_IN_FUTURE, fields={field: [LostFoundError.TIME_IN_FUTURE.message]})
    return value
