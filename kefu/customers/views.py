"""Customer archive pages: search, detail with masked phones, logged reveal, and the lookup-while-typing partial.

The customer's work-order history comes from the work-order queue (filtered by customer) through htmx: customers
is a lower layer than tickets and never imports it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import ServiceError
from kefu.core.extensions import customer_timeline
from kefu.core.views import add_service_error, not_found_as_404

from . import selectors, services
from .forms import CreditRatingForm, CustomerDocumentForm, CustomerSearchForm, EnterpriseContactForm, RevealPhoneForm
from .models import CustomerKind

PAGE_SIZE = 50


@login_required
def customer_list(request):
    form = CustomerSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A refused search (over-long) says so and lists nothing: the whole archive would look like its answer.
        return render(
            request,
            "customers/list.html",
            {"form": form, "rows": [], "next_before": None, "query": "", "paged": False},
            status=400,
        )
    query = form.cleaned_data["q"] if form.is_bound else ""
    rows = selectors.search_customers(request.user, query)
    try:
        before = int(request.GET.get("before") or 0)
    except ValueError:
        before = 0
    if before:
        rows = rows.filter(id__lt=before)
    # Keyset by id (the selector's order): no COUNT over the whole archive for a page of 50.
    rows = list(rows[: PAGE_SIZE + 1])
    next_before = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render(
        request,
        "customers/list.html",
        {"form": form, "rows": rows[:PAGE_SIZE], "next_before": next_before, "query": query, "paged": bool(before)},
    )


@login_required
@not_found_as_404
def customer_detail(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    return _render_detail(request, customer)


@login_required
@require_POST
@not_found_as_404
def reveal_phone(request, pk):
    """Show one full number once, in this response only (not stored in the URL or session); the service logs it."""
    phone = selectors.get_customer_phone_for(request.user, pk)
    customer = selectors.get_customer_for(request.user, phone.customer_id)
    form = RevealPhoneForm(request.POST)
    revealed = None
    status = 400
    if form.is_valid():
        try:
            revealed = services.reveal_customer_phone(phone, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, exc.message)
            add_service_error(form, exc)
            status = exc.status
        else:
            status = 200
    response = _render_detail(request, customer, forms={phone.pk: form}, revealed={phone.pk: revealed}, status=status)
    add_never_cache_headers(response)
    return response


def _render_detail(request, customer, *, forms=None, revealed=None, status=200):
    actor = request.user
    can_reveal = has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE)
    forms, revealed = forms or {}, revealed or {}
    phones = [
        {
            "phone": phone,
            "revealed": revealed.get(phone.pk),
            "form": (forms.get(phone.pk) or RevealPhoneForm(auto_id=f"id_reveal{phone.pk}_%s")) if can_reveal else None,
        }
        for phone in customer.phones.all()
    ]
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "phones": phones,
            "tags": list(customer.tags.all()),
            # Every contact from every app that registered a timeline source (orders, surveys, follow-ups …).
            "timeline": customer_timeline(customer, actor, limit=50),
            "credit_history": selectors.credit_history_for(customer)[:5],
            "is_enterprise": customer.kind == CustomerKind.ENTERPRISE,
            "contacts": selectors.contacts_for(customer),
            "documents": selectors.documents_for(actor, customer),
            "can_manage": has_capability(actor, Capability.MANAGE_CUSTOMERS),
            "credit_form": CreditRatingForm(initial={"rating": customer.credit_rating or None}),
            "contact_form": EnterpriseContactForm(auto_id="id_contact_%s"),
            "document_form": CustomerDocumentForm(auto_id="id_document_%s"),
        },
        status=status,
    )


@login_required
def lookup(request):
    """htmx partial for quick-create: customers whose number starts with what has been typed (masked)."""
    typed = request.GET.get("phone", "")
    site = request.GET.get("site") or None
    try:
        matches = selectors.lookup_by_phone_prefix(request.user, typed, site_id=site)
    except ValueError:
        matches = []
    return render(
        request,
        "customers/_lookup.html",
        {"matches": matches, "typed": typed, "selected": request.GET.get("customer", "")},
    )
