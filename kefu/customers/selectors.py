"""Reads of the customer archive, scoped to the actor's sites."""

from __future__ import annotations

import functools

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from kefu.accounts.models import Site, User
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import site_ids_for
from kefu.core.api import MAX_ID
from kefu.core.errors import CoreError, ServiceError, not_found
from kefu.core.phones import search_digits
from kefu.core.prepared import PreparedRead
from kefu.core.rows import Columns, fetch_one

from .models import Customer, CustomerDocument, CustomerExport, CustomerPhone, EnterpriseContact

LOOKUP_LIMIT = 10


def customers_for(actor) -> QuerySet[Customer]:
    return Customer.objects.filter(site_id__in=site_ids_for(actor))


def get_customer_for(actor, customer_id) -> Customer:
    try:
        return customers_for(actor).select_related("site").prefetch_related("phones", "tags").get(pk=int(customer_id))
    except (Customer.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


_NEW_ORDER_READ: dict[bool, tuple[str, Columns, Columns]] = {}


def _new_order_read(member_check: bool):
    """The SQL once per shape (rows.py: building this query through the ORM cost more than a create's INSERT)."""
    if member_check not in _NEW_ORDER_READ:
        customer, site = Columns(Customer, "c"), Columns(Site, "s")
        q = connection.ops.quote_name
        sql = (
            f"SELECT {customer.sql()}, {site.sql()} FROM {q(Customer._meta.db_table)} c"
            f" JOIN {q(Site._meta.db_table)} s ON s.{q('id')} = c.{q('site_id')}"
            f" WHERE c.{q('id')} = %s AND c.{q('site_id')} = %s AND s.{q('is_active')} = %s"
        )
        if member_check:
            staff = User.sites.field
            sql += (
                f" AND EXISTS (SELECT 1 FROM {q(staff.m2m_db_table())} m WHERE m.{q(staff.m2m_reverse_name())}"
                f" = s.{q('id')} AND m.{q(staff.m2m_column_name())} = %s)"
            )
        _NEW_ORDER_READ[member_check] = (sql, customer, site)
    return _NEW_ORDER_READ[member_check]


def site_and_customer_for_new_order(actor, site_id, customer_id):
    """(site, customer) for a new order in one read, when the site is active and the actor's and the customer
    is filed under it; None otherwise, and the caller looks each up alone to say which one is wrong."""
    try:
        site_id, customer_id = int(site_id), int(customer_id)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (0 < site_id <= MAX_ID and 0 < customer_id <= MAX_ID):
        return None
    cached = getattr(actor, "_kefu_site_ids", None)
    if cached is not None and site_id not in cached:
        return None
    member_check = cached is None and not (actor.is_superuser or actor.is_system)
    sql, customer_cols, site_cols = _new_order_read(member_check)
    params = [customer_id, site_id, True] + ([actor.pk] if member_check else [])
    found = fetch_one(sql, params, customer_cols, site_cols, reuse_plan=True)
    if found is None:
        return None
    customer, site = found
    customer.site = site
    return site, customer


def get_customer_phone_for(actor, phone_id) -> CustomerPhone:
    try:
        return CustomerPhone.objects.select_related("customer").get(pk=int(phone_id), site_id__in=site_ids_for(actor))
    except (CustomerPhone.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def lookup_by_phone_prefix(actor, typed: str, *, site_id=None, limit: int = LOOKUP_LIMIT) -> list[Customer]:
    """Customers whose number starts with what the agent has typed so far (at least 3 digits).

    A range condition instead of LIKE keeps it an index range scan on both SQLite and PostgreSQL.
    """
    digits = search_digits(typed)
    if len(digits) < 3:
        return []
    sites = site_ids_for(actor)
    if site_id:
        sites = [s for s in sites if s == int(site_id)]
    phone_rows = (
        CustomerPhone.objects.filter(site_id__in=sites, national__gte=digits, national__lt=digits + ":")
        .order_by("national")
        .values_list("customer_id", flat=True)[: limit * 3]
    )
    ids = list(dict.fromkeys(phone_rows))[:limit]
    customers = {
        c.id: c
        for c in Customer.objects.filter(id__in=ids)
        .select_related("site")
        .prefetch_related(Prefetch("phones", queryset=CustomerPhone.objects.order_by("-is_primary", "id")))
    }
    return [customers[i] for i in ids if i in customers]


def search_customers(actor, query: str = "", *, site_id=None) -> QuerySet[Customer]:
    qs = customers_for(actor).select_related("site").prefetch_related("phones")
    if site_id:
        qs = qs.filter(site_id=site_id)
    query = (query or "").strip()
    if query:
        digits = search_digits(query)
        cond = Q(name__icontains=query)
        if len(digits) >= 3:
            cond |= Q(phones__national__startswith=digits)
        qs = qs.filter(cond).distinct()
    return qs.order_by("-id")


@functools.cache
def _phones_of(customers: int, sites: int) -> PreparedRead:
    """The phones of `customers` ids on `sites` ids: one prepared shape per pair of counts (a queue page has at
    most 25 customers; an actor a few sites), as building the query cost more than the database took."""
    return PreparedRead(
        lambda *ids: CustomerPhone.objects.filter(
            customer_id__in=ids[:customers], site_id__in=ids[customers:]
        ).order_by("customer_id", "-is_primary", "id"),
        arity=customers + sites,
    )


def primary_phones_for(actor, customer_ids) -> dict[int, CustomerPhone]:
    """The primary (else first) phone of each customer, in one query: for lists that show a masked number per row."""
    customers, sites = sorted(set(customer_ids)), site_ids_for(actor)
    if not customers or not sites:
        return {}
    rows = _phones_of(len(customers), len(sites))(*customers, *sites)
    out: dict[int, CustomerPhone] = {}
    for phone in rows:
        out.setdefault(phone.customer_id, phone)
    return out


_PHONES_OF_CUSTOMER = PreparedRead(
    lambda customer_id: CustomerPhone.objects.filter(customer_id=customer_id).order_by("-is_primary", "id")
)


def primary_phone_for(actor, customer_id) -> CustomerPhone | None:
    """primary_phones_for of one customer (a detail page's), by a prepared read: a customer has a few numbers."""
    sites = site_ids_for(actor)
    return next((p for p in _PHONES_OF_CUSTOMER(customer_id) if p.site_id in sites), None)


def contacts_for(customer) -> list:
    return list(customer.contacts.filter(is_active=True).order_by("id"))


def documents_for(actor, customer) -> list:
    """Qualification documents are listed only to roles that may open them (the desk roles and leads)."""
    if not has_capability(actor, Capability.MANAGE_CUSTOMERS):
        return []
    return list(customer.documents.select_related("uploaded_by").order_by("uploaded_at", "id"))


def documents_or_refuse(actor, customer) -> list:
    """For the API: a role that may not open the documents is told so (403) instead of an empty list."""
    if not has_capability(actor, Capability.MANAGE_CUSTOMERS):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    return documents_for(actor, customer)


def get_contact_for(actor, contact_id) -> EnterpriseContact:
    try:
        return EnterpriseContact.objects.select_related("customer").get(
            pk=int(contact_id), customer__site_id__in=site_ids_for(actor)
        )
    except (EnterpriseContact.DoesNotExist, TypeError, ValueError):
        raise not_found() from None


def get_document_for(actor, document_id) -> CustomerDocument:
    """Another site's document is a 404; a role without archive rights is refused (403) by the caller's check."""
    try:
        document = CustomerDocument.objects.select_related("customer").get(
            pk=int(document_id), customer__site_id__in=site_ids_for(actor)
        )
    except (CustomerDocument.DoesNotExist, TypeError, ValueError):
        raise not_found() from None
    if not has_capability(actor, Capability.MANAGE_CUSTOMERS):
        raise ServiceError(CoreError.PERMISSION_DENIED)
    return document


def credit_history_for(customer) -> list:
    return list(
        customer.events.filter(event_type="credit_rated").select_related("actor").order_by("-created_at", "-id")
    )


def exports_log(actor, limit: int = 50) -> list:
    """Recent exports, for the leads who may export (the log is theirs to audit)."""
    if not has_capability(actor, Capability.EXPORT_CUSTOMERS):
        return []
    return list(CustomerExport.objects.select_related("actor").order_by("-created_at", "-id")[:limit])
