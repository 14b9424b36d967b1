"""Shapes of what the deadline pages post. The services decide what is allowed; these only check form and type.

Fields the services check themselves (a promised time, hours) are optional here, so the page shows the
service's Chinese message instead of a generic "required".
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import plain_text, single_line
from kefu.customers.models import Tier
from kefu.tickets.forms import QuickCreateForm
from kefu.tickets.models import Channel, Priority, WorkOrderType
from kefu.tickets.transitions import Status

from .models import EscalationLevel, Metric
from .selectors import GROUPINGS

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


def _text(label, *, max_length=2000, rows=2, required=False):
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


def _when(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class PhoneQuickCreateForm(QuickCreateForm):
    """Quick-create plus the call register (电话接听登记): rings before answering and the apology when late."""

    call_fields = True
    rings = forms.IntegerField(
        label=_("Rings before answering"),
        required=False,
        min_value=0,
        max_value=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 30}),
    )
    apology_made = forms.BooleanField(label=_("Apologised for the wait"), required=False)


# ---- detail page: promised reply, deferred reply, escalation ----


class PromiseForm(forms.Form):
    promised_at = _when(_("Promised reply time"))
    reason = _text(_("Reason (required when the promise changes)"))


class DeferReplyForm(forms.Form):
    """暂无法答复: what the customer was told, and when they will hear back."""

    body = _text(_("What the customer was told"), rows=3, required=True)
    promised_at = _when(_("Promised reply time"))
    reason = _text(_("Reason (required when the promise changes)"), rows=1)


class EscalateForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Report to"),
        choices=[
            (EscalationLevel.SUPERVISOR, EscalationLevel.SUPERVISOR.label),
            (EscalationLevel.MANAGER, EscalationLevel.MANAGER.label),
        ],
        initial=EscalationLevel.SUPERVISOR,
    )
    reason = _text(_("Reason"), rows=2)
    skip_level = forms.BooleanField(
        label=_("Urgent: skip a level (the skipped level is told afterwards)"), required=False
    )


# ---- report ----


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("site", _("Site")), ("type", _("Type")), ("channel", _("Channel")), ("agent", _("Agent"))],
    )

    def clean_group_by(self):
        value = self.cleaned_data.get("group_by") or "site"
        return value if value in GROUPINGS else "site"


# ---- administration ----


class SiteHoursForm(forms.Form):
    around_the_clock = forms.BooleanField(label=_("24-hour duty"), required=False)
    observes_public_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)
    max_rings = forms.IntegerField(label=_("Answer within rings"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built here rather than as class attributes: one text field per weekday, "09:00-12:00,13:30-18:00".
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = _line(label, max_length=200, placeholder="09:00-12:00,13:30-18:00")

    def weekday_fields(self):
        return [self[f"day_{day}"] for day in range(7)]

    def weekly(self) -> dict:
        return {
            str(day): [s for s in (self.cleaned_data.get(f"day_{day}") or "").split(",") if s.strip()]
            for day in range(7)
        }

    @staticmethod
    def initial_from(entry: dict) -> dict:
        initial = {
            "around_the_clock": entry["around_the_clock"],
            "observes_public_holidays": entry["observes_public_holidays"],
            "max_rings": entry["max_rings"],
        }
        for day in range(7):
            initial[f"day_{day}"] = ",".join(entry["weekly"].get(str(day), []))
        return initial


class OverrideForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.BooleanField(label=_("Closed all day"), required=False)
    hours = _line(_("Hours when open"), placeholder="10:00-16:00")
    reason = _line(_("Reason"))

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = sites

    def spans(self) -> list[str]:
        return [s for s in (self.cleaned_data.get("hours") or "").split(",") if s.strip()]


class HolidayImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    text = forms.CharField(
        label=_("Dates, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": "2027-01-01,holiday,元旦\n2027-02-07,班,春节调休"}),
    )
    file = forms.FileField(label=_("Or upload a CSV file"), required=False)
    source_note = _line(_("Source (e.g. the State Council notice)"))

    MAX_FILE_BYTES = 200_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = date.today().year + 1

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > self.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload

    def content(self) -> str:
        """The uploaded file wins over the textarea; undecodable bytes become a parse error, not a 500."""
        upload = self.cleaned_data.get("file")
        if upload:
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    return raw.decode(encoding)
                except UnicodeDecodeError:
                    continue
            return ""
        return self.cleaned_data.get("text") or ""


class PolicyForm(forms.Form):
    """A response standard and its targets; save_sla_policy versions every change."""

    name = _line(_("Name"), max_length=100, required=True)
    position = forms.IntegerField(label=_("Order"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, required=False, empty_value=None)
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("Any")), *WorkOrderType.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices])
    priority = forms.TypedChoiceField(
        label=_("Priority"), required=False, coerce=int, empty_value=None, choices=[("", _("Any")), *Priority.choices]
    )
    tier = forms.ChoiceField(label=_("Customer tier"), required=False, choices=[("", _("Any")), *Tier.choices])
    at_risk_percent = forms.IntegerField(
        label=_("At risk after this percentage of the target"), min_value=1, max_value=100
    )
    supervisor_after_breach_minutes = forms.IntegerField(
        label=_("Escalate to supervisor after breach (min)"), min_value=0
    )
    manager_after_breach_minutes = forms.IntegerField(label=_("Escalate to manager after breach (min)"), min_value=0)
    promised_reply_required = forms.BooleanField(
        label=_("A promised reply time is required when parked"), required=False
    )
    reminder_before_promise_minutes = forms.IntegerField(label=_("Remind before promised time (min)"), min_value=0)
    reason = _text(_("Reason for the change"), rows=2)
    # The version the editor started from: saving over someone else's newer version is refused, not lost.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    POLICY_FIELDS = (
        "name",
        "position",
        "is_active",
        "site",
        "type",
        "channel",
        "priority",
        "tier",
        "at_risk_percent",
        "supervisor_after_breach_minutes",
        "manager_after_breach_minutes",
        "promised_reply_required",
        "reminder_before_promise_minutes",
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [("", _("Any")), *sites]
        statuses = [(s, label) for s, label in Status.choices]
        for metric, label in Metric.choices:
            self.fields[f"{metric}_minutes"] = forms.IntegerField(
                label=_("%(target)s: minutes (blank = none)") % {"target": label}, required=False, min_value=0
            )
            self.fields[f"{metric}_business"] = forms.BooleanField(
                label=_("in business time"), required=False, initial=True
            )
            self.fields[f"{metric}_pause"] = forms.MultipleChoiceField(
                label=_("statuses that pause the clock"),
                required=False,
                choices=statuses,
                widget=forms.CheckboxSelectMultiple,
            )

    def metric_rows(self):
        return [(label, self[f"{m}_minutes"], self[f"{m}_business"], self[f"{m}_pause"]) for m, label in Metric.choices]

    def policy_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.POLICY_FIELDS}
        data["site_id"] = data.pop("site")
        return data

    def targets(self) -> list[dict]:
        return [
            {
                "metric": metric,
                "minutes": self.cleaned_data[f"{metric}_minutes"],
                "business_time": self.cleaned_data[f"{metric}_business"],
                "pause_statuses": self.cleaned_data[f"{metric}_pause"],
            }
            for metric, _label in Metric.choices
            if self.cleaned_data.get(f"{metric}_minutes") is not None
        ]

    @classmethod
    def initial_from(cls, policy) -> dict:
        initial = {name: getattr(policy, name) for name in cls.POLICY_FIELDS if name != "site"}
        initial["site"] = policy.site_id
        initial["version"] = policy.version
        for target in policy.targets.all():
            initial[f"{target.metric}_minutes"] = target.minutes
            initial[f"{target.metric}_business"] = target.business_time
            initial[f"{target.metric}_pause"] = list(target.pause_statuses or [])
        return initial


# The 时限 panel's forms on a work order, by the name in their URLs and fold ids.
ORDER_FORMS = {"promise": PromiseForm, "defer": DeferReplyForm, "escalate": EscalateForm}


def order_form(name: str, order, data=None):
    """One of them, read and drawn in the site's time zone: datetime-local carries none, and the panel shows
    the deadlines in that zone."""
    with timezone.override(order.site.time_zone):
        form = ORDER_FORMS[name](data, auto_id=f"id_sla_{name}_%s")
        if data is not None:
            form.is_valid()
    return form
