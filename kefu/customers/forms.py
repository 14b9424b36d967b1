"""Shapes of what the customer pages post; the rules (who may reveal, reason required) are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import single_line


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
