"""Work-order pages: queue, quick-create from a call, detail with timeline and actions, attachments, dashboard.

Thin by design: parse the form, call one service or selector, render. Every ServiceError becomes its Chinese
message on the page (404 for rows outside the actor's sites), never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from kefu.accounts.permissions import Capability, has_capability
from kefu.accounts.selectors import department_ids_for, sites_for, staff_phone_for
from kefu.core.errors import CoreError, ServiceError
from kefu.core.links import link
from kefu.core.views import add_service_error, not_found_as_404
from kefu.customers.selectors import lookup_by_phone_prefix, primary_phone_for, primary_phones_for

from . import forms, selectors, services
from .models import Channel, Priority, WorkOrderType
from .pickers import picker_choices
from .transitions import Status

SCOPES = {"mine": _("My work orders"), "team": _("Team queue"), "department": _("Department queue")}


def _labels(choices) -> dict:
    return {value: label for value, label in choices}


def _choices(actor, *, site_id=None, shops=False, request=None):
    # Lists drawn for a page being read may come from the short cache; a POST validates against fresh ones.
    cached = request is not None and request.method == "GET"
    return picker_choices(actor, site_id=site_id, shops=shops, cached=cached)


def _default_scope(actor) -> str:
    if has_capability(actor, Capability.WORK_ALL_SITE_ORDERS) and not has_capability(
        actor, Capability.VIEW_TEAM_DASHBOARD
    ):
        return "mine"
    return "team" if has_capability(actor, Capability.VIEW_ALL_SITE_ORDERS) else "department"


# ---- queue ----


# What the queue table shows of each row's relations (no site or shop column: two joins fewer per page).
QUEUE_TABLE_RELATED = ("customer", "assignee", "department")


@login_required
def queue(request):
    actor = request.user
    scope = request.GET.get("scope")
    if scope not in SCOPES:
        scope = _default_scope(actor)
    page = selectors.queue_for(
        actor,
        scope=scope,
        filters=selectors.clean_filters(request.GET),
        sort=request.GET.get("sort") or "-created",
        cursor=request.GET.get("cursor") or None,
        related=QUEUE_TABLE_RELATED,
    )
    phones = primary_phones_for(actor, [o.customer_id for o in page.rows if o.customer_id])
    choices = _choices(actor, request=request)
    filter_form = forms.QueueFilterForm(
        request.GET or None,
        statuses=Status.choices,
        sites=choices["sites"],
        departments=choices["departments"],
        staff=choices["staff"],
    )
    template = "tickets/_queue_table.html" if request.htmx and request.GET.get("partial") else "tickets/queue.html"
    return render(
        request,
        template,
        {
            "page": page,
            "rows": [(order, phones.get(order.customer_id)) for order in page.rows],
            "scope": scope,
            "scope_label": SCOPES[scope],
            "scopes": SCOPES,
            "has_departments": bool(department_ids_for(actor)),
            "filter_form": filter_form,
            "filtered": bool(page.filters) or bool(request.GET.get("sort")),
        },
    )


# ---- quick-create ----


@login_required
def create(request, *, form_class=None, save=None):
    """Quick-create. The SLA app serves this page with call-register fields (form_class) and its own `save`,
    which stores the order and the call together; tickets itself knows nothing of the call register."""
    actor = request.user
    if not has_capability(actor, Capability.CREATE_WORK_ORDER):
        raise PermissionDenied
    form_class = form_class or forms.QuickCreateForm
    save = save or _create_from
    choices = _choices(actor, shops=True)
    form = form_class(request.POST or None, **choices)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                order = save(actor, form.cleaned_data)
            except ServiceError as exc:
                if exc.error is not CoreError.INVALID_INPUT:
                    messages.error(request, exc.message)
                add_service_error(form, exc, rename={"customer_phone": "phone", "phones": "phone"})
                status = exc.status
            else:
                messages.success(request, _("Work order %(number)s created.") % {"number": order.number})
                return redirect("tickets:detail", pk=order.pk)
    typed = form["phone"].value() or ""
    site_value = form["site"].value()
    return render(
        request,
        "tickets/create.html",
        {
            "form": form,
            "matches": lookup_by_phone_prefix(actor, typed, site_id=site_value or None) if typed else [],
            "typed": typed,
            "selected": str(form["customer"].value() or ""),
        },
        status=status,
    )


def order_fields_from(data) -> dict:
    """The quick-create form's answers as create_work_order keywords (customer choice left to the caller)."""
    return {
        "site_id": data["site"],
        "type": data["type"],
        "channel": data["channel"],
        "priority": data["priority"],
        "subject": data["subject"],
        "description": data["description"],
        "shop_id": data["shop"],
        "floor": data["floor"],
        "unit": data["unit"],
        "location": data["location"],
        "product": data["product"],
        "staff_involved": data["staff_involved"],
        "department_id": data["department"],
        "assignee_id": data["assignee"],
        "accept_now": data["channel"] in services.LIVE_CHANNELS,
    }


