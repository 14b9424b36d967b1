"""Suggestion and inquiry pages: intake, list, statistics, and the step forms of the work-order panels.

Thin by design: parse the form, call one service or selector, render. A ServiceError becomes its Chinese
message on the page (404 for rows outside the actor's sites), never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import departments_for, sites_for, staff_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import add_service_error, not_found_as_404
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets import views as ticket_views

from . import forms, inquiry_services, panels, selectors, services
from .transitions import Stage, Step

FAILED_ATTR = "_suggestions_failed"  # (key, form) of a failed panel form, read by the panel context
REVEALED_ATTR = "_suggestions_revealed"  # the caller's full number just revealed, shown once by the inquiry panel


def choices_for(actor, *, site_id=None) -> dict:
    sites = [(s.id, s.name) for s in sites_for(actor)]
    many = len(sites) > 1
    departments = departments_for(actor)
    categories = selectors.categories_for(actor) if site_id is None else selectors.categories_for_site(site_id)
    if site_id:
        departments = departments.filter(site_id=site_id)
    return {
        "sites": sites,
        "categories": [(c.id, c.name) for c in categories],
        "departments": [(d.id, f"{d.site.name} · {d.name}" if many and not site_id else d.name) for d in departments],
        "staff": [(u.id, u.name) for u in staff_for(actor, site_id=site_id).only("id", "display_name", "username")],
    }


def can_see_statistics(user) -> bool:
    return has_capability(user, Capability.VIEW_TEAM_DASHBOARD) or has_capability(user, Capability.DECIDE_SUGGESTION)


# ---- intake ----


@login_required
def suggestion_new(request):
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    form = forms.SuggestionIntakeForm(request.POST or None, **choices_for(actor))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                suggestion = services.record_suggestion(
                    actor=actor,
                    site_id=d["site"],
                    content=d["content"],
                    proposer_name=d["proposer_name"],
                    proposer_contact=d["proposer_contact"],
                    channel=d["channel"],
                    category_id=d["category"],
                    solicited=d["solicited"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("Suggestion %(number)s recorded.") % {"number": suggestion.work_order.number}
                )
                return redirect("tickets:detail", pk=suggestion.work_order_id)
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(request, "suggestions/new.html", {"form": form}, status=status)


@login_required
def inquiry_new(request):
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    form = forms.InquiryIntakeForm(request.POST or None, **choices_for(actor))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                inquiry = inquiry_services.record_inquiry(
                    actor=actor,
                    site_id=d["site"],
                    channel=d["channel"],
                    question=d["question"],
                    asker_name=d["asker_name"],
                    asker_contact=d["asker_contact"],
                    answer=d["answer"],
                    answer_script_key=d["answer_script_key"],
                    no_further_questions=d["no_further_questions"],
                )
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Inquiry %(number)s recorded.") % {"number": inquiry.work_order.number})
                return redirect("tickets:detail", pk=inquiry.work_order_id)
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(request, "suggestions/inquiry_new.html", {"form": form}, status=status)


# ---- lists and statistics ----


def _filters(form) -> selectors.ListFilters:
    if not form.is_valid():
        return selectors.ListFilters()
    d = form.cleaned_data
    return selectors.ListFilters(
        site_id=d.get("site"),
        stage=d.get("stage") or "",
        category_id=d.get("category"),
        date_from=d.get("date_from"),
        date_to=d.get("date_to"),
        q=d.get("q") or "",
    )


@login_required
def suggestion_list(request):
    actor = request.user
    form = forms.ListFilterForm(request.GET or None, **choices_for(actor))
    rows = selectors.suggestion_list(actor, _filters(form))
    return render(
        request,
        "suggestions/list.html",
        {
            "filter_form": form,
            "rows": [(s, selectors.masked_contact(s.proposer_contact)) for s in rows],
            "limit": selectors.LIST_LIMIT,
            "can_see_statistics": can_see_statistics(actor),
        },
    )


@login_required
def statistics(request):
    actor = request.user
    if not can_see_statistics(actor):
        raise PermissionDenied
    choices = choices_for(actor)
    form = forms.StatisticsFilterForm(request.GET or None, **choices)
    f = _filters(form)
    stats = selectors.suggestion_statistics(actor, site_id=f.site_id, date_from=f.date_from, date_to=f.date_to)
    stage_labels = dict(Stage.choices)
    return render(
        request,
        "suggestions/statistics.html",
        {
            "filter_form": form,
            "stats": stats,
            "by_stage": [(stage_labels[k], n) for k, n in stats["by_stage"].items()],
            "category_form": forms.CategoryForm(**choices)
            if has_capability(actor, Capability.DECIDE_SUGGESTION)
            else None,
        },
    )


@login_required
@require_POST
@not_found_as_404
def category_add(request):
    actor = request.user
    form = forms.CategoryForm(request.POST, **choices_for(actor))
    if form.is_valid():
        try:
            category = services.add_category(
                actor=actor, site_id=form.cleaned_data["site"], name=form.cleaned_data["name"]
            )
        except ServiceError as exc:
            if exc.error is CoreError.PERMISSION_DENIED:
                raise PermissionDenied from None
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Category %(name)s added.") % {"name": category.name})
    else:
        messages.error(request, CoreError.INVALID_INPUT.message)
    return redirect("suggestions:statistics")


@login_required
def inquiry_list(request):
    q = (request.GET.get("q") or "").strip()[:100]
    rows = selectors.answered_inquiries(request.user, q=q)
    return render(request, "suggestions/inquiries.html", {"rows": rows, "q": q, "limit": selectors.LIST_LIMIT})


# ---- suggestion steps on the work-order page ----


STEP_FORMS = {
    Step.CLASSIFY: (
        forms.ClassifyForm,
        lambda s, a, d: services.classify_suggestion(s, actor=a, category_id=d["category"]),
        _("Suggestion classified."),
    ),
    Step.EVALUATE: (
        forms.EvaluateForm,
        lambda s, a, d: services.evaluate_suggestion(
            s,
            actor=a,
            feasibility=d["feasibility"],
            valuable=d["valuable"],
            evaluation=d["evaluation"],
            evaluator_id=d["evaluator"],
        ),
        _("Evaluation recorded."),
    ),
    Step.FORWARD: (
        forms.ForwardForm,
        lambda s, a, d: services.forward_suggestion(
            s, actor=a, note=d["note"], department_id=d["department"], leader_id=d["leader"]
        ),
        _("Suggestion forwarded."),
    ),
    Step.ADOPT: (
        forms.AdoptForm,
        lambda s, a, d: services.adopt_suggestion(
            s,
            actor=a,
            reason=d["reason"],
            plan=d["plan"],
            plan_owner_id=d["plan_owner"],
            plan_due_on=d["plan_due_on"],
            decided_on=d["decided_on"],
        ),
        _("Suggestion adopted."),
    ),
    Step.REJECT: (
        forms.RejectForm,
        lambda s, a, d: services.reject_suggestion(s, actor=a, reason=d["reason"], decided_on=d["decided_on"]),
        _("Decision recorded: not adopted."),
    ),
    Step.RECORD_PROGRESS: (
        forms.ProgressForm,
        lambda s, a, d: services.record_progress(s, actor=a, note=d["note"]),
        _("Progress recorded."),
    ),
    Step.COMPLETE: (
        forms.CompleteForm,
        lambda s, a, d: services.complete_implementation(s, actor=a, result=d["result"]),
        _("Implementation recorded as completed."),
    ),
    Step.GIVE_FEEDBACK: (
        forms.FeedbackForm,
        lambda s, a, d: services.give_feedback(
            s, actor=a, message=d["message"], channel=d["channel"], thanked=d["thanked"], given_at=d["given_at"]
        ),
        _("Feedback to the proposer recorded."),
    ),
    Step.CLOSE: (
        forms.CloseForm,
        lambda s, a, d: services.close_suggestion(s, actor=a, reason=d["reason"]),
        _("Suggestion closed."),
    ),
}


def _fold_form(request, item):
    # 200 even when the step is no longer offered, so that htmx shows the notice in the fold.
    return render(request, "suggestions/_step_fields.html", {"item": item})


def _fail(request, order, key, form, status):
    setattr(request, FAILED_ATTR, (key, form))
    return ticket_views.render_detail(
        request, ticket_selectors.get_work_order_for(request.user, order.pk), status=status
    )


def _run(request, order, key, form_class, run, done):
    """Validate in the site's zone (datetime-local carries none), call the service, redirect or re-render."""
    actor = request.user
    with timezone.override(order.site.time_zone):
        form = form_class(request.POST, auto_id=f"id_{key}_%s", **choices_for(actor, site_id=order.site_id))
        valid = form.is_valid()
    if not valid:
        messages.error(request, CoreError.INVALID_INPUT.message)
        return _fail(request, order, key, form, 400)
    try:
        run(form.cleaned_data)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        add_service_error(form, exc)
        return _fail(request, order, key, form, exc.status)
    messages.success(request, done)
    if not ticket_selectors.work_orders_for(actor).filter(pk=order.pk).exists():
        return redirect("suggestions:list")
    return redirect("tickets:detail", pk=order.pk)


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def step(request, pk, step):
    """POST takes the step; GET answers its form, for the panel's fold to show when opened."""
    try:
        step = Step(step)
    except ValueError:
        raise Http404 from None
    suggestion = selectors.get_suggestion_for(request.user, pk)
    if request.method == "GET":
        return _fold_form(request, panels.suggestion_step_fold(request, suggestion, step))
    form_class, run, done = STEP_FORMS[step]
    return _run(
        request,
        suggestion.work_order,
        step.value,
        form_class,
        lambda d: run(suggestion, request.user, d),
        done,
    )


