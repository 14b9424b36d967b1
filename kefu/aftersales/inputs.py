"""Input checks shared by the after-sales services (shape only; the business rules stay in the services)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.core.validators import plain_text

from .errors import AfterSalesError

MAX_AMOUNT = Decimal("9999999.99")


def text(value, field: str, *, max_length: int, required=None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None or len(value) > max_length:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    if required is not None and not value:
        raise ServiceError(required, fields={field: [required.message]})
    try:
        plain_text(value)
    except ValidationError as exc:
        raise invalid({field: exc.messages}) from None
    return value


def required_text(value, field: str, *, max_length: int) -> str:
    value = text(value, field, max_length=max_length)
    if not value:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value


def a_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        raise invalid({field: CoreError.INVALID_INPUT.message}) from None


def amount(value, field: str) -> Decimal:
    try:
        value = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        value = None
    if value is None or not value.is_finite() or value <= 0 or value > MAX_AMOUNT or value.as_tuple().exponent < -2:
        raise ServiceError(AfterSalesError.AMOUNT_INVALID, fields={field: [AfterSalesError.AMOUNT_INVALID.message]})
    return value.quantize(Decimal("0.01"))


def choice(value, choices, field: str) -> str:
    if value not in {c for c, _label in choices}:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value
