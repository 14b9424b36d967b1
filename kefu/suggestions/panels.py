"""Menu entries and the suggestion / inquiry panels of the work-order detail page."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.permissions import Capability, has_capability
from kefu.core.extensions import NavItem, register_nav, register_order_panel
from kefu.core.links import link
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


def _needs_choices(form_class) -> bool:
    return any(getattr(field, "options", None) for field in form_class.base_fields.values())


def _form(choices: _Choices, key, form_class, order, failed, initial=None):
    if failed and failed[0] == key:
        return failed[1]
    # The pick lists are four queries: read only for a form that has a pick list.
    kwargs = choices.get() if _needs_choices(form_class) else {}
    with timezone.override(order.site.time_zone):
        return form_class(initial=initial or {}, auto_id=f"id_{key}_%s", **kwargs)


# A step's form is drawn with the page only when it is open (the inquiry's answer, a form shown again with its
# errors, or `?open=<key>`, the link a fold holds for browsers without JavaScript). Otherwise the fold fetches
# it when opened: GET on the step's own URL (htmx). Three folded forms with their pick lists were a third of an
# open inquiry's page.
def _fold(request, order, choices, failed, *, key, step, label, url, form_class, initial=None, style="", shown=False):
    opened = shown or bool(failed and failed[0] == key) or request.GET.get("open") == key
    item = {"key": step, "open_key": key, "label": label, "url": url, "style": style, "open": opened}
    if opened:
        item["form"] = _form(choices, key, form_class, order, failed, initial)
    return item


def _suggestion_steps(actor, order, suggestion):
    """(step, form class, initial) of each step the actor may take on the suggestion now."""
    from . import views

    if not is_open(order.status):
        return
    for step in transitions.allowed_steps(suggestion.stage):
        if _can(actor, order, step):
            initial = {"category": suggestion.category_id} if step == Step.CLASSIFY else None
            yield step, views.STEP_FORMS[step][0], initial


def _suggestion_fold(request, order, suggestion, choices, failed, step, form_class, initial, *, shown=False):
    return _fold(
        request,
        order,
        choices,
        failed,
        key=step.value,
        step=step.value,
        label=step.label,
        url=link("suggestions:step", suggestion.pk, step.value),
        form_class=form_class,
        initial=initial,
        style=STEP_STYLE.get(step, ""),
        shown=shown,
    )


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
            "details_url": link("suggestions:details", order.pk),
        }
    choices = _Choices(views, actor, order)
    steps = [
        _suggestion_fold(request, order, suggestion, choices, failed, *step)
        for step in _suggestion_steps(actor, order, suggestion)
    ]
    return {
        "order": order,
        "suggestion": suggestion,
        "contact": selectors.masked_contact(suggestion.proposer_contact),
        "events": [(EVENT_LABELS.get(e.event_type, e.event_type), e) for e in selectors.events_of(suggestion)],
        "steps": steps,
        "stage_path": _stage_path(suggestion.stage),
    }


def suggestion_step_fold(request, suggestion, step: Step):
    """One step's fold with its form drawn, for the fold to show when opened; None if no longer offered."""
    from . import views

    order = suggestion.work_order
    for allowed, form_class, initial in _suggestion_steps(request.user, order, suggestion):
        if allowed == step:
            choices = _Choices(views, request.user, order)
            return _suggestion_fold(request, order, suggestion, choices, None, step, form_class, initial, shown=True)
    return None


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


INQUIRY_LABELS = {"answer": _("Answer"), "park": _("Can't answer now"), "transfer": _("Transfer (转接)")}


def _inquiry_actions(actor, order):
    """(action, form class) of each inquiry action the actor may take now."""
    from . import views

    if not (is_open(order.status) and ticket_selectors.works_on(actor, order)):
        return
    for key, (form_class, _run, _done) in views.INQUIRY_FORMS.items():
        if key == "answer" and not has_capability(actor, Capability.REPLY_TO_CUSTOMER):
            continue
        yield key, form_class


def _inquiry_fold(request, order, choices, failed, action, form_class, *, shown=False):
    return _fold(
        request,
        order,
        choices,
        failed,
        key=f"inquiry_{action}",
        step=action,
        label=INQUIRY_LABELS[action],
        url=link("suggestions:inquiry_action", order.pk, action),
        form_class=form_class,
        initial={"version": order.version},
        style="primary" if action == "answer" else "",
        shown=shown or action == "answer",
    )


def inquiry_panel(order, request):
    from . import forms, views

    actor = request.user
    failed = getattr(request, views.FAILED_ATTR, None)
    choices = _Choices(views, actor, order)
    actions = [_inquiry_fold(request, order, choices, failed, *a) for a in _inquiry_actions(actor, order)]
    inquiry = selectors.inquiry_of_order(order)
    contact = inquiry.asker_contact if inquiry else ""
    reveal_form = None
    if contact and has_capability(actor, Capability.REVEAL_CUSTOMER_PHONE):
        reveal_form = (
            failed[1]
            if failed and failed[0] == "inquiry_reveal"
            else forms.RevealContactForm(auto_id="id_inquiry_reveal_%s")
        )
    return {
        "order": order,
        "inquiry": inquiry,
        "actions": actions,
        # Masked for every role, like the archive's numbers; a role that may unmask asks, and the view is logged.
        "asker_contact": selectors.masked_contact(contact),
        "revealed": getattr(request, views.REVEALED_ATTR, None),
        "reveal_form": reveal_form,
    }


def inquiry_action_fold(request, order, action: str):
    """One inquiry action's fold with its form drawn; None if the action is no longer offered."""
    from . import views

    for allowed, form_class in _inquiry_actions(request.user, order):
        if allowed == action:
            return _inquiry_fold(
                request, order, _Choices(views, request.user, order), None, action, form_class, shown=True
            )
    return None


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
