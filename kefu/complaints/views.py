"""Complaint pages: intake, the panel's actions on the work-order page, coordination tasks, the ledger with its
Excel export, the printable handling notice and the per-site settings. Thin: parse, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import shops_for, sites_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.views import add_service_error, not_found_as_404
from kefu.tickets.views import render_detail

from . import forms, selectors, services, solution_services, task_services
from .ledger import export_ledger, mask_contact
from .panels import option_lists

# ---- intake ----


@login_required
def intake(request):
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    sites = [(s.id, s.name) for s in sites_for(actor)]
    site_id = request.POST.get("site") or (sites[0][0] if sites else None)
    try:
        site_id = int(site_id) if site_id else None
    except ValueError:
        site_id = None
    kwargs = dict(
        sites=sites,
        shops=[
            (s.id, f"{s.site.name} · {s}" if len(sites) > 1 else str(s))
            for s in shops_for(actor).select_related("site")
        ],
        categories=services.categories_for(site_id) if site_id else [],
    )
    form = forms.IntakeForm(request.POST or None, initial={"complained_at": timezone.localtime()}, **kwargs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                complaint = services.register_complaint(
                    actor=actor, site_id=d["site"], customer_id=d["customer"], channel=d["channel"],
                    subject=d["subject"], description=d["description"], product=d["product"],
                    category=d["category"], demand=d["demand"], complainant_name=d["complainant_name"],
                    contact=d["contact"], apology_note=d["apology_note"], shop_id=d["shop"],
                    staff_involved=d["staff_involved"], severity=d["severity"] or "general", complained_at=d["complained_at"],
                    taken_to_office=d["taken_to_office"], taken_to_office_at=d["taken_to_office_at"],
                )  # fmt: skip
            except ServiceError as exc:
                if exc.error is CoreError.NOT_FOUND:
                    raise Http404 from None
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("Complaint %(number)s registered.") % {"number": complaint.work_order.number}
                )
                return redirect("tickets:detail", pk=complaint.pk)
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
    return render(request, "complaints/intake.html", {"form": form}, status=status)


# ---- panel actions ----


@dataclass(frozen=True)
class Action:
    form: type
    run: Callable  # run(complaint, actor, cleaned_data)
    done: object


def _lists(complaint, actor):
    return option_lists(actor, complaint.site_id)


ACTIONS: dict[str, Action] = {
    "office": Action(
        forms.OfficeForm,
        lambda c, a, d: services.mark_taken_to_office(c, actor=a, at=d["at"]),
        _("Time of taking the complainant to the office area recorded."),
    ),
    "on_the_spot": Action(
        forms.OnTheSpotForm,
        lambda c, a, d: services.resolve_on_the_spot(
            c, actor=a, resolution=d["resolution"], customer_accepted=d["customer_accepted"]
        ),
        _("Complaint resolved on the spot."),
    ),
    "investigate": Action(
        forms.InvestigateForm,
        lambda c, a, d: services.start_investigation(
            c, actor=a, promised_reply_at=d["promised_reply_at"], told_customer=d["told_customer"]
        ),
        _("Investigation started; the promised reply time is on the deadline clock."),
    ),
    "task": Action(
        forms.TaskForm,
        lambda c, a, d: task_services.assign_coordination_task(
            c,
            actor=a,
            party=d["party"],
            owner_id=d["owner"],
            instruction=d["instruction"],
            due_at=d["due_at"],
            shop_id=d["shop"],
            department_id=d["department"],
        ),  # fmt: skip
        _("Coordination task sent."),
    ),
    "proposal": Action(
        forms.ProposalForm,
        lambda c, a, d: solution_services.propose_solution(c, actor=a, text=d["text"]),
        _("Proposal recorded."),
    ),
    "reply": Action(
        forms.ReplyForm,
        lambda c, a, d: solution_services.reply_with_solution(
            c, actor=a, body=d["body"], channel=d["channel"], apology_repeated=d["apology_repeated"]
        ),
        _("The solution was told to the customer."),
    ),
    "answer": Action(
        forms.AnswerForm,
        lambda c, a, d: solution_services.record_customer_answer(
            c, actor=a, accepted=d["accepted"], opinion=d["opinion"]
        ),
        _("Customer's answer recorded."),
    ),
    "compensation": Action(
        forms.CompensationForm,
        lambda c, a, d: solution_services.record_compensation(
            c,
            actor=a,
            kind=d["kind"],
            item=d["item"],
            amount=d["amount"],
            own_fault=d["own_fault"],
            approver_id=d["approver"],
        ),  # fmt: skip
        _("Compensation recorded."),
    ),
    "close": Action(
        forms.CloseForm,
        lambda c, a, d: services.close_complaint(
            c,
            actor=a,
            root_cause=d["root_cause"],
            preventive_measure=d["preventive_measure"],
            liability=d["liability"],
            customer_response=d["customer_response"],
        ),  # fmt: skip
        _("Complaint closed."),
    ),
    "close_unresolved": Action(
        forms.CloseUnresolvedForm,
        lambda c, a, d: services.close_unresolved(
            c,
            actor=a,
            reason=d["reason"],
            root_cause=d["root_cause"],
            preventive_measure=d["preventive_measure"],
            customer_response=d["customer_response"],
            liability=d["liability"],
        ),  # fmt: skip
        _("Complaint closed as unresolved."),
    ),
}
PROPOSAL_ACTIONS: dict[str, Action] = {
    "approve": Action(
        forms.ApproveForm,
        lambda p, a, d: solution_services.approve_proposal(p, actor=a, note=d["note"]),
        _("Proposal approved."),
    ),
    "shop_confirm": Action(
        forms.ShopConfirmForm,
        lambda p, a, d: solution_services.confirm_by_shop(
            p, actor=a, confirmer_name=d["confirmer_name"], shop_id=d["shop"]
        ),
        _("Shop confirmation recorded."),
    ),
}


def _bound(name, action, complaint, actor, data):
    lists = _lists(complaint, actor)
    if name == "task":
        return action.form(data, shops=lists["shops"], departments=lists["departments"], owners=lists["owners"])
    if name == "compensation":
        return action.form(data, approvers=lists["approvers"])
    return action.form(data)


def _failed(request, complaint, name, form, status):
    request.complaint_failed = (name, form)
    order = complaint.work_order
    return render_detail(request, order, status=status)


def _run(request, complaint, name, action, form, target):
    if not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        return _failed(request, complaint, name, form, 400)
    try:
        action.run(target, request.user, form.cleaned_data)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        add_service_error(form, exc)
        return _failed(request, selectors.get_complaint_for(request.user, complaint.pk), name, form, exc.status)
    messages.success(request, action.done)
    return redirect("tickets:detail", pk=complaint.pk)


@login_required
@require_POST
@not_found_as_404
def act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    complaint = selectors.get_complaint_for(request.user, pk)
    form = _bound(action, ACTIONS[action], complaint, request.user, request.POST)
    return _run(request, complaint, action, ACTIONS[action], form, complaint)


@login_required
@require_POST
@not_found_as_404
def proposal_act(request, pk, action):
    if action not in PROPOSAL_ACTIONS:
        raise Http404
    proposal = selectors.get_proposal_for(request.user, pk)
    spec = PROPOSAL_ACTIONS[action]
    form = spec.form(request.POST)
    if request.user.role == "shop":
        # A shop login has no work-order page: it confirms from its task list.
        if form.is_valid():
            try:
                spec.run(proposal, request.user, form.cleaned_data)
            except ServiceError as exc:
                if exc.error is CoreError.NOT_FOUND:
                    raise
                messages.error(request, exc.message)
            else:
                messages.success(request, spec.done)
        return redirect("complaints:tasks")
    complaint = selectors.get_complaint_for(request.user, proposal.complaint_id)
    return _run(request, complaint, f"{action}_{proposal.pk}", spec, form, proposal)


# ---- coordination tasks ----


@login_required
def tasks(request):
    actor = request.user
    rows = list(selectors.my_tasks(actor))
    return render(
        request,
        "complaints/tasks.html",
        {
            "open_tasks": [t for t in rows if t.status == "open"],
            "done_tasks": [t for t in rows if t.status != "open"][:50],
            "confirmations": selectors.confirmations_for_shop(actor),
            "confirm_form": forms.ShopConfirmForm(),
        },
    )


@login_required
@not_found_as_404
def task_detail(request, pk):
    actor = request.user
    task = selectors.get_task_for(actor, pk)
    form = forms.TaskResponseForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                if form.cleaned_data["file"]:
                    task_services.add_task_attachment(task, actor=actor, uploaded=form.cleaned_data["file"])
                if form.cleaned_data["response"] or not form.cleaned_data["file"]:
                    task_services.respond_to_task(task, actor=actor, response=form.cleaned_data["response"])
            except ServiceError as exc:
                if exc.error is CoreError.NOT_FOUND:
                    raise
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Coordination task updated."))
                return redirect("complaints:task", pk=task.pk)
        else:
            messages.error(request, CoreError.INVALID_INPUT.message)
        task = selectors.get_task_for(actor, pk)
    complaint = task.complaint
    return render(
        request,
        "complaints/task_detail.html",
        {
            "task": task,
            "complaint": complaint,
            "order": complaint.work_order,
            "form": form,
            "can_answer": task.status == "open" and task_services.can_answer(actor, task),
        },
        status=status,
    )


@login_required
@not_found_as_404
def task_file(request, pk):
    row = selectors.get_task_attachment_for(request.user, pk)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=row.content_type)


# ---- ledger, notice, settings ----


def _ledger_form(request):
    actor = request.user
    sites = [(s.id, s.name) for s in sites_for(actor)]
    shops = [(s.id, str(s)) for s in shops_for(actor)]
    form = forms.LedgerFilterForm(request.GET or None, sites=sites, shops=shops)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, filters


@login_required
def ledger(request):
    if not has_capability(request.user, Capability.VIEW_COMPLAINT_LEDGER):
        raise PermissionDenied
    form, filters = _ledger_form(request)
    qs = selectors.ledger_for(request.user, filters)
    rows = selectors.ledger_page(qs)
    return render(
        request,
        "complaints/ledger.html",
        {
            "form": form,
            "rows": [(c, mask_contact(c.contact)) for c in rows],
            "total": qs.count(),
            "query": request.GET.urlencode(),
            "can_reveal": has_capability(request.user, Capability.REVEAL_CUSTOMER_PHONE),
        },
    )


@login_required
def ledger_export(request):
    if not has_capability(request.user, Capability.VIEW_COMPLAINT_LEDGER):
        raise PermissionDenied
    _form, filters = _ledger_form(request)
    reveal = request.GET.get("reveal") == "1"
    try:
        handle = export_ledger(request.user, filters=filters, reveal=reveal, reason=request.GET.get("reason", ""))
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('complaints:ledger')}?{request.GET.urlencode()}")
    name = f"complaint-ledger-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@not_found_as_404
def notice(request, pk):
    complaint = selectors.get_complaint_for(request.user, pk)
    return render(
        request,
        "complaints/notice.html",
        {
            "complaint": complaint,
            "order": complaint.work_order,
            "file": selectors.case_file(complaint),
            "contact": mask_contact(complaint.contact),
            "printed_at": timezone.now(),
        },
    )


@login_required
def complaint_settings(request):
    actor = request.user
    if not has_capability(actor, Capability.MANAGE_FOLLOW_UP_RULES):
        raise PermissionDenied
    sites = list(sites_for(actor))
    try:
        site = next((s for s in sites if s.id == int(request.GET.get("site") or request.POST.get("site") or 0)), None)
    except ValueError:
        site = None
    site = site or (sites[0] if sites else None)
    if site is None:
        raise PermissionDenied
    current = services.settings_for(site.id)
    initial = {
        "categories": "\n".join(current.categories),
        "repeat_threshold": current.repeat_threshold,
        "repeat_window_days": current.repeat_window_days,
    }
    form = forms.SettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.update_complaint_settings(
                    actor=actor, site_id=site.id, categories=form.cleaned_data["categories"].splitlines(),
                    repeat_threshold=form.cleaned_data["repeat_threshold"],
                    repeat_window_days=form.cleaned_data["repeat_window_days"],
                )  # fmt: skip
            except ServiceError as exc:
                messages.error(request, exc.message)
                add_service_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Complaint settings saved."))
                return redirect(f"{request.path}?site={site.id}")
    return render(request, "complaints/settings.html", {"form": form, "site": site, "sites": sites}, status=status)