@login_required
@require_POST
@not_found_as_404
def details(request, order_pk):
    order = ticket_selectors.get_work_order_for(request.user, order_pk)

    def run(d):
        services.record_suggestion_details(
            order,
            actor=request.user,
            content=d["content"],
            proposer_name=d["proposer_name"],
            proposer_contact=d["proposer_contact"],
            solicited=d["solicited"],
        )

    return _run(request, order, "details", forms.DetailsForm, run, _("Suggestion details recorded."))


# ---- inquiry actions on the work-order page ----

INQUIRY_FORMS = {
    "answer": (
        forms.AnswerForm,
        lambda o, a, d: inquiry_services.answer_inquiry(
            o,
            actor=a,
            answer=d["answer"],
            answer_script_key=d["answer_script_key"],
            no_further_questions=d["no_further_questions"],
            expected_version=d["version"],
        ),
        _("Answer recorded; the inquiry is resolved."),
    ),
    "park": (
        forms.ParkForm,
        lambda o, a, d: inquiry_services.park_inquiry(
            o,
            actor=a,
            told_customer=d["told_customer"],
            promised_at=d["promised_at"],
            reason=d["reason"],
            expected_version=d["version"],
        ),
        _("Inquiry parked with the promised reply time."),
    ),
    "transfer": (
        forms.TransferForm,
        lambda o, a, d: inquiry_services.transfer_inquiry(
            o,
            actor=a,
            reason=d["reason"],
            department_id=d["department"],
            assignee_id=d["assignee"],
            expected_version=d["version"],
        ),
        _("Inquiry transferred."),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
@not_found_as_404
def inquiry_action(request, order_pk, action):
    """POST runs the action; GET answers its form, for the panel's fold to show when opened."""
    if action not in INQUIRY_FORMS:
        raise Http404
    order = ticket_selectors.get_work_order_for(request.user, order_pk)
    if request.method == "GET":
        return _fold_form(request, panels.inquiry_action_fold(request, order, action))
    form_class, run, done = INQUIRY_FORMS[action]
    return _run(request, order, f"inquiry_{action}", form_class, lambda d: run(order, request.user, d), done)


@login_required
@require_POST
@not_found_as_404
def inquiry_reveal_contact(request, order_pk):
    """The caller's full number, shown once on the page that asked for it; the service logs who, when and why."""
    order = ticket_selectors.get_work_order_for(request.user, order_pk)
    form = forms.RevealContactForm(request.POST, auto_id="id_inquiry_reveal_%s")
    if not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        return _fail(request, order, "inquiry_reveal", form, 400)
    try:
        number = inquiry_services.reveal_asker_contact(order, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        add_service_error(form, exc)
        return _fail(request, order, "inquiry_reveal", form, exc.status)
    setattr(request, REVEALED_ATTR, number)
    return ticket_views.render_detail(request, order)
