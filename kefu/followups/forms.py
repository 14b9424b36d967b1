"""Form shapes of the follow-up pages. Rules stay in the services; forms only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.validators import plain_text, single_line
from kefu.customers.models import Tier

from .holidays import HOLIDAY_CHOICES
from .models import AssignTo, InfoItem, Method, OnDissatisfied, PlanScope, Satisfaction

YES_NO = [("yes", _("Reached the customer")), ("no", _("Not reached"))]
SCORES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class AttemptForm(forms.Form):
    reached = forms.ChoiceField(label=_("Result of the call"), choices=YES_NO, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    score = forms.TypedChoiceField(label=_("Score (1–5)"), choices=SCORES, coerce=int, empty_value=None, required=False)
    comments = forms.CharField(
        label=_("Customer's comments"), required=False, max_length=2000, validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    dissatisfaction_points = forms.CharField(
        label=_("Points of dissatisfaction"), required=False, max_length=2000, validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    suggestions = forms.CharField(
        label=_("Customer's suggestions"), required=False, max_length=2000, validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    improvement_needed = forms.BooleanField(label=_("Improvement needed"), required=False)
    forwarded_to = forms.CharField(
        label=pgettext_lazy("follow-up", "Forwarded to"), required=False, max_length=100, validators=[single_line]
    )
    information_delivered = forms.MultipleChoiceField(
        label=_("Information delivered"), choices=InfoItem.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def outcome(self) -> dict:
        data = dict(self.cleaned_data)
        data["reached"] = data["reached"] == "yes"
        return data


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    delay_hours = forms.IntegerField(label=_("Visit after (hours)"), min_value=0, max_value=720)
    due_within_hours = forms.IntegerField(label=_("To be done within (hours)"), min_value=1, max_value=720)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    assign_to = forms.ChoiceField(label=_("Assigned to"), choices=AssignTo.choices)
    named_assignee = forms.TypedChoiceField(label=_("Named person"), required=False, coerce=int, empty_value=None)
    retry_after_hours = forms.IntegerField(label=_("Retry after (hours)"), min_value=1, max_value=168)
    max_attempts = forms.IntegerField(label=_("Attempts before unreachable"), min_value=1, max_value=10)
    on_dissatisfied = forms.ChoiceField(label=_("When dissatisfied"), choices=OnDissatisfied.choices)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_assignee"].choices = [("", "—"), *((u.pk, u.name) for u in staff)]

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["named_assignee_id"] = data.pop("named_assignee")
        return data


class TierForm(forms.Form):
    criteria = forms.CharField(
        label=_("Criteria"), required=False, max_length=500, validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    account_manager_per_month = forms.IntegerField(
        label=_("Account manager visits per month"), min_value=0, max_value=4
    )
    department_manager_per_month = forms.IntegerField(
        label=_("Department manager visits per month"), min_value=0, max_value=4
    )
    leadership_every_months = forms.IntegerField(
        label=_("Responsible leader visits every (months, 0 = never)"), min_value=0, max_value=12
    )
    company_head_per_year = forms.IntegerField(label=_("President visits per year"), min_value=0, max_value=4)
    holiday_visits = forms.BooleanField(label=_("Holiday visits"), required=False)
    information_items = forms.MultipleChoiceField(
        label=_("Information to send"), choices=InfoItem.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class RoleForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, u.name) for u in staff]


class SettingsForm(forms.Form):
    scope = forms.ChoiceField(label=_("Customers with a plan"), choices=PlanScope.choices)
    holidays = forms.MultipleChoiceField(
        label=_("Holiday visits on"), choices=HOLIDAY_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


TIERS = Tier.values
