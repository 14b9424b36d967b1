"""Shapes of what the work-order pages post. Business rules stay in services; these only check form and type."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kefu.core.choices import per_language
from kefu.core.escaping import esc
from kefu.core.validators import plain_text, single_line

from .models import Channel, Priority, WorkOrderType
from .selectors import SORTS
from .services import MAX_TEXT

EMPTY = [("", "—")]
ALL = _("All")


def _optional(choices):
    return [("", ALL), *choices]


def _id(value):
    return int(value) if value not in (None, "") else None


def _text(label, *, max_length=MAX_TEXT, rows=3, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
    )


def _line(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )


class QuickCreateForm(forms.Form):
    """Taking a call: phone first (lookup while typing), then who, then what. Field order is the tab order."""

    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    phone = _line(
        _("Caller's phone"),
        max_length=40,
        autofocus=True,
        inputmode="tel",
        autocomplete="off",
        placeholder=_("Type the number, e.g. 13812345678"),
        # Lookup while typing: the partial lists matching customers (masked) for the agent to pick.
        **{
            "hx-get": reverse_lazy("customers:lookup"),
            # `input`, not `keyup`: a pasted or autofilled number looks up too.
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#lookup-results",
            "hx-swap": "outerHTML",
            "hx-include": "[name=site]",
        },
    )
    # Rendered as radio buttons by the lookup partial; empty = new customer (or an anonymous inquiry).
    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    customer_name = _line(_("New customer's name"), max_length=100, autocomplete="off")
    type = forms.ChoiceField(label=_("Type"), choices=WorkOrderType.choices, initial=WorkOrderType.INQUIRY)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    subject = _line(_("Subject"), max_length=200, required=True)
    description = _text(_("Description"), rows=4)
    shop = forms.TypedChoiceField(label=_("Shop / merchant"), coerce=_id, required=False, empty_value=None)
    floor = _line(_("Floor"), max_length=20)
    unit = _line(_("Unit / room"), max_length=40)
    location = _line(_("Location"), max_length=200)
    product = _line(_("Product or service"), max_length=200)
    staff_involved = _line(_("Staff involved"), max_length=200)
    department = forms.TypedChoiceField(label=_("Responsible department"), coerce=_id, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=_id, required=False, empty_value=None)

    def __init__(self, *args, sites, shops, departments, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = sites
        if len(sites) == 1:
            self.fields["site"].widget = forms.HiddenInput()
            self.fields["site"].initial = sites[0][0]
        self.fields["shop"].choices = EMPTY + shops
        self.fields["department"].choices = EMPTY + departments
        self.fields["assignee"].choices = [("", _("Me (when taken live)"))] + staff

    def clean(self):
        data = super().clean()
        # A number with neither a customer picked nor a name typed would be dropped: the order would be saved
        # anonymous and the caller's number lost without a word. Ask for one of the two instead.
        if data.get("phone") and not data.get("customer") and not data.get("customer_name"):
            self.add_error(
                "customer_name",
                _(
                    "A number was typed: pick the caller from the list, or enter a name to keep the number with a "
                    "new customer (a form of address such as 王先生 will do). Clear the number for an anonymous inquiry."
                ),
            )
        return data


SORT_LABELS = {
    "-created": _("Newest first"),
    "created": _("Oldest first"),
    "priority": _("Most urgent first"),
    "-updated": _("Recently updated"),
    "due": _("Nearest deadline first"),
}


class FilterField:
    """One select of the queue's filter bar: what the template draws of a bound form field, nothing more."""

    def __init__(self, name: str, label, choices):
        self.name = self.html_name = name
        self.label = label
        self.auto_id = f"id_{name}"
        self.choices = choices


class QueueFilterForm:
    """Only renders the queue's filter bar; the selector's clean_filters() parses the query string. Not a Django
    form: the bar is drawn on every visit of the busiest page, and a form's copy of its nine fields and their
    choices was a twentieth of that page's time."""

    # (name, label, the class's own choices or None for the actor's: statuses, sites, departments, staff)
    FIELDS = (
        ("status", _("Status"), None),
        ("type", _("Type"), WorkOrderType.choices),
        ("channel", _("Channel"), Channel.choices),
        ("priority", _("Priority"), Priority.choices),
        ("site", _("Site"), None),
        ("department", _("Department"), None),
        ("assignee", _("Assignee"), None),
        (
            "sla_state",
            _("Deadline"),
            [("on_track", _("On track")), ("at_risk", _("At risk")), ("breached", _("Breached"))],
        ),
        ("sort", _("Sort"), None),
    )

    def __init__(self, data=None, *, statuses, sites, departments, staff):
        self.data = data or {}
        given = {"status": statuses, "site": sites, "department": departments, "assignee": staff}
        self.fields = []
        for name, label, choices in self.FIELDS:
            if name == "sort":  # always one order or another: no "all"
                options = [(k, SORT_LABELS[k]) for k in SORTS]
            else:
                options = _optional(given[name] if choices is None else choices)
            self.fields.append(FilterField(name, label, options))

    # Filters whose choices are the class's own (not the actor's sites, staff …): their options, escaped, are the
    # same for every request in a language.
    STATIC = ("type", "channel", "priority", "sla_state", "sort")

    def bar(self):
        """(field, its <option>s as HTML) per filter. Built here rather than by a template loop or the widget
        templates: the bar has some 70 options and is drawn on every visit of the busiest page."""
        for field in self.fields:
            current = str(self.data.get(field.name) or "")
            if field.name in self.STATIC:
                options = per_language(("queue filter", field.name), _escaped_options, field.choices)
            else:
                options = _escaped_options(field.choices)
            html = "".join(
                f'<option value="{escaped}"{" selected" if current == raw else ""}>{label}</option>'
                for raw, escaped, label in options
            )
            yield field, mark_safe(html)  # noqa: S308 — values and labels escaped in _escaped_options


def _escaped_options(choices) -> list[tuple[str, str, str]]:
    return [(str(v), esc(v), esc(label)) for v, label in choices]


# ---- actions on the detail page: every form posts the version it was rendered with ----


class ActionForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, staff=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)


class WaitCustomerForm(ActionForm):
    note = _text(_("What the customer should confirm"), max_length=2000, rows=2)


class ResolveForm(ActionForm):
    resolution = _text(_("Handling and result"), rows=3, required=True)


class CloseForm(ActionForm):
    customer_response = _text(_("Answer given to the customer"), rows=2)


class ReasonForm(ActionForm):
    reason = _text(_("Reason"), max_length=2000, rows=2, required=True)


class AssignForm(ActionForm):
    assignee = forms.TypedChoiceField(label=_("Colleague"), coerce=int)

    def __init__(self, *args, staff=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = EMPTY + list(staff)


class TransferForm(ActionForm):
    department = forms.TypedChoiceField(label=_("Department"), coerce=_id, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(label=_("Colleague"), coerce=_id, required=False, empty_value=None)
    reason = _text(_("Reason for the transfer"), max_length=2000, rows=2, required=True)

    def __init__(self, *args, staff=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = EMPTY + list(departments)
        self.fields["assignee"].choices = EMPTY + list(staff)


class ReplyForm(ActionForm):
    body = _text(_("Reply to the customer"), rows=3, required=True)


class NoteForm(ActionForm):
    body = _text(_("Internal note (never shown to the customer)"), rows=3, required=True)


class PriorityForm(ActionForm):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)
    reason = _text(_("Reason"), max_length=2000, rows=1)


class AttachmentForm(ActionForm):
    file = forms.FileField(label=_("File"))
