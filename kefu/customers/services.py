"""Named writes on the customer archive; each writes its history event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, site_ids_for
from kefu.core import hooks
from kefu.core.errors import CoreError, FieldChecks, ServiceError, invalid, not_found
from kefu.core.phones import Phone, parse_phone
from kefu.core.validators import plain_text

from .errors import CustomerError
from .models import Customer, CustomerDataAccess, CustomerEvent, CustomerKind, CustomerPhone, CustomerTag, Tier

TRACKED_FIELDS = ("name", "kind", "email", "address", "tier", "notes")


def _require(actor, capability: Capability) -> None:
    if not has_capability(actor, capability):
        raise ServiceError(CoreError.PERMISSION_DENIED)


def _require_site(actor, site_id: int) -> None:
    """Another site's customer does not exist for the actor, whatever object the caller passes in."""
    if site_id not in site_ids_for(actor):
        raise not_found()


def parse_phones(raw_numbers: Iterable[str]) -> list[Phone]:
    """Validate and normalise a list of typed numbers; duplicates collapse, invalid ones are reported by position."""
    parsed: list[Phone] = []
    errors: list[str] = []
    for raw in raw_numbers:
        if not (raw or "").strip():
            continue
        phone = parse_phone(raw)
        if phone is None:
            errors.append(f"{raw[:30]}: {CustomerError.INVALID_PHONE.message}")
        elif phone.national not in {p.national for p in parsed}:
            parsed.append(phone)
    if errors:
        raise ServiceError(CustomerError.INVALID_PHONE, fields={"phones": errors})
    return parsed


def _required_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(CustomerError.NAME_REQUIRED, fields={"name": [CustomerError.NAME_REQUIRED.message]})
    return name


def _required_phones(phones: Iterable[str]) -> list[Phone]:
    parsed = parse_phones(phones)
    if not parsed:
        raise ServiceError(CustomerError.PHONE_REQUIRED, fields={"phones": [CustomerError.PHONE_REQUIRED.message]})
    return parsed


def check_identity(name: str, phones: Iterable[str]) -> tuple[str, list[Phone]]:
    """What every new customer needs, checked before anything is written: a name and at least one valid number
    (both reported when both are wrong)."""
    checks = FieldChecks()
    name = checks.run(lambda: _required_name(name))
    parsed = checks.run(lambda: _required_phones(phones))
    checks.raise_if_any()
    return name, parsed


def _tags(site, names: Iterable[str]) -> list[CustomerTag]:
    clean = sorted({n.strip()[:30] for n in names if n and n.strip()})
    return [CustomerTag.objects.get_or_create(site=site, name=n)[0] for n in clean]


def _check_text_fields(values: dict) -> None:
    """Row invariants the database would otherwise enforce with an error page: length, no control characters."""
    errors = {}
    for field, value in values.items():
        limit = Customer._meta.get_field(field).max_length
        if limit and len(value or "") > limit:
            errors[field] = [str(CoreError.INVALID_INPUT.message)]
            continue
        try:
            plain_text(value or "")
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise invalid(errors)


def _validate_choice(value, choices, field):
    if value not in {c for c, _ in choices}:
        raise invalid({field: CoreError.INVALID_INPUT.message})


@transaction.atomic
def create_customer(
    *,
    actor,
    site_id: int,
    name: str,
    phones: Iterable[str] = (),
    kind: str = CustomerKind.INDIVIDUAL,
    email: str = "",
    address: str = "",
    tier: str = Tier.C,
    tags: Iterable[str] = (),
    notes: str = "",
) -> Customer:
    _require(actor, Capability.MANAGE_CUSTOMERS)
    site = get_site_for(actor, site_id)
    name, parsed = check_identity(name, phones)
    _validate_choice(kind, CustomerKind.choices, "kind")
    _validate_choice(tier, Tier.choices, "tier")
    email, address = (email or "").strip(), (address or "").strip()
    _check_text_fields({"name": name, "email": email, "address": address, "notes": notes or ""})
    customer = Customer.objects.create(
        site=site, kind=kind, name=name, email=email, address=address, tier=tier, notes=notes or ""
    )
    CustomerPhone.objects.bulk_create(
        [
            CustomerPhone(
                customer=customer, site=site, national=p.national, e164=p.e164, kind=p.kind, is_primary=i == 0
            )
            for i, p in enumerate(parsed)
        ]
    )
    tag_objs = _tags(site, tags)
    if tag_objs:
        customer.tags.set(tag_objs)
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        event_type="customer_created",
        new={**{f: getattr(customer, f) for f in TRACKED_FIELDS}, "phones": [p.national for p in parsed]},
    )
    return customer


