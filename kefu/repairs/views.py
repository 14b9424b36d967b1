"""Repair pages: desk intake, the technician's list and work page (tablet-first), one POST per step.

Thin by design: parse the form, call one service or selector, render. A ServiceError becomes its Chinese
message on the page with status 4xx (404 for another site's or another department's repair), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import departments_for, shops_for, sites_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.phones import mask_phone, parse_phone
from kefu.core.views import add_service_error, not_found_as_404
from kefu.customers.selectors import lookup_by_phone_prefix

from . import fieldwork, forms, selectors, services
from .models import EVENT_LABELS, STAGE_LABELS


def _intake_choices(actor) -> dict:
    sites = [(s.id, s.name) for s in sites_for(actor)]
    many = len(sites) > 1
    return {
        "sites": sites,
        "departments": [(d.id, f"{d.site.name} · {d.name}" if many else d.name) for d in departments_for(actor)],
        "shops": [(s.id, f"{s.site.code} {s}" if many else str(s)) for s in shops_for(actor).select_related("site")],
    }


def _initial_department(actor):
    for d in departments_for(actor):
        if d.name == "工程部":
            return d.id
    return None


def _existing_customer_id(actor, site_id, phone: str):
    """The archive's customer with exactly this number at this site, if any (the desk then files under them)."""
    parsed = parse_phone(phone)
    if parsed is None:
        return None
    for customer in lookup_by_phone_prefix(actor, parsed.national, site_id=site_id):
        if any(p.national == parsed.national for p in customer.phones.all()):
            return customer.id
    return None


@login_required
def intake(request):
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    choices = _intake_choices(actor)
    form = forms.IntakeForm(request.POST or None, initial={"department": _initial_department(actor)}, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            site_id, shop = data.pop("site"), data.pop("shop")
            department = data.pop("department")
            customer_id = _existing_customer_id(actor, site_id, data["customer_phone"])
            try:
                sheet = services.create_repair(
                    actor=actor,
                    site_id=site_id,
                    shop_id=shop,
                    department_id=department,
                    customer_id=customer_id,
                    **data,
                )
            except ServiceError as exc:
                if exc.error is not CoreError.INVALID_INPUT or not exc.fields:
                    messages.error(request, exc.message)
                add_service_error(form, exc, rename={"name": "customer_name", "phones": "customer_phone"})
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Repair %(number)s dispatched to %(department)s.")
                    % {"number": sheet.work_order.number, "department": sheet.work_order.department},
                )
                if not selectors.department_has_staff(sheet.work_order.department):
                    messages.warning(
                        request,
                        _("Nobody in %(department)s is on duty to receive it: the supervisors were told. Call them.")
                        % {"department": sheet.work_order.department},
                    )
                return redirect("tickets:detail", pk=sheet.work_order_id)
        elif not form.errors.get("__all__"):
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(
        request,
        "repairs/intake.html",
        {"form": form, "recent": _rows(selectors.recent_repairs_for(actor))},
        status=status,
    )


def _rows(sheets) -> list[dict]:
    return [{"sheet": s, "stage": s.stage, "stage_label": STAGE_LABELS[s.stage]} for s in sheets]


@login_required
def mine(request):
    """我的维修单: the open repairs of the technician's departments, urgent first."""
    return render(request, "repairs/mine.html", {"rows": _rows(selectors.open_repairs_for(request.user))})


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _forms(sheet, failed=None) -> dict:
    out = {
        "arrive": forms.ArrivalForm(initial={"arrived_at": _now_local()}),
        "part": forms.PartForm(),
        "work": forms.WorkForm(
            initial={"work_done": sheet.work_done, "result": sheet.result, "labour_minutes": sheet.labour_minutes}
        ),
        "fee": forms.FeeForm(
            initial={
                "charge": "charged" if sheet.is_chargeable else "free",
                "fee_amount": sheet.fee_amount,
                "settlement": sheet.settlement if sheet.is_chargeable else "",
                "receipt_number": sheet.receipt_number,
            }
        ),
        "photo": forms.PhotoForm(),
        "confirm": forms.ConfirmForm(initial={"confirmed_by_name": sheet.contact_name, "confirmed_at": _now_local()}),
    }
    if failed:
        out[failed[0]] = failed[1]
    return out


