"""Warranty rules (保修规则) per product category: edited by managers, versioned, every edit an event."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from kefu.accounts.permissions import Capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core.errors import CoreError, ServiceError, invalid, not_found

from . import access
from .errors import AfterSalesError
from .inputs import required_text, text
from .models import WarrantyRule, WarrantyRuleEvent, exclusion_lines

MAX_DAYS = 3650
FIELDS = (
    "category",
    "warranty_days",
    "covered",
    "exclusions",
    "allow_exchange",
    "allow_refund",
    "return_days",
    "exchange_days",
    "receipt_required",
    "is_active",
)


def _days(value, field: str) -> int:
    if isinstance(value, bool):
        raise invalid({field: CoreError.INVALID_INPUT.message})
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise invalid({field: CoreError.INVALID_INPUT.message}) from None
    if not 0 <= value <= MAX_DAYS:
        raise invalid({field: CoreError.INVALID_INPUT.message})
    return value


def _clean(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key not in FIELDS:
            raise invalid({key: CoreError.INVALID_INPUT.message})
        if key == "category":
            out[key] = required_text(value, key, max_length=60)
        elif key in ("warranty_days", "return_days", "exchange_days"):
            out[key] = _days(value, key)
        elif key in ("covered", "exclusions"):
            cleaned = text(value, key, max_length=2000)
            out[key] = "\n".join(exclusion_lines(cleaned)) if key == "exclusions" else cleaned
        else:
            if not isinstance(value, bool):
                raise invalid({key: CoreError.INVALID_INPUT.message})
            out[key] = value
    return out


def _windows_ok(rule: WarrantyRule) -> None:
    if rule.exchange_days < rule.return_days:
        raise invalid({"exchange_days": CoreError.INVALID_INPUT.message})


def _insert(rule: WarrantyRule) -> None:
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError:
        raise ServiceError(
            AfterSalesError.CATEGORY_TAKEN, fields={"category": [AfterSalesError.CATEGORY_TAKEN.message]}
        ) from None


@transaction.atomic
def create_warranty_rule(*, actor, site_id: int, **values) -> WarrantyRule:
    access.require(actor, Capability.MANAGE_WARRANTY_RULES)
    site = get_site_for(actor, site_id)
    values = _clean(values)
    for required in ("category", "warranty_days"):
        if required not in values:
            raise invalid({required: CoreError.INVALID_INPUT.message})
    rule = WarrantyRule(site=site, **values)
    _windows_ok(rule)
    _insert(rule)
    WarrantyRuleEvent.objects.create(rule=rule, actor=actor, event_type="created", new=rule.snapshot())
    return rule


@transaction.atomic
def update_warranty_rule(rule: WarrantyRule, *, actor, **changes) -> WarrantyRule:
    """A new version of the rule. Cases keep the snapshot they were decided on, so earlier decisions stand."""
    if rule.site_id not in site_ids_for(actor):
        raise not_found()
    access.require(actor, Capability.MANAGE_WARRANTY_RULES)
    rule = WarrantyRule.objects.select_for_update().get(pk=rule.pk)
    changes = {k: v for k, v in _clean(changes).items() if getattr(rule, k) != v}
    if not changes:
        return rule
    old = rule.snapshot()
    for key, value in changes.items():
        setattr(rule, key, value)
    _windows_ok(rule)
    rule.version += 1
    rule.updated_at = timezone.now()
    try:
        with transaction.atomic():
            rule.save(update_fields=[*changes, "version", "updated_at"])
    except IntegrityError:
        raise ServiceError(
            AfterSalesError.CATEGORY_TAKEN, fields={"category": [AfterSalesError.CATEGORY_TAKEN.message]}
        ) from None
    WarrantyRuleEvent.objects.create(rule=rule, actor=actor, event_type="updated", old=old, new=rule.snapshot())
    return rule