@transaction.atomic
def update_customer(customer: Customer, *, actor, changes: dict, tags: Iterable[str] | None = None) -> Customer:
    """Change archive fields; the event keeps the old values (a correction never overwrites history)."""
    _require(actor, Capability.MANAGE_CUSTOMERS)
    _require_site(actor, customer.site_id)
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    unknown = set(changes) - set(TRACKED_FIELDS)
    if unknown:
        raise invalid({f: CoreError.INVALID_INPUT.message for f in unknown})
    if "name" in changes and not (changes["name"] or "").strip():
        raise ServiceError(CustomerError.NAME_REQUIRED, fields={"name": [CustomerError.NAME_REQUIRED.message]})
    if "tier" in changes:
        _validate_choice(changes["tier"], Tier.choices, "tier")
    _check_text_fields({f: v for f, v in changes.items() if f in ("name", "email", "address", "notes")})
    if "kind" in changes:
        _validate_choice(changes["kind"], CustomerKind.choices, "kind")
    old, new = {}, {}
    for field, value in changes.items():
        if getattr(customer, field) != value:
            old[field], new[field] = getattr(customer, field), value
            setattr(customer, field, value)
    if tags is not None:
        before = sorted(customer.tags.values_list("name", flat=True))
        tag_objs = _tags(customer.site, tags)
        after = sorted(t.name for t in tag_objs)
        if before != after:
            customer.tags.set(tag_objs)
            old["tags"], new["tags"] = before, after
    if not old:
        return customer
    customer.updated_at = timezone.now()
    customer.save(update_fields=[*(f for f in new if f != "tags"), "updated_at"])
    CustomerEvent.objects.create(customer=customer, actor=actor, event_type="customer_changed", old=old, new=new)
    if "tier" in new:
        hooks.fire(hooks.CUSTOMER_TIER_CHANGED, customer=customer, actor=actor)
    return customer


@transaction.atomic
def set_key_customer(customer: Customer, *, actor, flagged: bool, reason: str) -> Customer:
    """Flag or unflag a key customer (重点客户); a system rule or a person, always with the reason recorded.

    People need FLAG_KEY_CUSTOMER (the leads); the system actor, which the complaints rule acts as, always may.
    """
    _require(actor, Capability.FLAG_KEY_CUSTOMER)
    _require_site(actor, customer.site_id)
    reason = (reason or "").strip()
    if not reason:
        error = CustomerError.KEY_CUSTOMER_REASON_REQUIRED
        raise ServiceError(error, fields={"reason": [error.message]})
    _check_text_fields({"key_customer_reason": reason})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_key_customer == flagged and customer.key_customer_reason == reason:
        return customer
    old = {"is_key_customer": customer.is_key_customer, "key_customer_reason": customer.key_customer_reason}
    customer.is_key_customer, customer.key_customer_reason = flagged, reason
    customer.updated_at = timezone.now()
    customer.save(update_fields=["is_key_customer", "key_customer_reason", "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        event_type="key_customer_changed",
        old=old,
        new={"is_key_customer": flagged, "key_customer_reason": customer.key_customer_reason},
    )
    return customer


@transaction.atomic
def add_customer_phone(customer: Customer, *, actor, number: str) -> CustomerPhone:
    _require(actor, Capability.MANAGE_CUSTOMERS)
    _require_site(actor, customer.site_id)
    (phone,) = parse_phones([number]) or [None]
    if phone is None:
        raise ServiceError(CustomerError.INVALID_PHONE, fields={"phone": [CustomerError.INVALID_PHONE.message]})
    if CustomerPhone.objects.filter(customer=customer, national=phone.national).exists():
        raise ServiceError(CustomerError.DUPLICATE_PHONE, fields={"phone": [CustomerError.DUPLICATE_PHONE.message]})
    row = CustomerPhone.objects.create(
        customer=customer,
        site_id=customer.site_id,
        national=phone.national,
        e164=phone.e164,
        kind=phone.kind,
        is_primary=not customer.phones.exists(),
    )
    CustomerEvent.objects.create(
        customer=customer, actor=actor, event_type="phone_added", new={"phone": phone.national}
    )
    return row


@transaction.atomic
def reveal_customer_phone(phone: CustomerPhone, *, actor, reason: str) -> str:
    """Return the full number and log who saw it, when and why (SEC-02)."""
    if not has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
        raise ServiceError(CustomerError.REVEAL_NOT_ALLOWED)
    _require_site(actor, phone.site_id)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(CustomerError.REASON_REQUIRED, fields={"reason": [CustomerError.REASON_REQUIRED.message]})
    CustomerDataAccess.objects.create(
        customer_id=phone.customer_id,
        phone=phone,
        actor=actor,
        event_type="phone_revealed",
        note=reason[:500],
        new={"phone": phone.masked},
    )
    return phone.national
