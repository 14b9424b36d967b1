"""Follow-up pages: 今日回访 with the outcome form, overdue visits and revisit rate for supervisors, and the rules and
tier-plan settings for managers. Thin: parse, call one service or selector, render; a ServiceError becomes its
Chinese message on the page (404 for another site's rows), never a 500."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import get_site_for, sites_for, staff_for
from kefu.core.errors import ServiceError
from kefu.core.views import add_service_error, not_found_as_404

from . import forms, plan_services, selectors, services
from .holidays import label_of
from .models import FOLLOW_UP_TYPES, PlanRole, PlanYear, VisitStatus


def _need(user, capability: Capability) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied


@login_required
def today(request):
    _need(request.user, Capability.PERFORM_FOLLOW_UP)
    visits = list(selectors.todo_for(request.user)[:200])
    local_today = selectors.local_today_for(request.user)
    for v in visits:
        v.holiday_label = label_of(v.holiday.split(",")) if v.holiday else ""
    return render(request, "followups/today.html", {"visits": visits, "today": local_today})


def _visit_context(request, visit, form):
    may_perform = visit.status == VisitStatus.OPEN and (
        visit.assignee_id == request.user.id or has_capability(request.user, Capability.VIEW_SATISFACTION)
    )
    information = []
    if visit.tier:
        definition = plan_services.tier_definitions(visit.site).get(visit.tier)
        information = definition.information_items if definition else []
    return {
        "visit": visit,
        "attempts": selectors.attempts_of(visit),
        "form": form if may_perform else None,
        "holiday_label": label_of(visit.holiday.split(",")) if visit.holiday else "",
        "information": information,
    }


@login_required
@not_found_as_404
def detail(request, pk):
    _need(request.user, Capability.PERFORM_FOLLOW_UP)
    visit = selectors.get_follow_up_for(request.user, pk)
    form = forms.AttemptForm(initial={"method": visit.method})
    if request.method == "POST":
        form = forms.AttemptForm(request.POST)
        if form.is_valid():
            try:
                attempt = services.record_attempt(visit, actor=request.user, **form.outcome())
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Follow-up visit recorded.") if attempt.reached else _("Attempt recorded."))
                if attempt.opened_order_id:
                    return redirect("tickets:detail", attempt.opened_order_id)
                return redirect("followups:today")
        visit = selectors.get_follow_up_for(request.user, pk)
    return render(request, "followups/detail.html", _visit_context(request, visit, form))


def _month_bounds(today_: date) -> tuple[date, date]:
    start = today_.replace(day=1)
    nxt = (start.replace(day=28) + timezone.timedelta(days=4)).replace(day=1)
    return start, nxt - timezone.timedelta(days=1)


def _with_role_labels(rows: list[dict]) -> list[dict]:
    """The selector's rows keep the role code (the API returns them); the page shows the role's label."""
    labels = dict(PlanRole.choices)
    return [{**r, "role_label": labels.get(r["role"], r["role"])} for r in rows]


@login_required
def overdue(request):
    _need(request.user, Capability.VIEW_SATISFACTION)
    start, end = _month_bounds(selectors.local_today_for(request.user))
    return render(
        request,
        "followups/overdue.html",
        {
            "counts": selectors.overdue_counts(request.user),
            "visits": list(selectors.overdue_for(request.user)[:300]),
            "rates": selectors.revisit_rate(request.user, start=start, end=end),
            "completion": _with_role_labels(selectors.plan_completion(request.user, start=start, end=end)),
            "start": start,
            "end": end,
        },
    )


def _site(request):
    sites = list(sites_for(request.user))
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site") or request.POST.get("site")
    return (get_site_for(request.user, chosen) if chosen else sites[0]), sites


@login_required
@not_found_as_404
def rules(request):
    _need(request.user, Capability.MANAGE_FOLLOW_UP_RULES)
    site, sites = _site(request)
    staff = list(staff_for(request.user, site_id=site.id))
    bound = {}
    if request.method == "POST":
        order_type = request.POST.get("order_type")
        form = forms.RuleForm(request.POST, staff=staff)
        if order_type in {t.value for t in FOLLOW_UP_TYPES} and form.is_valid():
            try:
                services.update_rule(site, order_type, actor=request.user, **form.values())
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("Follow-up rule saved."))
                return redirect(f"{reverse('followups:rules')}?site={site.pk}")
        bound[order_type] = form
    rows = []
    for rule in selectors.rules_for(request.user, site):
        initial = {f: getattr(rule, f) for f in forms.RuleForm.base_fields if f != "named_assignee"}
        initial["named_assignee"] = rule.named_assignee_id
        rows.append((rule, bound.get(rule.order_type) or forms.RuleForm(initial=initial, staff=staff)))
    return render(request, "followups/rules.html", {"site": site, "sites": sites, "rows": rows})


def _plan_post(request, site, staff):
    """One of the plan page's forms; returns the bound form on a validation error, else None."""
    action = request.POST.get("form")
    if action == "tier":
        form = forms.TierForm(request.POST)
        if form.is_valid():
            plan_services.update_tier_definition(
                site, request.POST.get("tier"), actor=request.user, **form.cleaned_data
            )
            return None
    elif action == "role":
        form = forms.RoleForm(request.POST, staff=staff)
        if form.is_valid():
            plan_services.assign_role(
                site, request.POST.get("role"), actor=request.user, user_id=form.cleaned_data["user"]
            )
            return None
    elif action == "settings":
        form = forms.SettingsForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            plan_services.update_revisit_settings(
                site, actor=request.user, scope=d["scope"], holiday_codes=d["holidays"]
            )
            return None
    elif action == "generate":
        form = forms.GenerateForm(request.POST)
        if form.is_valid():
            result = plan_services.generate_revisit_plans(site.id, actor=request.user, year=form.cleaned_data["year"])
            messages.success(
                request, _("%(n)s revisits planned for %(year)s.") % {"n": result["visits"], "year": result["year"]}
            )
            for warning in result["warnings"]:
                messages.warning(request, _("No holiday data, holiday revisit left out: %(w)s") % {"w": warning})
            return None
    else:
        raise PermissionDenied
    return form


