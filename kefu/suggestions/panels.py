"""Menu entries and the suggestion / inquiry panels of the work-order detail page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.extensions import NavItem, register_nav, register_order_panel
from kefu.tickets import selectors as ticket_selectors
from kefu.tickets.transitions import is_open

from . import selectors, transitions
from .transitions import Step

EVENT_LABELS = {
    **{step.value: step.label for step in Step},
    "recorded": _("Suggestion recorded"),
    "plan_overdue": _("Implementation overdue: reminder sent"),
}
STEP_STYLE = {Step.ADOPT: "primary", Step.GIVE_FEEDBACK: "primary", Step.CLOSE: "primary", Step.REJECT: "danger"}


def _can(actor, order, step: Step) -> bool:
    if step in transitions.DECISION_STEPS:
        return has_capability(actor, Capability.DECIDE_SUGGESTION)
    if step == Step.CLOSE and not has_capability(actor, Capability.CLOSE_WORK_ORDER):
        return False
    return ticket_selectors.works_on(actor, order)


class _Choices:
    """The pick lists of the panel's forms, read once per panel however many forms it shows."""

    def __init__(self, views, actor, order):
        self._load = lambda: views.choices_for(actor, site_id=order.site_id)
        self._value = None

    def get(self) -> dict:
        if self._value is None:
            self._value = self._load()
        return self._value


def _form(choices: _Choices, key, form_class, order, failed, initial=None):
    if failed and failed[0] == key:
        return failed[1]
    with timezone.override(order.site.time_zone):
        return form_class(initial=initial or {}, auto_id=f"id_{key}_%s", **choices.get())


def suggestion_panel(order, request):
    from . import forms, views

    actor = request.user
    failed = getattr(request, views.FAILED_ATTR, None)
    suggestion = selectors.suggestion_of_order(order)
    if suggestion is None:
        if not (is_open(order.status) and has_capability(actor, Capability.CREATE_WORK_ORDER)):
            return {"suggestion": None, "details_form": None, "order": order}
        return {
            "suggestion": None,
            "order": order,
            "details_form": _form(_Choices(views, actor, order), "details", forms.DetailsForm, order, failed),
            "details_url": reverse("suggestions:details", args=[order.pk]),
        }
    steps = []
    choices = _Choices(views, actor, order)
    if is_open(order.status):
        for step in transitions.allowed_steps(suggestion.stage):
            if not _can(actor, order, step):
                continue
            form_class = views.STEP_FORMS[step][0]
            initial = {"category": suggestion.category_id} if step == Step.CLASSIFY else None
            steps.append(
                {
                    "key": step.value,
                    "label": step.label,
                    "form": _form(choices, step.value, form_class, order, failed, initial),
                    "url": reverse("suggestions:step", args=[suggestion.pk, step.value]),
                    "style": STEP_STYLE.get(step, ""),
                    "open": bool(failed and failed[0] == step.value),
                }
            )
    return {
        "order": order,
        "suggestion": suggestion,
        "contact": selectors.masked_contact(suggestion.proposer_contact),
        "events": [(EVENT_LABELS.get(e.event_type, e.event_type), e) for e in selectors.events_of(suggestion)],
        "steps": steps,
        "stage_path": _stage_path(suggestion.stage),
    }


_PATH = [
    transitions.Stage.RECORDED,
    transitions.Stage.CLASSIFIED,
    transitions.Stage.EVALUATED,
    transitions.Stage.FORWARDED,
]


def _stage_path(stage: str) -> list[tuple[str, str]]:
    """The stages shown as a progress line: done, current or todo."""
    if stage == transitions.Stage.REJECTED:
        path = [*_PATH[:3], transitions.Stage.REJECTED]
    else:
        path = [*_PATH, transitions.Stage.ADOPTED, transitions.Stage.IMPLEMENTED]
    if stage not in path:  # rejected after forwarding
        path = [*_PATH, transitions.Stage.REJECTED]
    index = path.index(stage)
    return [(s.label, "done" if i < index else "current" if i == index else "todo") for i, s in enumerate(path)]


def inquiry_panel(order, request):
    from . import views

    actor = request.user
    failed = getattr(request, views.FAILED_ATTR, None)
    inquiry = selectors.inquiry_of_order(order)
    actions = []
    choices = _Choices(views, actor, order)
    if is_open(order.status) and ticket_selectors.works_on(actor, order):
        labels = {"answer": _("Answer"), "park": _("Can't answer now"), "transfer": _("Transfer (转接)")}
        for key, (form_class, _run, _done) in views.INQUIRY_FORMS.items():
            if key == "answer" and not has_capability(actor, Capability.REPLY_TO_CUSTOMER):
                continue
            actions.append(
                {
                    "key": key,
                    "label": labels[key],
                    "form": _form(choices, f"inquiry_{key}", form_class, order, failed, {"version": order.version}),
                    "url": reverse("suggestions:inquiry_action", args=[order.pk, key]),
                    "style": "primary" if key == "answer" else "",
                    "open": key == "answer" or bool(failed and failed[0] == f"inquiry_{key}"),
                }
            )
    return {"order": order, "inquiry": inquiry, "actions": actions}


def _desk(user) -> bool:
    return has_capability(user, Capability.CREATE_WORK_ORDER) or has_capability(user, Capability.DECIDE_SUGGESTION)


def register() -> None:
    register_nav(
        "suggestions", NavItem(_("Suggestions"), "suggestions:list", visible=_desk, namespace="suggestions", order=30)
    )
    register_nav("inquiries", NavItem(_("Inquiries"), "suggestions:inquiries", visible=_desk, order=31))
    register_order_panel(
        "suggestion", template="suggestions/_suggestion_panel.html", context=suggestion_panel, types={"suggestion"}
    )
    register_order_panel(
        "inquiry", template="suggestions/_inquiry_panel.html", context=inquiry_panel, types={"inquiry"}
    )
