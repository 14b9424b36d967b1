"""Shapes of what the customer pages post; the rules (who may reveal, reason required) are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import single_line

from .models import CreditRating, DocumentType, Tier


class CustomerSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or phone"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True, "placeholder": _("Name or phone number")}),
    )


class RevealPhoneForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need the full number?"),
        required=False,
        max_length=500,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs={"placeholder": _("e.g. calling the customer back about the order")}),
    )


class CreditRatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Credit rating"), choices=CreditRating.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False, validators=[single_line])


class EnterpriseContactForm(forms.Form):
    name = forms.CharField(label=_("Contact person"), max_length=50, validators=[single_line])
    title = forms.CharField(label=_("Title"), max_length=50, required=False, validators=[single_line])
    phone = forms.CharField(label=_("Phone"), max_length=30, validators=[single_line])
    address = forms.CharField(label=_("Address"), max_length=200, required=False, validators=[single_line])


class CustomerDocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    file = forms.FileField(label=_("File"))


class CustomerExportForm(forms.Form):
    q = forms.CharField(label=_("Name or phone"), required=False, max_length=100, validators=[single_line])
    tier = forms.ChoiceField(label=_("Tier"), choices=[("", "—"), *Tier.choices], required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=30, validators=[single_line])
    key_only = forms.BooleanField(label=_("Key customers only"), required=False)
    unmasked = forms.BooleanField(label=_("Full phone numbers (logged)"), required=False)
