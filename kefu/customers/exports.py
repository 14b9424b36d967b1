"""Excel export of the customer archive (CRM-06): masked by default, every export logged.

The archive is confidential company material, so the log row (who, when, filters, masked or not, row count) is
written in the same transaction that reads the rows; an unmasked export needs REVEAL_CUSTOMER_PHONE as well.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError

from .errors import CustomerError
from .models import CustomerExport, Tier
from .selectors import search_customers

MAX_ROWS = 50_000
FILTER_KEYS = ("q", "site", "tier", "tag", "key_only")


def clean_export_filters(raw) -> dict:
    """Shape of the filters (from a query string or JSON); unknown or bad values are refused, not ignored."""
    out: dict = {}
    errors = {}
    q = (raw.get("q") or "").strip()
    if len(q) > 100:
        errors["q"] = [CoreError.INVALID_INPUT.message]
    elif q:
        out["q"] = q
    for key in ("site",):
        value = raw.get(key)
        if value not in (None, ""):
            try:
                out[key] = int(value)
                if out[key] < 1:
                    raise ValueError
            except (TypeError, ValueError):
                errors[key] = [CoreError.INVALID_INPUT.message]
    tier = raw.get("tier") or ""
    if tier:
        if tier not in Tier.values:
            errors["tier"] = [CoreError.INVALID_INPUT.message]
        else:
            out["tier"] = tier
    tag = (raw.get("tag") or "").strip()
    if len(tag) > 30:
        errors["tag"] = [CoreError.INVALID_INPUT.message]
    elif tag:
        out["tag"] = tag
    if str(raw.get("key_only") or "").lower() in ("1", "true", "on", "yes"):
        out["key_only"] = True
    if errors:
        raise ServiceError(CoreError.INVALID_INPUT, fields={k: [str(m) for m in v] for k, v in errors.items()})
    return out


def _cell(value):
    # A text starting like a formula would be evaluated by Excel (CSV/formula injection): keep it text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _rows(actor, filters: dict):
    qs = search_customers(actor, filters.get("q", ""), site_id=filters.get("site"))
    if filters.get("tier"):
        qs = qs.filter(tier=filters["tier"])
    if filters.get("tag"):
        qs = qs.filter(tags__name=filters["tag"]).distinct()
    if filters.get("key_only"):
        qs = qs.filter(is_key_customer=True)
    # search_customers prefetches the phones (model order: primary first).
    return qs.prefetch_related("tags").select_related("site")[:MAX_ROWS]


def mask_email(email: str) -> str:
    local, at, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if at else ("***" if email else "")


def mask_address(address: str) -> str:
    # The district is enough to sort a list by area; the street and number identify the person.
    address = (address or "").strip()
    return f"{address[:6]}****" if len(address) > 6 else ("****" if address else "")


@transaction.atomic
def export_customers(*, actor, filters: dict, unmasked: bool = False) -> tuple[bytes, int]:
    """The archive rows the actor may see, as an xlsx file; returns (file bytes, row count)."""
    if not has_capability(actor, Capability.EXPORT_CUSTOMERS):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    if unmasked and not has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
        raise ServiceError(CustomerError.EXPORT_UNMASKED_NOT_ALLOWED)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Customers"))
    sheet.append(
        [
            _("Site"),
            _("Name"),
            _("Kind"),
            _("Tier"),
            _("Phone numbers"),
            _("Email"),
            _("Address"),
            _("Tags"),
            _("Key customer"),
            _("Credit rating"),
            _("Created"),
        ]
    )
    count = 0
    for c in _rows(actor, filters):
        numbers = [p.national if unmasked else p.masked for p in c.phones.all()]
        row = [
            c.site.name,
            c.name,
            c.get_kind_display(),
            c.get_tier_display(),
            " ".join(numbers),
            c.email if unmasked else mask_email(c.email),
            c.address if unmasked else mask_address(c.address),
            " ".join(sorted(t.name for t in c.tags.all())),
            _("Yes") if c.is_key_customer else "",
            c.get_credit_rating_display(),
            timezone.localtime(c.created_at).strftime("%Y-%m-%d"),
        ]
        sheet.append([_cell(v) for v in row])
        count += 1
    CustomerExport.objects.create(
        actor=actor,
        event_type="customers_exported_unmasked" if unmasked else "customers_exported",
        new={"filters": filters, "masked": not unmasked, "rows": count},
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count
