"""Shapes of what the after-sales pages post. Business rules stay in the services; these only check form and type."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.validators import plain_text, single_line
from kefu.tickets.models import Channel

from .models import CaseKind, Eligibility, NotifyMethod, Path, Remedy, RepairOutcome, ReturnKind

DATE = forms.DateInput(attrs={"type": "date"})


def line(label, *, max_length, required=False, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[single_line],
        widget=forms.TextInput(attrs=attrs),
    )


def area(label, *, max_length=2000, required=False, rows=2):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        validators=[plain_text],
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def money(label, required=False):
    return forms.DecimalField(label=label, required=required, min_value=0.01, max_digits=10, decimal_places=2)


class IntakeForm(forms.Form):
    """售后登记: who, what product, bought when and where, what is wrong."""

    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    customer_phone = line(_("Customer's phone"), max_length=40, required=True, inputmode="tel", autofocus=True)
    customer_name = line(_("Customer's name (new customers)"), max_length=60)
    kind = forms.ChoiceField(label=_("Request type"), choices=CaseKind.choices, initial=CaseKind.REPAIR)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WALK_IN)
    rule = forms.TypedChoiceField(label=_("Product category"), coerce=int)
    product_name = line(_("Product"), max_length=100, required=True)
    model = line(_("Model"), max_length=60, required=True)
    serial_number = line(_("Serial number"), max_length=60)
    purchased_on = forms.DateField(label=_("Purchase date"), widget=DATE)
    purchase_place = line(_("Place of purchase"), max_length=100)
    shop = forms.TypedChoiceField(label=_("Shop (mall purchases)"), coerce=int, required=False, empty_value=None)
    order_number = line(_("Order / receipt number"), max_length=60)
    receipt_present = forms.BooleanField(label=_("Receipt / invoice presented"), required=False)
    problem = area(_("Problem description"), max_length=5000, required=True, rows=4)
    photos = forms.FileField(
        label=_("Photos"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )

    def __init__(self, *args, sites=(), rules=(), shops=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = list(sites)
        self.fields["rule"].choices = [("", "—"), *rules]
        self.fields["shop"].choices = [("", "—"), *shops]


class RuleForm(forms.Form):
    site = forms.TypedChoiceField(label=_("Site"), coerce=int)
    category = line(_("Product category"), max_length=60, required=True)
    warranty_days = forms.IntegerField(label=_("Warranty days"), min_value=0, max_value=3650)
    covered = area(_("What is covered"))
    exclusions = area(_("Exclusions (one per line)"), rows=4)
    allow_exchange = forms.BooleanField(label=_("Exchange when unrepairable in warranty"), required=False)
    allow_refund = forms.BooleanField(label=_("Refund when unrepairable in warranty"), required=False)
    return_days = forms.IntegerField(label=_("Return within days of purchase"), min_value=0, max_value=3650)
    exchange_days = forms.IntegerField(label=_("Exchange within days of purchase"), min_value=0, max_value=3650)
    receipt_required = forms.BooleanField(label=_("Receipt required for return/exchange"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = list(sites)


# ---- the panel's step forms ----


class RecheckForm(forms.Form):
    exclusions_found = forms.MultipleChoiceField(
        label=_("Exclusions found"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, exclusions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exclusions_found"].choices = [(x, x) for x in exclusions]


class OverrideForm(forms.Form):
    eligibility = forms.ChoiceField(
        label=_("Eligibility"), choices=[c for c in Eligibility.choices if c[0] != Eligibility.PENDING]
    )
    reason = area(_("Reason"), max_length=300, required=True)


class PathForm(forms.Form):
    path = forms.ChoiceField(
        label=_("Repair path"), choices=[c for c in Path.choices if c[0]], widget=forms.RadioSelect
    )
    department = forms.TypedChoiceField(label=_("Dispatch to (on-site)"), coerce=int, required=False, empty_value=None)
    note = area(_("Note"), max_length=1000)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *departments]


class ShipmentForm(forms.Form):
    carrier = line(_("Logistics company"), max_length=60, required=True)
    tracking_number = line(_("Tracking number"), max_length=60, required=True)
    on = forms.DateField(label=_("Date"), widget=DATE)


class RepairForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RepairOutcome.choices, widget=forms.RadioSelect)
    technician = forms.TypedChoiceField(label=_("Technician"), coerce=int, required=False, empty_value=None)
    fault_cause = area(_("Cause of the fault"), required=True)
    repair_method = area(_("Work done / repair method"), required=True)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].choices = [("", "—"), *staff]


class RemedyForm(forms.Form):
    remedy = forms.ChoiceField(label=_("Remedy"), widget=forms.RadioSelect)
    quote_amount = money(_("Repair quote (yuan)"))
    refund_amount = money(_("Refund amount (yuan)"))

    def __init__(self, *args, remedies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remedy"].choices = [(r, Remedy(r).label) for r in remedies]


class DeskReturnForm(forms.Form):
    kind = forms.ChoiceField(label=_("Return or exchange"), choices=ReturnKind.choices, widget=forms.RadioSelect)
    refund_amount = money(_("Refund amount (yuan)"))


class NotifyForm(forms.Form):
    method = forms.ChoiceField(label=_("Notification"), choices=NotifyMethod.choices, widget=forms.RadioSelect)
    note = line(_("Note"), max_length=300)


class NoteForm(forms.Form):
    note = line(_("Note"), max_length=300)


class ShopConfirmForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("Shop's answer"),
        choices=[("yes", _("Agrees to the return/exchange")), ("no", _("Does not agree"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    shop_person = line(_("Shop person confirming"), max_length=60)
    reason = line(_("Reason (if not)"), max_length=300)
    alternative = line(_("Alternative offered (if not)"), max_length=300)

    def __init__(self, *args, by_shop=False, **kwargs):
        super().__init__(*args, **kwargs)
        if by_shop:
            del self.fields["shop_person"]


class ReceiptForm(forms.Form):
    receipt_present = forms.BooleanField(label=_("Receipt presented"), required=False)
    receipt_number = line(_("Receipt number"), max_length=60)
    receipt_on = forms.DateField(label=_("Receipt date"), required=False, widget=DATE)
    goods_intact = forms.BooleanField(label=_("Goods in returnable condition"), required=False)
    alternative = line(_("Alternative offered (if it fails)"), max_length=300)


STEP_FORMS = {
    "recheck": (_("Re-check eligibility"), RecheckForm),
    "override": (_("Override eligibility"), OverrideForm),
    "path": (_("Choose the repair path"), PathForm),
    "desk_return": (_("Open the return / exchange"), DeskReturnForm),
    "inbound": (_("Parcel received from the customer"), ShipmentForm),
    "repair": (_("Record the repair"), RepairForm),
    "remedy": (_("Choose the remedy"), RemedyForm),
    "outbound": (_("Ship back to the customer"), ShipmentForm),
    "notify": (_("Notify the customer"), NotifyForm),
    "handover": (_("Picked up / delivered"), NoteForm),
    "shop_confirm": (_("Record the shop's confirmation"), ShopConfirmForm),
    "receipt": (_("Check the receipt"), ReceiptForm),
    "approve": (_("Approve the refund"), NoteForm),
    "cashier": (_("Cashier done"), NoteForm),
}


def step_form(name, *, data=None, staff=(), departments=(), remedies=(), exclusions=(), by_shop=False):
    cls = STEP_FORMS[name][1]
    kwargs = {"auto_id": f"id_as_{name}_%s", "prefix": None}
    if cls is RecheckForm:
        kwargs["exclusions"] = exclusions
    elif cls is PathForm:
        kwargs["departments"] = departments
    elif cls is RepairForm:
        kwargs["staff"] = staff
    elif cls is RemedyForm:
        kwargs["remedies"] = remedies
    elif cls is ShopConfirmForm:
        kwargs["by_shop"] = by_shop
    return cls(data, **kwargs) if data is not None else cls(**kwargs)


def panel_forms(case, can, *, staff, departments, remedies, data=None) -> list[tuple[str, object, forms.Form]]:
    """The forms of the steps open to the user now; a failed one comes back with what was typed."""
    failed_name, failed_form = data or (None, None)
    exclusions = case.rule.exclusion_list
    out = []
    for name, (label, _cls) in STEP_FORMS.items():
        if not can.get(name):
            continue
        if name == failed_name:
            out.append((name, label, failed_form))
        else:
            out.append(
                (
                    name,
                    label,
                    step_form(name, staff=staff, departments=departments, remedies=remedies, exclusions=exclusions),
                )
            )
    return out