@login_required
@not_found_as_404
def plans(request):
    _need(request.user, Capability.MANAGE_FOLLOW_UP_RULES)
    site, sites = _site(request)
    staff = list(staff_for(request.user, site_id=site.id))
    error_form = None
    if request.method == "POST":
        try:
            error_form = _plan_post(request, site, staff)
        except ServiceError as exc:
            messages.error(request, exc.message + " " + " ".join(m for ms in exc.fields.values() for m in ms))
        else:
            if error_form is None:
                if request.POST.get("form") != "generate":
                    messages.success(request, _("Saved."))
                return redirect(f"{reverse('followups:plans')}?site={site.pk}")
    definitions = plan_services.tier_definitions(site)
    tier_forms = [
        (tier, forms.TierForm(initial={f: getattr(d, f) for f in forms.TierForm.base_fields}))
        for tier, d in sorted(definitions.items())
    ]
    holders = plan_services.role_holders(site)
    role_forms = [
        (role, label, forms.RoleForm(initial={"user": holders[role].pk if holders[role] else None}, staff=staff))
        for role, label in PlanRole.choices
    ]
    settings_row = plan_services.revisit_settings(site)
    this_year = timezone.localdate().year
    return render(
        request,
        "followups/plans.html",
        {
            "site": site,
            "sites": sites,
            "tier_forms": tier_forms,
            "role_forms": role_forms,
            "settings_form": forms.SettingsForm(
                initial={"scope": settings_row.scope, "holidays": settings_row.holidays}
            ),
            "generate_form": forms.GenerateForm(initial={"year": this_year}),
            "years": PlanYear.objects.filter(site=site).order_by("-year"),
            "error_form": error_form,
        },
    )


@require_POST
@login_required
@not_found_as_404
def reassign(request, pk):
    visit = selectors.get_follow_up_for(request.user, pk)
    try:
        services.reassign_follow_up(visit, actor=request.user, assignee_id=request.POST.get("assignee"))
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Visit reassigned."))
    return redirect("followups:overdue")
