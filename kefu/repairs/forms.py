"""Shapes of what the repair pages post. Business rules (what is required when) stay in the services."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import plain_text, single_line
from kefu.tickets.models import Channel, Priority

from .models import Access, Facility, LocationKind, ReporterType, Settlement

EMPTY = [("", "—")]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
MAX_SIGNATURE_BYTES = 2 * 1024 * 1024


def _id(value):
    return int(value) if value not in (None, "") else None


def line(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )


def para(label, *, max_length=5000, rows=3, required=False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def when(label, *, required=False):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class IntakeForm(forms.Form):
    """The 《维修工作单》 as the desk fills it from a call or a visit. Field order is the tab order."""

    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    customer_phone = line(_("Caller's phone"), max_length=40, required=True, inputmode="tel", autofocus=True)
    customer_name = line(_("Caller's name"), max_length=100, required=True)
    reporter_type = forms.ChoiceField(label=_("Reporter type"), choices=ReporterType.choices)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c, label) for c, label in Channel.choices if c in (Channel.PHONE, Channel.WALK_IN)],
    )
    location_kind = forms.ChoiceField(label=_("Location kind"), choices=LocationKind.choices)
    building = line(_("Building"), max_length=40)
    unit = line(_("Unit / room"), max_length=40)
    floor = line(_("Floor"), max_length=20)
    shop = forms.TypedChoiceField(label=_("Shop"), coerce=_id, required=False, empty_value=None)
    area = line(_("Public area"), max_length=200)
    facility = forms.ChoiceField(label=_("Public facility"), choices=EMPTY + list(Facility.choices), required=False)
    fault = line(_("Fault"), max_length=200, required=True)
    description = para(_("Details"), rows=3)
    priority = forms.TypedChoiceField(label=_("Urgency"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL)
    access = forms.ChoiceField(label=_("Access arrangement"), choices=Access.choices)
    access_note = line(_("Access note"), max_length=200)
    appointment_start = when(_("Appointment from"))
    appointment_end = when(_("Appointment until"))
    contact_name = line(_("Contact person on site"), max_length=60, required=True)
    contact_phone = line(_("Contact phone"), max_length=40, inputmode="tel")
    department = forms.TypedChoiceField(label=_("Dispatch to"), coerce=int)
    dispatch_note = para(_("Dispatch instructions"), rows=2)

    def __init__(self, *args, sites, departments, shops, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = sites
        self.fields["department"].choices = departments
        self.fields["shop"].choices = EMPTY + shops


class ArrivalForm(forms.Form):
    arrived_at = when(_("Arrival time"), required=True)


class PartForm(forms.Form):
    name = line(_("Part or material"), max_length=100, required=True)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=9, decimal_places=2)
    unit = line(_("Unit of measure"), max_length=12, required=True, placeholder=_("e.g. pcs, m"))


class WorkForm(forms.Form):
    work_done = para(_("Work done"), rows=3)
    labour_minutes = forms.IntegerField(label=_("Labour time (minutes)"), min_value=0, required=False)
    result = para(_("Result"), rows=2)


CHARGE_CHOICES = [("free", _("Free of charge")), ("charged", _("Chargeable"))]


class FeeForm(forms.Form):
    charge = forms.ChoiceField(label=_("Fee"), choices=CHARGE_CHOICES, widget=forms.RadioSelect, initial="free")
    fee_amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=9, decimal_places=2, required=False)
    settlement = forms.ChoiceField(
        label=_("Settlement"),
        choices=EMPTY + [(c, label) for c, label in Settlement.choices if c != Settlement.FREE],
        required=False,
    )
    receipt_number = line(_("Receipt number"), max_length=40)


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
    )


class ConfirmForm(forms.Form):
    confirmed_by_name = line(_("Customer's name"), max_length=60, required=True)
    confirmed_at = when(_("Confirmation time"), required=True)
    # The canvas drawing as a data URL (data:image/png;base64,…); empty when the customer did not sign on screen.
    signature = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_SIGNATURE_BYTES * 2)

    def clean_signature(self):
        raw = self.cleaned_data["signature"]
        if not raw:
            return None
        prefix = "data:image/png;base64,"
        if not raw.startswith(prefix):
            raise forms.ValidationError(_("The signature must be a PNG image."))
        try:
            data = base64.b64decode(raw[len(prefix) :], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The signature must be a PNG image.")) from None
        return ContentFile(data, name="signature.png")
