"""Archive pages of the second cut: credit rating, enterprise contacts, qualification documents, xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import not_found_as_404

from . import archive, exports, selectors
from .forms import CreditRatingForm, CustomerDocumentForm, CustomerExportForm, EnterpriseContactForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _after(request, customer, call, success):
    try:
        call()
    except ServiceError as exc:
        if exc.error is CoreError.PERMISSION_DENIED:
            raise PermissionDenied from None
        messages.error(
            request, exc.message + "".join(f" {m}" for ms in exc.fields.values() for m in ms if m != exc.message)
        )
    else:
        messages.success(request, success)
    return redirect("customers:detail", customer.pk)


def _invalid(request, customer, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("customers:detail", customer.pk)


@login_required
@require_POST
@not_found_as_404
def rate_credit(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    form = CreditRatingForm(request.POST)
    if not form.is_valid():
        return _invalid(request, customer, form)
    d = form.cleaned_data
    return _after(
        request,
        customer,
        lambda: archive.rate_customer_credit(customer, actor=request.user, rating=d["rating"], reason=d["reason"]),
        _("Credit rating recorded."),
    )


@login_required
@require_POST
@not_found_as_404
def add_contact(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    form = EnterpriseContactForm(request.POST)
    if not form.is_valid():
        return _invalid(request, customer, form)
    return _after(
        request,
        customer,
        lambda: archive.add_enterprise_contact(customer, actor=request.user, **form.cleaned_data),
        _("Contact added."),
    )


@login_required
@require_POST
@not_found_as_404
def remove_contact(request, pk):
    contact = selectors.get_contact_for(request.user, pk)
    return _after(
        request,
        contact.customer,
        lambda: archive.remove_enterprise_contact(contact, actor=request.user),
        _("Contact removed."),
    )


@login_required
@require_POST
@not_found_as_404
def add_document(request, pk):
    customer = selectors.get_customer_for(request.user, pk)
    form = CustomerDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, customer, form)
    return _after(
        request,
        customer,
        lambda: archive.add_customer_document(
            customer, actor=request.user, doc_type=form.cleaned_data["doc_type"], uploaded=form.cleaned_data["file"]
        ),
        _("Document uploaded."),
    )


@login_required
@not_found_as_404
def document(request, pk):
    """Served only through this view (never from a public URL), to the roles that may read the archive."""
    try:
        item = selectors.get_document_for(request.user, pk)
    except ServiceError as exc:
        if exc.error is CoreError.PERMISSION_DENIED:
            raise PermissionDenied from None
        raise
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export(request):
    """GET without `download` shows the form; with it, the xlsx (masked unless asked and allowed) and a log row."""
    if not has_capability(request.user, Capability.EXPORT_CUSTOMERS):
        raise PermissionDenied
    form = CustomerExportForm(request.GET or None)
    status = 200
    if request.GET.get("download") and form.is_valid():
        d = form.cleaned_data
        try:
            filters = exports.clean_export_filters(d)
            content, _rows = exports.export_customers(actor=request.user, filters=filters, unmasked=d["unmasked"])
        except ServiceError as exc:
            if exc.status == 403:
                raise PermissionDenied from None
            form.add_error(None, exc.message)
            status = exc.status
        else:
            response = HttpResponse(content, content_type=XLSX)
            name = f"customers-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
    elif request.GET.get("download"):
        status = 400
    return render(
        request,
        "customers/export.html",
        {
            "form": form,
            "log": selectors.exports_log(request.user, limit=20),
            "can_unmask": has_capability(request.user, Capability.REVEAL_CUSTOMER_PHONE),
        },
        status=status,
    )
