"""Deadline pages: promised reply, deferred reply and escalation on the work order, quick-create with the call
register, the SLA report, and the administration of service hours, overrides, holidays and response standards.

Thin by design: parse the form, call one service or selector, render; every ServiceError becomes its Chinese
message on the page (404 for rows outside the actor's sites), never a 500.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, sites_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import add_service_error, not_found_as_404
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import views as ticket_views
from kefu.tickets.models import Channel, Priority, WorkOrderType

from . import config_selectors, config_services, desk_services, forms, report_selectors, selectors, services
from .models import Metric

# ---- quick-create with the call register ----


@login_required
def quick_create(request):
    """The tickets quick-create page, plus rings and apology; order and call record are saved together."""
    return ticket_views.create(request, form_class=forms.PhoneQuickCreateForm, save=_create_with_call)


def _create_with_call(actor, data):
    fields = ticket_views.order_fields_from(data)
    if data["customer"]:
        fields["customer_id"] = data["customer"]
    elif data["customer_name"]:
        fields.update(customer_name=data["customer_name"], customer_phone=data["phone"])
    else:
        fields["customer_id"] = None
    order, _call = desk_services.create_order_with_call(
        actor=actor, rings=data["rings"], apology_made=data["apology_made"], **fields
    )
    return order


# ---- the 时限 panel's forms on the work-order detail page ----


def _promise(order, actor, data):
    services.promise_reply(order, actor=actor, promised_at=data["promised_at"], reason=data["reason"])


def _defer(order, actor, data):
    desk_services.defer_reply(
        order, actor=actor, told_customer=data["body"], promised_at=data["promised_at"], reason=data["reason"]
    )


def _escalate(order, actor, data):
    services.escalate_work_order(
        order, actor=actor, level=data["level"], reason=data["reason"], skip_level=data["skip_level"]
    )


ORDER_ACTIONS = {
    "promise": (_promise, _("Promised reply time recorded.")),
    "defer": (_defer, _("Recorded what the customer was told.")),
    "escalate": (_escalate, _("Escalated.")),
}


def _order_action(request, pk, name):
    actor = request.user
    order = ticket_selectors.get_work_order_for(actor, pk)
    run, done = ORDER_ACTIONS[name]
    form = forms.order_form(name, order, request.POST)
    if form.is_valid():
        try:
            run(order, actor, form.cleaned_data)
        except ServiceError as exc:
            if exc.error is CoreError.NOT_FOUND:
                raise
            messages.error(request, exc.message)
            add_service_error(form, exc)
            status = exc.status
        else:
            messages.success(request, done)
            return redirect("tickets:detail", pk=order.pk)
    else:
        messages.error(request, CoreError.INVALID_INPUT.message)
        status = 400
    order = ticket_selectors.get_work_order_for(actor, pk)
    return ticket_views.render_detail(request, order, status=status, extra={"sla_failed": (name, form)})


@login_required
@not_found_as_404
def order_form(request, pk, name):
    """One folded form of the 时限 panel, for the detail page to show when its fold is opened."""
    if name not in forms.ORDER_FORMS:
        raise Http404
    actor = request.user
    order = ticket_selectors.get_work_order_for(actor, pk)
    context = {"order": order, "name": name, "urgent": order.priority == Priority.URGENT}
    names = ticket_selectors.available_actions(actor, order)
    if name not in selectors.order_actions_allowed(actor, order, names):
        context["unavailable"] = True  # answered 200 so that htmx shows it in the fold
    else:
        context["form"] = forms.order_form(name, order)
    return render(request, "sla/_order_form.html", context)


@login_required
@require_POST
@not_found_as_404
def promise(request, pk):
    return _order_action(request, pk, "promise")


@login_required
@require_POST
@not_found_as_404
def defer(request, pk):
    return _order_action(request, pk, "defer")


@login_required
@require_POST
@not_found_as_404
def escalate(request, pk):
    return _order_action(request, pk, "escalate")


# ---- report ----

_METRIC = dict(Metric.choices)
_GROUP_LABELS = {"type": dict(WorkOrderType.choices), "channel": dict(Channel.choices)}


def _period(form) -> tuple:
    """From/to dates as local midnights, [start, end); defaults to the current month."""
    today = timezone.localdate(timezone.now())
    data = form.cleaned_data if form.is_valid() else {}
    start_day = data.get("start") or today.replace(day=1)
    end_day = data.get("end") or today
    if end_day < start_day:
        start_day, end_day = end_day, start_day
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(start_day, time.min), zone)
    end = timezone.make_aware(datetime.combine(end_day + timedelta(days=1), time.min), zone)
    return start_day, end_day, start, end, data.get("group_by") or "site"


@login_required
def report(request):
    actor = request.user
    if not has_capability(actor, Capability.VIEW_TEAM_DASHBOARD):
        raise PermissionDenied
    form = forms.ReportForm(request.GET or None)
    start_day, end_day, start, end, group_by = _period(form)
    rows = selectors.compliance_report(actor, start=start, end=end, group_by=group_by)
    labels = _GROUP_LABELS.get(group_by, {})
    for row in rows:
        row["metric_label"] = _METRIC.get(row["metric"], row["metric"])
        row["group_label"] = labels.get(row["label"], row["label"]) or _("(none)")
    if not form.is_bound:
        form = forms.ReportForm(initial={"start": start_day, "end": end_day, "group_by": group_by})
    return render(
        request,
        "sla/report.html",
        {
            "form": form,
            "rows": rows,
            "breaches": report_selectors.breach_rows(actor, start=start, end=end),
            "metric_labels": _METRIC,
            "start_day": start_day,
            "end_day": end_day,
        },
    )


# ---- administration (MANAGE_SLA) ----


def _require_manage(actor) -> None:
    if not has_capability(actor, Capability.MANAGE_SLA):
        raise PermissionDenied


@login_required
def hours(request):
    _require_manage(request.user)
    entries = config_selectors.site_hours_for(request.user)
    for entry in entries:
        entry["days"] = [(label, entry["weekly"].get(str(d), [])) for d, label in enumerate(forms.WEEKDAYS)]
    return render(request, "sla/hours.html", {"entries": entries})


@login_required
@not_found_as_404
def hours_edit(request, site_id):
    actor = request.user
    _require_manage(actor)
    entry = config_selectors.site_hours_of(actor, site_id)
    form = forms.SiteHoursForm(request.POST or None, initial=forms.SiteHoursForm.initial_from(entry))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                config_services.set_site_calendar(
                    entry["site"],
                    actor=actor,
                    weekly=form.weekly(),
                    around_the_clock=form.cleaned_data["around_the_clock"],
                    observes_public_holidays=form.cleaned_data["observes_public_holidays"],
                    makeup_weekday=entry["makeup_weekday"],
                    max_rings=form.cleaned_data["max_rings"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc, rename={"weekly": "day_0"} if exc.fields.get("weekly") else None)
                status = exc.status
            else:
                messages.success(request, _("Service hours saved."))
                return redirect("sla:hours")
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(request, "sla/hours_edit.html", {"form": form, "site": entry["site"]}, status=status)


@login_required
@not_found_as_404
def overrides(request):
    actor = request.user
    _require_manage(actor)
    sites = [(s.id, s.name) for s in sites_for(actor)]
    form = forms.OverrideForm(request.POST or None, sites=sites)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                config_services.set_calendar_override(
                    get_site_for(actor, data["site"]),
                    actor=actor,
                    day=data["day"],
                    closed=data["closed"],
                    spans=form.spans(),
                    reason=data["reason"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Calendar exception saved."))
                return redirect("sla:overrides")
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    since = timezone.localdate(timezone.now()) - timedelta(days=30)
    return render(
        request,
        "sla/overrides.html",
        {"form": form, "overrides": list(config_selectors.overrides_for(actor, since=since)[:200])},
        status=status,
    )


@login_required
def holidays(request):
    actor = request.user
    _require_manage(actor)
    form = forms.HolidayImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                days = config_services.parse_holiday_file(form.content())
                record = config_services.import_holiday_year(
                    actor=actor, year=form.cleaned_data["year"], days=days, source_note=form.cleaned_data["source_note"]
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc, rename={"file": "text"})
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Holiday data of %(year)s imported: %(n)s dates.") % {"year": record.year, "n": len(days)},
                )
                return redirect("sla:holidays")
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(
        request,
        "sla/holidays.html",
        {
            "form": form,
            "years": list(config_selectors.holiday_years()),
            "missing": selectors.calendar_warnings(timezone.localdate(timezone.now())),
        },
        status=status,
    )


@login_required
def policies(request):
    _require_manage(request.user)
    return render(request, "sla/policies.html", {"policies": list(selectors.policies()), "metrics": _METRIC})


@login_required
@not_found_as_404
def policy_edit(request, pk=None):
    actor = request.user
    _require_manage(actor)
    policy = config_selectors.get_policy(pk) if pk else None
    sites = [(s.id, s.name) for s in sites_for(actor)]
    initial = (
        forms.PolicyForm.initial_from(policy)
        if policy
        else {
            "at_risk_percent": 80,
            "supervisor_after_breach_minutes": 0,
            "manager_after_breach_minutes": 60,
            "reminder_before_promise_minutes": 30,
        }
    )
    form = forms.PolicyForm(request.POST or None, sites=sites, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = config_services.save_sla_policy(
                    policy,
                    actor=actor,
                    fields=form.policy_fields(),
                    targets=form.targets(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data.get("version") if policy else None,
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Response standard saved as version %(v)s.") % {"v": saved.version})
                return redirect("sla:policy", pk=saved.pk)
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(
        request,
        "sla/policy_edit.html",
        {
            "form": form,
            "policy": policy,
            "history": list(config_selectors.policy_history(policy)) if policy else [],
        },
        status=status,
    )