def _create_from(actor, data):
    """Existing customer picked, or a new one typed inline (both saved in one transaction), or none (inquiry)."""
    order_fields = order_fields_from(data)
    if data["customer"]:
        return services.create_work_order(actor=actor, customer_id=data["customer"], **order_fields)
    if data["customer_name"]:
        return services.create_work_order_with_new_customer(
            actor=actor, customer_name=data["customer_name"], customer_phone=data["phone"], **order_fields
        )
    return services.create_work_order(actor=actor, customer_id=None, **order_fields)


# ---- detail and actions ----


@dataclass(frozen=True)
class ActionSpec:
    label: object
    form: type[forms.ActionForm]
    service: Callable
    done: object
    args: dict = field(default_factory=dict)  # service keyword -> form field
    style: str = ""
    versioned: bool = True  # passes expected_version, so a stale page gets the conflict message

    def run(self, order, actor, data):
        kwargs = {keyword: data[name] for keyword, name in self.args.items()}
        if self.versioned:
            kwargs["expected_version"] = data["version"]
        return self.service(order, actor=actor, **kwargs)


S = services
ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(
        _("Accept"), forms.ActionForm, S.accept_work_order, _("Work order accepted."), style="primary"
    ),
    "start": ActionSpec(
        _("Start handling"), forms.ActionForm, S.start_work_order, _("Handling started."), style="primary"
    ),
    "wait_customer": ActionSpec(
        _("Ask customer to confirm"),
        forms.WaitCustomerForm,
        S.request_customer_confirmation,
        _("Now awaiting the customer's confirmation."),
        {"note": "note"},
    ),
    "resume": ActionSpec(
        _("Resume handling"), forms.ActionForm, S.resume_work_order, _("Handling resumed."), style="primary"
    ),
    "resolve": ActionSpec(
        _("Resolve"),
        forms.ResolveForm,
        S.resolve_work_order,
        _("Work order resolved."),
        {"resolution": "resolution"},
        "primary",
    ),
    "close": ActionSpec(
        _("Close"),
        forms.CloseForm,
        S.close_work_order,
        _("Work order closed."),
        {"customer_response": "customer_response"},
        "primary",
    ),
    "reopen": ActionSpec(
        _("Reopen"), forms.ReasonForm, S.reopen_work_order, _("Work order reopened."), {"reason": "reason"}
    ),
    "cancel": ActionSpec(
        _("Cancel"), forms.ReasonForm, S.cancel_work_order, _("Work order cancelled."), {"reason": "reason"}, "danger"
    ),
    "assign": ActionSpec(
        _("Assign to a colleague"),
        forms.AssignForm,
        S.assign_work_order,
        _("Work order assigned."),
        {"assignee_id": "assignee"},
    ),
    "transfer": ActionSpec(
        _("Transfer"),
        forms.TransferForm,
        S.transfer_work_order,
        _("Work order transferred."),
        {"reason": "reason", "department_id": "department", "assignee_id": "assignee"},
    ),
    "reply": ActionSpec(
        _("Reply to customer"), forms.ReplyForm, S.reply_to_customer, _("Reply recorded."), {"body": "body"}
    ),
    # Notes and files do not change the order itself, so they cannot conflict and take no version.
    "note": ActionSpec(
        _("Internal note"), forms.NoteForm, S.add_internal_note, _("Note added."), {"body": "body"}, versioned=False
    ),
    "priority": ActionSpec(
        _("Change priority"),
        forms.PriorityForm,
        S.change_priority,
        _("Priority changed."),
        {"priority": "priority", "reason": "reason"},
    ),
    "attach": ActionSpec(
        _("Upload attachment"),
        forms.AttachmentForm,
        S.add_attachment,
        _("Attachment uploaded."),
        {"uploaded": "file"},
        versioned=False,
    ),
}
# Transitions first in the machine's order, then the rest: the page reads top to bottom like the workflow.
ACTION_GROUPS = {
    "status": ("accept", "start", "wait_customer", "resume", "resolve", "close", "reopen", "cancel"),
    "routing": ("assign", "transfer", "priority"),
    "talk": ("reply", "note", "attach"),
}


