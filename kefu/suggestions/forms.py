"""Shapes of what the suggestion and inquiry pages post. The services decide what is allowed.

Fields the services check themselves (reason, plan, owner …) are optional here, so the page shows the
service's own Chinese message; the promised reply time of a parked inquiry is required by the form too.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import plain_text, single_line
from kefu.tickets.models import Channel

from .models import Feasibility, FeedbackChannel
from .transitions import Stage

EMPTY = [("", "—")]
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _id(value):
    return int(value) if value not in (None, "") else None


def _text(label, *, max_length=10_000, rows=2, required=False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _line(label, *, max_length=200, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )


def _pick(label, required=False):
    return forms.TypedChoiceField(label=label, coerce=_id, required=required, empty_value=None)


def _date(label, required=False):
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


def _when(label, required=False):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class ChoicesForm(forms.Form):
    """Every step form takes the same option lists; each uses what it needs."""

    def __init__(self, *args, categories=(), staff=(), departments=(), sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = {"category": categories, "staff": staff, "department": departments, "site": sites}
        for field in self.fields.values():
            kind = getattr(field, "options", None)
            if kind:
                field.choices = ([] if kind == "site" else EMPTY) + list(options[kind])
        if "site" in self.fields and len(sites) == 1:
            self.fields["site"].widget = forms.HiddenInput()
            self.fields["site"].initial = sites[0][0]


def _options(field, kind):
    field.options = kind
    return field


# ---- intake ----


class SuggestionIntakeForm(ChoicesForm):
    site = _options(forms.TypedChoiceField(label=_("Site"), coerce=int), "site")
    content = _text(_("Content of the suggestion"), rows=4)
    proposer_name = _line(_("Proposer's name"), max_length=100)
    proposer_contact = _line(_("Proposer's phone or contact"), inputmode="tel")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WALK_IN)
    category = _options(_pick(_("Category")), "category")
    solicited = forms.BooleanField(label=_("Actively asked for by me"), required=False)


class InquiryIntakeForm(ChoicesForm):
    site = _options(forms.TypedChoiceField(label=_("Site"), coerce=int), "site")
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    question = _text(_("Question asked"), rows=3)
    asker_name = _line(_("Caller's name (optional)"), max_length=100)
    asker_contact = _line(_("Caller's contact (optional)"), inputmode="tel")
    answer = _text(_("Answer given (leave empty to answer later)"), rows=3)
    answer_script_key = _line(_("Answer script key (optional)"), max_length=64)
    no_further_questions = forms.BooleanField(label=_("Asked: no further questions"), required=False)


class ListFilterForm(ChoicesForm):
    site = _options(_pick(_("Site")), "site")
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=EMPTY + list(Stage.choices))
    category = _options(_pick(_("Category")), "category")
    date_from = _date(_("From"))
    date_to = _date(_("To"))
    q = _line(_("Text"), max_length=100)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, sites=sites, **kwargs)
        self.fields["site"].choices = EMPTY + list(sites)
        self.fields["site"].widget = forms.Select(choices=self.fields["site"].choices)


class StatisticsFilterForm(ListFilterForm):
    stage = None
    category = None
    q = None


class CategoryForm(ChoicesForm):
    site = _options(forms.TypedChoiceField(label=_("Site"), coerce=int), "site")
    name = _line(_("New category"), max_length=40)


# ---- suggestion steps (detail page panel) ----


class ClassifyForm(ChoicesForm):
    category = _options(_pick(_("Category")), "category")


class EvaluateForm(ChoicesForm):
    feasibility = forms.ChoiceField(label=_("Feasibility"), required=False, choices=EMPTY + list(Feasibility.choices))
    valuable = forms.TypedChoiceField(
        label=_("Valuable"),
        required=False,
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    evaluation = _text(_("Evaluation"))
    evaluator = _options(_pick(_("Evaluated by (default: me)")), "staff")


class ForwardForm(ChoicesForm):
    leader = _options(_pick(_("Report to (leader)")), "staff")
    department = _options(_pick(_("Submit to department")), "department")
    note = _text(_("What they are asked to do"), max_length=2000)


class AdoptForm(ChoicesForm):
    reason = _text(_("Discussion summary and reason"))
    plan = _text(_("Implementation plan"), rows=3)
    plan_owner = _options(_pick(_("Responsible person")), "staff")
    plan_due_on = _date(_("Due on"))
    decided_on = _date(_("Decided on (default: today)"))


class RejectForm(ChoicesForm):
    reason = _text(_("Reason for not adopting"))
    decided_on = _date(_("Decided on (default: today)"))


class ProgressForm(ChoicesForm):
    note = _text(_("Progress"))


class CompleteForm(ChoicesForm):
    result = _text(_("What was implemented"))


class FeedbackForm(ChoicesForm):
    message = _text(_("What the proposer was told"), rows=3)
    channel = forms.ChoiceField(label=_("How"), choices=FeedbackChannel.choices, initial=FeedbackChannel.PHONE)
    thanked = forms.BooleanField(label=_("I thanked the proposer"), required=False)
    given_at = _when(_("When (default: now)"))


class CloseForm(ChoicesForm):
    reason = _text(_("Reason for closing before the implementation is completed"), max_length=2000)


class DetailsForm(ChoicesForm):
    """Suggestion details for an order taken through the generic quick-create."""

    content = _text(_("Content of the suggestion"), rows=3)
    proposer_name = _line(_("Proposer's name"), max_length=100)
    proposer_contact = _line(_("Proposer's phone or contact"))
    solicited = forms.BooleanField(label=_("Actively asked for by me"), required=False)


# ---- inquiry actions ----


class VersionedForm(ChoicesForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class AnswerForm(VersionedForm):
    answer = _text(_("Answer given to the customer"), rows=3)
    answer_script_key = _line(_("Answer script key (optional)"), max_length=64)
    no_further_questions = forms.BooleanField(label=_("Asked: the customer has no further questions"), required=False)


class ParkForm(VersionedForm):
    told_customer = _text(_("What the customer was told"), rows=2)
    promised_at = _when(_("Promised reply time"), required=True)
    reason = _text(_("Reason (required when the promise changes)"), max_length=2000, rows=1)


class TransferForm(VersionedForm):
    department = _options(_pick(_("Department")), "department")
    assignee = _options(_pick(_("Colleague")), "staff")
    reason = _text(_("Reason for the transfer"), max_length=2000)


class RevealContactForm(forms.Form):
    """Why the caller's full number is needed; the service refuses an empty reason with its own message."""

    reason = _line(_("Why do you need the full number?"), max_length=500)
