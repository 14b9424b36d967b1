"""Shapes of what the lost & found pages post. Business rules stay in the services."""

from __future__ import annotations

import base64
import binascii

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.core.validators import plain_text, single_line

from .models import BroadcastChannel, Decision, Gender, IdType, ItemCategory, ItemStatus, PersonOutcome

EMPTY = [("", "—")]
DATETIME_INPUT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
DATA_URL_PREFIX = "data:image/png;base64,"


def line(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )


def text(label, *, max_length=2000, rows=2, required=False):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def when(label):
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=DATETIME_INPUT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class SiteChoiceMixin:
    def set_sites(self, sites):
        self.fields["site"].choices = sites
        if len(sites) == 1:
            self.fields["site"].widget = forms.HiddenInput()
            self.fields["site"].initial = sites[0][0]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 钱包 黑色, 雨伞, 三楼")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ItemStatus.choices])


class RegisterForm(SiteChoiceMixin, forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    what = line(_("Item"), max_length=100, required=True, placeholder=_("e.g. black wallet"))
    category = forms.ChoiceField(label=_("Category"), choices=ItemCategory.choices)
    description = text(_("Description"))
    found_place = line(_("Found at (place)"), max_length=200, required=True)
    found_at = when(_("Found at (time)"))
    finder_name = line(_("Finder"), max_length=60, required=True)
    finder_contact = line(_("Finder's contact"), max_length=40, inputmode="tel")
    received_by = line(_("Received by"), max_length=100)
    storage_place = line(_("Storage place"), max_length=100)
    photo = forms.FileField(
        label=_("Photo"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_sites(sites)


class HandoverForm(forms.Form):
    from_holder = line(_("From (current holder)"), max_length=100, required=True)
    to_holder = line(pgettext_lazy("custody", "To"), max_length=100, required=True)
    place = line(_("Place"), max_length=100, required=True)
    storage_place = line(_("New storage place"), max_length=100)
    note = line(_("Note"), max_length=200)


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class ClaimForm(forms.Form):
    claimant_name = line(_("Claimant"), max_length=60, required=True)
    claimant_phone = line(_("Claimant's phone"), max_length=40, inputmode="tel")
    id_type = forms.ChoiceField(label=_("Identity document"), choices=IdType.choices)
    id_number = line(_("Document number (full or last 4)"), max_length=40, required=True, autocomplete="off")
    identity_checked = forms.BooleanField(label=_("I have checked the document against the claimant"), required=False)
    proof = text(_("How the claimant described the item"))
    signature_name = line(_("Signed name"), max_length=60, required=True)
    signature_data = forms.CharField(required=False, widget=forms.HiddenInput, max_length=400_000)

    def clean_signature_data(self):
        """The drawn signature arrives as a PNG data URL from the canvas; anything else is refused here."""
        value = self.cleaned_data.get("signature_data") or ""
        if not value:
            return None
        if not value.startswith(DATA_URL_PREFIX):
            raise forms.ValidationError(_("The drawn signature could not be read."))
        try:
            return base64.b64decode(value[len(DATA_URL_PREFIX) :], validate=True)
        except (binascii.Error, ValueError):
            raise forms.ValidationError(_("The drawn signature could not be read.")) from None


class DisposeForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=EMPTY + Decision.choices, required=False)
    recipient = line(_("Recipient (police station, charity …)"), max_length=100)
    reason = text(_("Reason"), required=True)


class LinkForm(forms.Form):
    work_order = forms.TypedChoiceField(label=_("Loss report (work order)"), coerce=int)

    def __init__(self, *args, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["work_order"].choices = EMPTY + list(orders)


class LinkItemForm(forms.Form):
    item = forms.TypedChoiceField(label=_("Found item"), coerce=int)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = EMPTY + list(items)


class RevealForm(forms.Form):
    reason = line(_("Why you need the full contact"), max_length=500, required=True)


class PolicyForm(SiteChoiceMixin, forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    days = forms.IntegerField(label=_("Days until disposal"), min_value=1, max_value=3650)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_sites(sites)


class LostPersonForm(SiteChoiceMixin, forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    reporter_name = line(_("Reporter's name"), max_length=100, required=True)
    reporter_phone = line(_("Reporter's phone"), max_length=40, required=True, inputmode="tel")
    companion_relation = line(_("Relation to the missing person"), max_length=40, placeholder=_("e.g. mother"))
    person_name = line(_("Name of the missing person"), max_length=60)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.UNKNOWN)
    age = line(_("Age"), max_length=20, placeholder=_("e.g. about 5"))
    appearance = text(_("Appearance and clothing"), rows=3, required=True)
    last_seen_place = line(_("Last seen at (place)"), max_length=200, required=True)
    last_seen_at = when(_("Last seen at (time)"))

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_sites(sites)


class BroadcastForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=BroadcastChannel.choices)
    text = text(_("Text broadcast"), max_length=1000, required=True)
    broadcast_at = when(_("Broadcast at (empty = now)"))


class FoundForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=EMPTY + PersonOutcome.choices, required=False)
    handed_to = line(_("Handed to (guardian / officer)"), max_length=60)
    found_place = line(_("Found at (place)"), max_length=200)
    found_at = when(_("Found at (time, empty = now)"))
    note = text(_("Note"))
