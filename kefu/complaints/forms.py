"""Shapes of what the complaint pages post; rules stay in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import plain_text, single_line
from kefu.tickets.models import Channel

from .models import CompensationKind, Liability, Party, Severity

EMPTY = [("", "—")]


def _text(label, *, required=False, rows=3, max_length=10_000, **attrs):
    return forms.CharField(
        label=label, required=required, max_length=max_length, strip=True, validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
    )  # fmt: skip


def _line(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label, required=required, max_length=max_length, strip=True, validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )  # fmt: skip


def _when(label, *, required=False):
    return forms.DateTimeField(
        label=label, required=required, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip


class IntakeForm(forms.Form):
    """投诉登记. Mandatory fields are checked by the service (one Chinese message per missing field)."""

    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    complainant_name = _line(_("Complainant"), max_length=100)
    contact = _line(_("Contact (phone)"), max_length=100, inputmode="tel")
    complained_at = _when(_("Complaint time"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    category = forms.ChoiceField(label=_("Category"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=Severity.choices, initial=Severity.GENERAL, required=False
    )
    subject = _line(_("Matter complained about"), max_length=200)
    description = _text(_("Details"), rows=3)
    product = _line(_("Product or service"), max_length=200)
    shop = forms.TypedChoiceField(label=_("Shop / merchant"), required=False, coerce=int, empty_value=None)
    staff_involved = _line(_("Staff involved"), max_length=200)
    demand = _text(_("Customer's demand"), rows=2)
    apology_note = _text(_("Apology / acknowledgement"), rows=2, max_length=2000)
    taken_to_office = forms.BooleanField(label=_("Taken to the office area (walk-in)"), required=False)
    taken_to_office_at = _when(_("Taken to the office area at"))

    def __init__(self, *args, sites=(), shops=(), categories=(), **kw):
        super().__init__(*args, **kw)
        self.fields["site"].choices = list(sites)
        self.fields["shop"].choices = EMPTY + list(shops)
        self.fields["category"].choices = EMPTY + [(c, c) for c in categories]


class OnTheSpotForm(forms.Form):
    resolution = _text(_("Resolution on the spot"), required=False)
    customer_accepted = forms.BooleanField(label=_("The customer accepts it"), required=False)


class InvestigateForm(forms.Form):
    promised_reply_at = _when(_("Promised reply time"))
    told_customer = _text(_("What the customer was told"), rows=2)


class OfficeForm(forms.Form):
    at = _when(_("Taken to the office area at"))


class TaskForm(forms.Form):
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices)
    shop = forms.TypedChoiceField(label=_("Shop / merchant"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    instruction = _text(_("What is asked"), rows=2)
    due_at = _when(_("Due"))

    def __init__(self, *args, shops=(), departments=(), owners=(), **kw):
        super().__init__(*args, **kw)
        self.fields["shop"].choices = EMPTY + list(shops)
        self.fields["department"].choices = EMPTY + list(departments)
        self.fields["owner"].choices = EMPTY + list(owners)


class ProposalForm(forms.Form):
    text = _text(_("Proposed solution"), rows=2)


class ApproveForm(forms.Form):
    note = _text(_("Approval note"), rows=1, max_length=2000)


class ShopConfirmForm(forms.Form):
    confirmer_name = _line(_("Shop person who confirmed"), max_length=60)
    shop = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    body = _text(_("Result and handling told to the customer"), rows=3)
    channel = forms.ChoiceField(label=_("Reply channel"), choices=Channel.choices, initial=Channel.PHONE)
    apology_repeated = forms.BooleanField(label=_("Apology repeated"), required=False)


class AnswerForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Customer's answer"), coerce=lambda v: v == "1",
        choices=[("1", _("Accepts the solution")), ("0", _("Does not accept"))],
    )  # fmt: skip
    opinion = _text(_("Customer's opinion"), rows=2)


class CompensationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CompensationKind.choices)
    item = _line(_("Item / description"), max_length=200)
    amount = forms.CharField(label=_("Amount (yuan)"), required=False, max_length=20, validators=[single_line])
    own_fault = forms.BooleanField(label=_("Caused by ourselves"), required=False)
    approver = forms.TypedChoiceField(label=_("Approved by"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, approvers=(), **kw):
        super().__init__(*args, **kw)
        self.fields["approver"].choices = EMPTY + list(approvers)


class CloseForm(forms.Form):
    root_cause = _text(_("Root cause"), rows=2)
    preventive_measure = _text(_("Preventive measure"), rows=2)
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices, initial=Liability.UNDETERMINED)
    customer_response = _text(_("Final answer to the customer (optional)"), rows=2)


class CloseUnresolvedForm(forms.Form):
    reason = _text(_("Reason for closing unresolved"), rows=2, max_length=2000)
    customer_response = _text(_("Final answer to the customer"), rows=2)
    root_cause = _text(_("Root cause"), rows=2)
    preventive_measure = _text(_("Preventive measure"), rows=2)
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices, initial=Liability.UNDETERMINED)


class TaskResponseForm(forms.Form):
    response = _text(_("Response"), rows=3)
    file = forms.FileField(label=_("Attachment"), required=False)


class LedgerFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    category = forms.CharField(label=_("Category"), required=False, max_length=30, validators=[single_line])
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("open", _("Open")), ("resolved", _("Resolved")), ("closed", _("Closed"))],
    )  # fmt: skip
    shop = forms.TypedChoiceField(label=_("Shop / merchant"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, sites=(), shops=(), **kw):
        super().__init__(*args, **kw)
        self.fields["site"].choices = [("", _("All"))] + list(sites)
        self.fields["shop"].choices = [("", _("All"))] + list(shops)


class SettingsForm(forms.Form):
    categories = _text(_("Categories (one per line)"), rows=7, required=True, max_length=2000)
    repeat_threshold = forms.IntegerField(label=_("Complaints that flag a key customer"), min_value=1, max_value=100)
    repeat_window_days = forms.IntegerField(label=_("Within days"), min_value=1, max_value=3660)
