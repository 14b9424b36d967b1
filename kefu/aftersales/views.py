"""After-sales pages: intake, the steps posted from the work-order panel, warranty rules, the shop's confirmations.

Thin: parse the form, call one service or selector, render. A ServiceError is its Chinese message on the page
(404 for rows outside the actor's sites or shop), never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.models import Role
from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import shops_for, sites_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import add_service_error, not_found_as_404
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets.views import render_detail

from . import forms, return_services, rule_services, selectors, services
from .steps import STEPS


@login_required
def intake(request):
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    sites = [(s.id, s.name) for s in sites_for(actor)]
    rules = [
        (r.id, f"{r.site.name} · {r.category}" if len(sites) > 1 else r.category)
        for r in selectors.rules_for(actor, active_only=True)
    ]
    shops = [(s.id, str(s)) for s in shops_for(actor)]
    form = forms.IntakeForm(request.POST or None, request.FILES or None, sites=sites, rules=rules, shops=shops)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            customer_id = selectors.customer_id_by_phone(actor, data["site"], data["customer_phone"])
            try:
                case = services.create_after_sales_case(
                    actor=actor,
                    site_id=data["site"],
                    rule_id=data["rule"],
                    customer_id=customer_id,
                    customer_name="" if customer_id else data["customer_name"],
                    customer_phone="" if customer_id else data["customer_phone"],
                    kind=data["kind"],
                    channel=data["channel"],
                    product_name=data["product_name"],
                    model=data["model"],
                    serial_number=data["serial_number"],
                    purchased_on=data["purchased_on"],
                    purchase_place=data["purchase_place"],
                    order_number=data["order_number"],
                    receipt_present=data["receipt_present"],
                    shop_id=data["shop"],
                    problem=data["problem"],
                    photos=[data["photos"]] if data.get("photos") else [],
                )
            except ServiceError as exc:
                if exc.error is not CoreError.INVALID_INPUT:
                    messages.error(request, exc.message)
                add_service_error(
                    form,
                    exc,
                    rename={
                        "name": "customer_name",
                        "phones": "customer_phone",
                        "description": "problem",
                        "file": "photos",
                    },
                )
                status = exc.status
            else:
                messages.success(
                    request, _("After-sales case %(number)s registered.") % {"number": case.work_order.number}
                )
                return redirect("tickets:detail", pk=case.work_order_id)
    return render(
        request,
        "aftersales/intake.html",
        {"form": form, "recent": selectors.recent_cases_for(actor)},
        status=status,
    )


@login_required
@require_POST
@not_found_as_404
def step(request, pk, name):
    if name not in STEPS:
        raise Http404
    actor = request.user
    case = selectors.get_case_for(actor, pk)
    order = case.work_order
    form = forms.step_form(name, data=request.POST, **STEPS[name].options(case, actor))
    if not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        request._aftersales_failed = (name, form)
        return render_detail(request, order, status=400)
    try:
        STEPS[name].run(case, actor, form.cleaned_data)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        add_service_error(form, exc)
        request._aftersales_failed = (name, form)
        return render_detail(request, ticket_selectors.get_work_order_for(actor, pk), status=exc.status)
    messages.success(request, STEPS[name].done)
    if not ticket_selectors.work_orders_for(actor).filter(pk=order.pk).exists():
        return redirect("tickets:queue")
    return redirect("tickets:detail", pk=order.pk)


# ---- warranty rules ----


def _rule_initial(rule):
    return {f: getattr(rule, f) for f in rule_services.FIELDS} | {"site": rule.site_id}


@login_required
@not_found_as_404
def rules(request, pk=None):
    actor = request.user
    if not has_capability(actor, Capability.MANAGE_WARRANTY_RULES):
        raise PermissionDenied
    rule = selectors.get_rule_for(actor, pk) if pk else None
    sites = [(s.id, s.name) for s in sites_for(actor)]
    initial = (
        _rule_initial(rule)
        if rule
        else {
            "allow_exchange": True,
            "allow_refund": True,
            "receipt_required": True,
            "return_days": 7,
            "exchange_days": 15,
        }
    )
    form = forms.RuleForm(request.POST or None, initial=initial, sites=sites)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            site_id = values.pop("site")
            try:
                if rule:
                    rule_services.update_warranty_rule(rule, actor=actor, **values)
                else:
                    rule_services.create_warranty_rule(actor=actor, site_id=site_id, **values)
            except ServiceError as exc:
                if exc.error is CoreError.NOT_FOUND:
                    raise
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Warranty rule saved."))
                return redirect("aftersales:rules")
    return render(
        request,
        "aftersales/rules.html",
        {"form": form, "rule": rule, "rules": selectors.rules_for(actor)},
        status=status,
    )


# ---- the shop's confirmations (待确认退换货) ----


@login_required
def pending_returns(request):
    actor = request.user
    if actor.role != Role.SHOP and not has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS):
        raise PermissionDenied
    by_shop = actor.role == Role.SHOP
    rows = [
        (ret, forms.step_form("shop_confirm", by_shop=by_shop)) for ret in selectors.returns_awaiting_shop_for(actor)
    ]
    return render(request, "aftersales/pending_returns.html", {"rows": rows, "by_shop": by_shop})


@login_required
@require_POST
@not_found_as_404
def confirm_return(request, pk):
    actor = request.user
    ret = selectors.get_return_for(actor, pk)
    form = forms.step_form("shop_confirm", data=request.POST, by_shop=actor.role == Role.SHOP)
    if not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        return redirect("aftersales:pending_returns")
    data = form.cleaned_data
    try:
        return_services.confirm_by_shop(
            ret,
            actor=actor,
            agreed=data["agreed"],
            shop_person=data.get("shop_person", ""),
            reason=data["reason"],
            alternative=data["alternative"],
        )
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The shop's answer is recorded."))
    return redirect("aftersales:pending_returns")