def _render_work(request, sheet, *, failed=None, status=200):
    actor = request.user
    return render(
        request,
        "repairs/work.html",
        {
            "sheet": sheet,
            "order": sheet.work_order,
            "stage": sheet.stage,
            "stage_label": STAGE_LABELS[sheet.stage],
            "stages": list(STAGE_LABELS.items()),
            "parts": selectors.parts_for(sheet),
            "photos": selectors.photos_for(sheet),
            "events": [(e, EVENT_LABELS.get(e.event_type, e.event_type)) for e in selectors.events_for(sheet)],
            "can_act": selectors.can_act(actor, sheet),
            "contact_phone": mask_phone(sheet.contact_phone) if sheet.contact_phone else "",
            "forms": _forms(sheet, failed),
        },
        status=status,
    )


@login_required
@not_found_as_404
def work(request, pk):
    return _render_work(request, selectors.get_repair_for(request.user, pk))


@dataclass(frozen=True)
class Step:
    form: str  # key in _forms(), and the form class's name there
    run: Callable  # run(sheet, actor, cleaned_data)
    done: object


def _fee(sheet, actor, d):
    return fieldwork.record_fee(
        sheet,
        actor=actor,
        chargeable=d["charge"] == "charged",
        amount=d["fee_amount"],
        settlement=d["settlement"],
        receipt_number=d["receipt_number"],
    )


FORM_CLASSES = {
    "arrive": forms.ArrivalForm,
    "part": forms.PartForm,
    "work": forms.WorkForm,
    "fee": forms.FeeForm,
    "photo": forms.PhotoForm,
    "confirm": forms.ConfirmForm,
}
STEPS = {
    "accept": Step("", lambda s, a, d: fieldwork.accept_repair(s, actor=a), _("Repair accepted.")),
    "arrive": Step(
        "arrive",
        lambda s, a, d: fieldwork.record_arrival(s, actor=a, arrived_at=d["arrived_at"]),
        _("Arrival recorded."),
    ),
    "part": Step(
        "part",
        lambda s, a, d: fieldwork.add_part(s, actor=a, name=d["name"], quantity=d["quantity"], unit=d["unit"]),
        _("Part added."),
    ),
    "work": Step("work", lambda s, a, d: fieldwork.record_work(s, actor=a, **d), _("Work record saved.")),
    "complete": Step("work", lambda s, a, d: fieldwork.complete_repair(s, actor=a, **d), _("Work completed.")),
    "fee": Step("fee", _fee, _("Fee recorded.")),
    "photo": Step("photo", lambda s, a, d: fieldwork.add_photo(s, actor=a, uploaded=d["file"]), _("Photo uploaded.")),
    "confirm": Step(
        "confirm",
        lambda s, a, d: fieldwork.confirm_by_customer(
            s, actor=a, name=d["confirmed_by_name"], confirmed_at=d["confirmed_at"], signature=d["signature"]
        ),
        _("Confirmed by the customer; the work order is resolved."),
    ),
}


@login_required
@require_POST
@not_found_as_404
def step(request, pk, name):
    if name not in STEPS:
        raise Http404
    actor = request.user
    sheet = selectors.get_repair_for(actor, pk)
    spec = STEPS[name]
    form = FORM_CLASSES[spec.form](request.POST, request.FILES) if spec.form else None
    if form is not None and not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        return _render_work(request, sheet, failed=(spec.form, form), status=400)
    data = dict(form.cleaned_data) if form is not None else {}
    if name in ("work", "complete"):
        data["labour_minutes"] = data.get("labour_minutes") or 0
    try:
        spec.run(sheet, actor, data)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        if form is not None:
            add_service_error(form, exc, rename={"name": "name", "amount": "fee_amount"})
        sheet = selectors.get_repair_for(actor, pk)
        return _render_work(request, sheet, failed=(spec.form, form) if form else None, status=exc.status)
    messages.success(request, spec.done)
    return redirect("repairs:work", pk=pk)


@login_required
@require_POST
@not_found_as_404
def remove_part(request, pk, part_id):
    actor = request.user
    sheet = selectors.get_repair_for(actor, pk)
    try:
        fieldwork.remove_part(sheet, actor=actor, part_id=part_id)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        return _render_work(request, selectors.get_repair_for(actor, pk), status=exc.status)
    messages.success(request, _("Part removed."))
    return redirect("repairs:work", pk=pk)