# Actions whose form has something to fill in are folded; their form is fetched when the fold is opened
# (htmx, tickets:action_form), not drawn on every view of the page: the widgets of eight forms were a sixth of
# a detail page's time. Without JavaScript the fold holds a link that reloads the page with that form drawn.
FOLDED_ACTIONS = frozenset(
    name for name, spec in ACTIONS.items() if any(not f.widget.is_hidden for f in spec.form.base_fields.values())
)


def _auto_id(name: str) -> str:
    return f"id_{name}_%s"


def _action_form(name, order, choices, data=None, files=None):
    spec = ACTIONS[name]
    kwargs = {"staff": choices["staff"], "departments": choices["departments"], "auto_id": _auto_id(name)}
    if data is None:
        return spec.form(initial={"version": order.version, "priority": order.priority}, **kwargs)
    return spec.form(data, files, **kwargs)


@login_required
@not_found_as_404
def detail(request, pk):
    order = selectors.get_work_order_for(request.user, pk)
    return render_detail(request, order)


@login_required
@require_POST
@not_found_as_404
def act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    actor = request.user
    order = selectors.get_work_order_for(actor, pk)
    choices = _choices(actor, site_id=order.site_id)
    form = _action_form(action, order, choices, request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, CoreError.INVALID_INPUT.message)
        return render_detail(request, order, failed=(action, form), status=400)
    try:
        ACTIONS[action].run(order, actor, form.cleaned_data)
    except ServiceError as exc:
        if exc.error is CoreError.NOT_FOUND:
            raise
        messages.error(request, exc.message)
        order = selectors.get_work_order_for(actor, pk)
        if exc.error is CoreError.VERSION_CONFLICT:
            # Keep what was typed, but against the version now on screen, so a resubmit after reading works.
            data = request.POST.copy()
            data["version"] = order.version
            form = _action_form(action, order, choices, data, request.FILES)
            form.is_valid()
        add_service_error(form, exc)
        return render_detail(request, order, failed=(action, form), status=exc.status)
    messages.success(request, ACTIONS[action].done)
    if not selectors.work_orders_for(actor).filter(pk=order.pk).exists():
        # Transferred away from the actor's department: it left his sight, so back to his queue.
        return redirect("tickets:queue")
    return redirect("tickets:detail", pk=order.pk)


@login_required
@not_found_as_404
def action_form(request, pk, action):
    """One folded action's form, for the detail page to show when its fold is opened."""
    if action not in ACTIONS:
        raise Http404
    actor = request.user
    order = selectors.get_work_order_for(actor, pk)
    context = {"order": order, "name": action, "spec": ACTIONS[action]}
    if action not in selectors.available_actions(actor, order):
        # Answered 200 so that htmx shows it in the fold: the order changed since the page was drawn.
        context["unavailable"] = True
    else:
        context["form"] = _action_form(action, order, _choices(actor, site_id=order.site_id, request=request))
    return render(request, "tickets/_action_form.html", context)


def render_detail(request, order, *, failed=None, status=200, extra=None):
    """The detail page; `extra` lets a higher app (SLA) re-render it with its own failed form."""
    actor = request.user
    names = selectors.available_actions(actor, order)
    choices = _choices(actor, site_id=order.site_id, request=request)
    open_action = failed[0] if failed else request.GET.get("open")
    action_forms = {
        name: _action_form(name, order, choices) if name not in FOLDED_ACTIONS or name == open_action else None
        for name in names
    }
    if failed:
        action_forms[failed[0]] = failed[1]

    def entry(name):
        form = action_forms[name]
        return name, ACTIONS[name], form, None if form else link("tickets:action_form", order.pk, name)

    groups = [[entry(name) for name in group if name in action_forms] for group in ACTION_GROUPS.values()]
    events = list(selectors.timeline_for(order))
    attachments = selectors.attachments_among(order, events)
    customer_phone = None
    if order.customer_id:
        customer_phone = primary_phone_for(actor, order.customer_id)
    return render(
        request,
        "tickets/detail.html",
        {
            "order": order,
            "timeline": _timeline(events, choices, attachments),
            "attachments": attachments,
            "action_groups": [g for g in groups if g],
            "open_action": open_action,
            "action_names": names,
            "customer_phone": customer_phone,
            "assignee_phone": staff_phone_for(actor, order.assignee) if order.assignee_id else None,
            **(extra or {}),
        },
        status=status,
    )


