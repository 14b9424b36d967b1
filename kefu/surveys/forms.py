"""Shapes of what the survey pages post; the rules live in services.py, sending.py and answers.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.validators import single_line
from kefu.customers.models import Tier
from kefu.tickets.models import WorkOrderType

from .models import DEFAULT_LINK_DAYS, QuestionKind
from .selectors import GROUPS

QUESTION_ROWS = 8


def _site_field(sites):
    return forms.ModelChoiceField(label=_("Site"), queryset=sites, empty_label=None)


class TemplateForm(forms.Form):
    """Name, introduction and up to QUESTION_ROWS questions; empty rows are left out."""

    name = forms.CharField(label=pgettext_lazy("survey", "Name"), max_length=100, validators=[single_line])
    intro = forms.CharField(
        label=_("Introduction"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    satisfaction = forms.IntegerField(
        label=_("Satisfaction question (row)"), min_value=1, max_value=QUESTION_ROWS, initial=1
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"] = _site_field(sites)
            self.order_fields(["site"])
        kinds = [("", "—"), *QuestionKind.choices]
        for i in range(QUESTION_ROWS):
            self.fields[f"q{i}_kind"] = forms.ChoiceField(
                label=pgettext_lazy("survey question", "Kind"), choices=kinds, required=False
            )
            self.fields[f"q{i}_text"] = forms.CharField(
                label=_("Question"), max_length=200, required=False, validators=[single_line]
            )
            self.fields[f"q{i}_options"] = forms.CharField(
                label=_("Options (one per line)"),
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"q{i}_required"] = forms.BooleanField(label=_("Required"), required=False, initial=True)

    def rows(self):
        return [
            {
                "n": i + 1,
                "kind": self[f"q{i}_kind"],
                "text": self[f"q{i}_text"],
                "options": self[f"q{i}_options"],
                "required": self[f"q{i}_required"],
            }
            for i in range(QUESTION_ROWS)
        ]

    def questions(self) -> list[dict]:
        d = self.cleaned_data
        out = []
        for i in range(QUESTION_ROWS):
            if not d.get(f"q{i}_kind") and not d.get(f"q{i}_text"):
                continue
            out.append(
                {
                    "kind": d.get(f"q{i}_kind") or "",
                    "text": d.get(f"q{i}_text") or "",
                    "required": bool(d.get(f"q{i}_required")),
                    "options": [o.strip() for o in (d.get(f"q{i}_options") or "").splitlines() if o.strip()],
                    "is_satisfaction": d.get("satisfaction") == i + 1,
                }
            )
        return out


class TemplateSwitchForm(forms.Form):
    active = forms.BooleanField(required=False)


class ClosureRuleForm(forms.Form):
    work_order_type = forms.ChoiceField(label=_("Type"), choices=WorkOrderType.choices)
    template = forms.IntegerField(label=_("Questionnaire"), min_value=1)
    enabled = forms.BooleanField(label=_("Send on closure"), required=False)
    link_valid_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=365, initial=DEFAULT_LINK_DAYS
    )

    def __init__(self, *args, sites=None, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(sites)
        self.fields["template"] = forms.ModelChoiceField(label=_("Questionnaire"), queryset=templates, empty_label=None)
        self.order_fields(["site", "work_order_type", "template", "enabled", "link_valid_days"])


class CampaignForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("survey", "Name"), max_length=100, validators=[single_line])
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", _("any")), *Tier.choices], required=False)
    key_customers_only = forms.BooleanField(label=_("Key customers only"), required=False)
    order_type = forms.ChoiceField(
        label=_("Had an order of type"), choices=[("", _("any")), *WorkOrderType.choices], required=False
    )
    order_from = forms.DateField(label=_("Orders from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    order_to = forms.DateField(label=_("Orders until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    repeat_days = forms.IntegerField(label=_("Repeat every (days)"), min_value=1, max_value=365, required=False)
    link_valid_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=365, initial=DEFAULT_LINK_DAYS
    )

    def __init__(self, *args, sites=None, templates=None, tags=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = _site_field(sites)
        self.fields["template"] = forms.ModelChoiceField(label=_("Questionnaire"), queryset=templates, empty_label=None)
        # Sites often share questionnaire names: each option says whose it is.
        self.fields["template"].label_from_instance = lambda t: f"{t.name}（{t.site.name}）"
        self.fields["tag"] = forms.ModelChoiceField(label=_("Tag"), queryset=tags, required=False, empty_label=_("any"))
        self.order_fields(["site", "name", "template", "tier", "tag"])


class CsatForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=list(zip(GROUPS, [_("Site"), _("Type"), _("Channel"), _("Agent"), _("Month")], strict=True)),
        initial="site",
    )

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(
            label=_("Site"), queryset=sites, required=False, empty_label=_("all")
        )
