"""Archive writes of the second cut: credit rating, enterprise contacts, qualification documents.

Each is one transaction with one CustomerEvent, like the writes in services.py.
"""

from __future__ import annotations

import os
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError, invalid
from kefu.core.phones import parse_phone

from .errors import CustomerError
from .models import (
    CreditRating,
    Customer,
    CustomerDataAccess,
    CustomerDocument,
    CustomerEvent,
    CustomerKind,
    DocumentType,
    EnterpriseContact,
)
from .services import _check_text_fields, _require, _require_site, _validate_choice

# Qualification documents are scans or PDFs: checked by extension and by the first bytes, not the browser's claim.
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _fail(error: CustomerError, field: str) -> ServiceError:
    return ServiceError(error, fields={field: [error.message]})


def _event(customer, actor, event_type, *, old=None, new=None) -> CustomerEvent:
    Customer.objects.filter(pk=customer.pk).update(updated_at=timezone.now())
    return CustomerEvent.objects.create(customer=customer, actor=actor, event_type=event_type, old=old, new=new)


@transaction.atomic
def rate_customer_credit(customer: Customer, *, actor, rating: str, reason: str) -> Customer:
    """Record a credit rating (信用度评估) with its reason; the previous rating stays in the history."""
    _require(actor, Capability.MANAGE_CUSTOMERS)
    _require_site(actor, customer.site_id)
    _validate_choice(rating, CreditRating.choices, "rating")
    reason = (reason or "").strip()
    if not reason:
        raise _fail(CustomerError.CREDIT_REASON_REQUIRED, "reason")
    _check_text_fields({"credit_reason": reason})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    old = {"credit_rating": customer.credit_rating, "credit_reason": customer.credit_reason}
    customer.credit_rating, customer.credit_reason = rating, reason
    customer.credit_rated_at = customer.updated_at = timezone.now()
    customer.save(update_fields=["credit_rating", "credit_reason", "credit_rated_at", "updated_at"])
    CustomerEvent.objects.create(
        customer=customer,
        actor=actor,
        event_type="credit_rated",
        old=old,
        new={"credit_rating": rating, "credit_reason": reason},
    )
    return customer


def _require_enterprise(actor, customer: Customer) -> None:
    _require(actor, Capability.MANAGE_CUSTOMERS)
    _require_site(actor, customer.site_id)
    if customer.kind != CustomerKind.ENTERPRISE:
        raise ServiceError(CustomerError.NOT_ENTERPRISE)


@transaction.atomic
def add_enterprise_contact(
    customer: Customer, *, actor, name: str, phone: str, title: str = "", address: str = ""
) -> EnterpriseContact:
    _require_enterprise(actor, customer)
    name = (name or "").strip()
    if not name:
        raise _fail(CustomerError.CONTACT_NAME_REQUIRED, "name")
    parsed = parse_phone(phone or "")
    if parsed is None:
        raise _fail(CustomerError.INVALID_PHONE, "phone")
    title, address = (title or "").strip(), (address or "").strip()
    too_long = [
        f for f, v, limit in (("name", name, 50), ("title", title, 50), ("address", address, 200)) if len(v) > limit
    ]
    if too_long:
        raise invalid({f: CoreError.INVALID_INPUT.message for f in too_long})
    _check_text_fields({"name": name, "address": address})
    contact = EnterpriseContact.objects.create(
        customer=customer, name=name, title=title, phone=parsed.national, address=address
    )
    _event(
        customer,
        actor,
        "contact_added",
        new={"contact": contact.pk, "name": name, "title": title, "phone": contact.masked},
    )
    return contact


@transaction.atomic
def remove_enterprise_contact(contact: EnterpriseContact, *, actor) -> EnterpriseContact:
    """Contacts leave; the row stays (inactive) so the history keeps naming them."""
    _require_enterprise(actor, contact.customer)
    contact = EnterpriseContact.objects.select_for_update().get(pk=contact.pk)
    if not contact.is_active:
        return contact
    contact.is_active = False
    contact.save(update_fields=["is_active"])
    _event(contact.customer, actor, "contact_removed", old={"contact": contact.pk, "name": contact.name})
    return contact


@transaction.atomic
def reveal_contact_phone(contact: EnterpriseContact, *, actor, reason: str) -> str:
    """A contact's full number, logged like a customer's (who, when, which contact and why)."""
    if not has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
        raise ServiceError(CustomerError.REVEAL_NOT_ALLOWED)
    _require_site(actor, contact.customer.site_id)
    reason = (reason or "").strip()
    if not reason:
        raise _fail(CustomerError.REASON_REQUIRED, "reason")
    CustomerDataAccess.objects.create(
        customer_id=contact.customer_id,
        actor=actor,
        event_type="contact_phone_revealed",
        note=reason[:500],
        new={"contact": contact.pk, "phone": contact.masked},
    )
    return contact.phone


def _classify(filename: str, head: bytes) -> tuple[str, str] | None:
    ext = os.path.splitext(filename or "")[1].lower()
    if ext not in DOCUMENT_TYPES:
        return None
    content_type, magics = DOCUMENT_TYPES[ext]
    return (ext, content_type) if head.startswith(magics) else None


@transaction.atomic
def add_customer_document(customer: Customer, *, actor, doc_type: str, uploaded) -> CustomerDocument:
    """Store a qualification document under an opaque name outside the database; a checked view serves it."""
    _require_enterprise(actor, customer)
    _validate_choice(doc_type, DocumentType.choices, "doc_type")
    size = getattr(uploaded, "size", 0) or 0
    if size <= 0:
        raise _fail(CustomerError.DOCUMENT_EMPTY, "file")
    if size > settings.KEFU_ATTACHMENT_MAX_BYTES:
        raise _fail(CustomerError.DOCUMENT_TOO_LARGE, "file")
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    kind = _classify(uploaded.name, head)
    if kind is None:
        raise _fail(CustomerError.DOCUMENT_TYPE, "file")
    extension, content_type = kind
    document = CustomerDocument(
        customer=customer,
        doc_type=doc_type,
        token=secrets.token_hex(16),
        extension=extension,
        original_name=os.path.basename(uploaded.name)[:200],
        content_type=content_type,
        size=size,
        uploaded_by=actor,
    )
    document.file.save(document.token + extension, uploaded, save=False)
    try:
        document.save()
        _event(
            customer,
            actor,
            "document_added",
            new={"document": document.pk, "doc_type": doc_type, "name": document.original_name, "size": size},
        )
    except Exception:
        document.file.delete(save=False)  # no orphan file when the row could not be written
        raise
    return document