_STATUS = _labels(Status.choices)
_PRIORITY = _labels(Priority.choices)
_TYPE = _labels(WorkOrderType.choices)
_CHANNEL = _labels(Channel.choices)
EVENT_TITLES = {
    "created": pgettext_lazy("timeline", "Work order created"),
    "assigned": _("Assigned"),
    "transferred": _("Transferred"),
    "replied": _("Reply to customer"),
    "note_added": _("Internal note"),
    "priority_changed": _("Priority changed"),
    "attachment_added": _("Attachment uploaded"),
    "escalated": _("Escalated"),
}
# The SLA app's escalation levels as they appear in the timeline (tickets cannot import sla; the codes are stable).
_ESCALATION_LEVELS = {
    "remind": _("Reminder to the handler"),
    "supervisor": _("Supervisor"),
    "manager": _("Manager"),
}
EVENT_STYLES = {
    "replied": "reply",
    "note_added": "note",
    "transferred": "transfer",
    "attachment_added": "file",
    "escalated": "escalation",
}


def _timeline(events, choices, attachments) -> list[dict]:
    """Events with ids turned into names from the option lists already loaded for the page (no extra queries)."""
    people = dict(choices["staff"])
    departments = dict(choices["departments"])
    files = {a.pk: a for a in attachments}
    nobody = _("(none)")

    def who(value):
        if not value:
            return nobody
        return people.get(value) or _("Colleague #%(id)s") % {"id": value}

    def dept(value):
        return departments.get(value, nobody) if value else nobody

    items = []
    for event in events:
        old, new, kind = event.old or {}, event.new or {}, event.event_type
        changes, facts = [], []  # changes: (label, before, after); facts: plain values
        if kind.startswith("status_"):
            title = _("Status")
            changes.append(("", _STATUS.get(old.get("status"), "?"), _STATUS.get(new.get("status"), "?")))
        elif kind == "created":
            facts = [_TYPE.get(new.get("type"), ""), _CHANNEL.get(new.get("channel"), "")]
        elif kind == "assigned":
            changes.append(("", who(old.get("assignee")), who(new.get("assignee"))))
        elif kind == "transferred":
            if old.get("department") != new.get("department"):
                changes.append((_("Department"), dept(old.get("department")), dept(new.get("department"))))
            if old.get("assignee") != new.get("assignee"):
                changes.append((_("Assignee"), who(old.get("assignee")), who(new.get("assignee"))))
        elif kind == "escalated":
            facts = [_ESCALATION_LEVELS.get(new.get("level"), "")]
            if new.get("skipped_level"):
                facts.append(
                    _("skipped level: %(level)s") % {"level": _ESCALATION_LEVELS.get(new["skipped_level"], "")}
                )
        elif kind == "priority_changed":
            changes.append(("", _PRIORITY.get(old.get("priority"), "?"), _PRIORITY.get(new.get("priority"), "?")))
        if not kind.startswith("status_"):
            title = EVENT_TITLES.get(kind, kind)
        items.append(
            {
                "event": event,
                "title": title,
                "changes": changes,
                "facts": [f for f in facts if f],
                "resolution": new.get("resolution", ""),
                "attachment": files.get(new.get("attachment")) if kind == "attachment_added" else None,
                "style": EVENT_STYLES.get(kind, "status" if kind.startswith("status_") else ""),
            }
        )
    return items


@login_required
@not_found_as_404
def attachment(request, pk):
    item = selectors.get_attachment_for(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=item.original_name, content_type=item.content_type)


# ---- dashboard ----


@login_required
def dashboard(request):
    actor = request.user
    if not has_capability(actor, Capability.VIEW_TEAM_DASHBOARD):
        raise PermissionDenied
    sites = [(s.id, s.name) for s in sites_for(actor)]
    try:
        site_id = int(request.GET.get("site") or 0) or None
    except ValueError:
        site_id = None
    data = selectors.dashboard_for(actor, site_id=site_id)
    return render(
        request,
        "tickets/dashboard.html",
        {
            "sites": sites,
            "site_id": site_id,
            "data": data,
            "by_type": [(_TYPE.get(r["type"], r["type"]), r["n"]) for r in data["today_by_type"]],
            "by_channel": [(_CHANNEL.get(r["channel"], r["channel"]), r["n"]) for r in data["today_by_channel"]],
            "by_status": [(_STATUS.get(r["status"], r["status"]), r["status"], r["n"]) for r in data["open_by_status"]],
            "by_assignee": [
                (r["assignee__display_name"] or r["assignee__username"] or _("Unassigned"), r["assignee_id"], r["n"])
                for r in data["open_by_assignee"]
            ],
        },
    )
