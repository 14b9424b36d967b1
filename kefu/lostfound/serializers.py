"""Shapes of lost & found in the API. Shape checks only; every business rule is the services'.

Personal data leaves masked: the finder's contact, the claimant's phone, and the identity document number
(which is only ever stored masked)."""

from __future__ import annotations

import base64
import binascii

from django.urls import reverse
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from kefu.accounts.api import SiteRefSerializer, StaffRefSerializer
from kefu.core.api import bool_field, id_field, line_field, text_field

from .models import (
    BroadcastChannel,
    Decision,
    Gender,
    IdType,
    ItemCategory,
    ItemStatus,
    PersonOutcome,
)

# --- representations -------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="LostFoundHandover")  # unique among the apps' components
class HandoverSerializer(serializers.Serializer):
    sequence = serializers.IntegerField(read_only=True)
    from_holder = serializers.CharField(read_only=True)
    to_holder = serializers.CharField(read_only=True)
    handed_at = serializers.DateTimeField(read_only=True)
    place = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)
    recorded_by = StaffRefSerializer(read_only=True)


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    original_name = serializers.CharField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, photo) -> str:
        return reverse("api-lostfound-photo", args=[photo.pk])


class ClaimSerializer(serializers.Serializer):
    claimant_name = serializers.CharField(read_only=True)
    claimant_phone = serializers.CharField(source="claimant_phone_masked", read_only=True)
    id_type = serializers.ChoiceField(choices=IdType.choices, read_only=True)
    id_number = serializers.CharField(
        source="id_number_masked", read_only=True, help_text="Masked: only the last four characters are kept."
    )
    signature_name = serializers.CharField(read_only=True)
    has_signature_image = serializers.SerializerMethodField()
    checked_by = StaffRefSerializer(read_only=True)
    claimed_at = serializers.DateTimeField(read_only=True)

    def get_has_signature_image(self, claim) -> bool:
        return bool(claim.signature_image)


class DisposalSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices, read_only=True)
    reason = serializers.CharField(read_only=True)
    recipient = serializers.CharField(read_only=True)
    decided_by = StaffRefSerializer(read_only=True)
    decided_at = serializers.DateTimeField(read_only=True)


class FoundItemSerializer(serializers.Serializer):
    """A row of the list (masked finder contact)."""

    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    site = SiteRefSerializer(read_only=True)
    what = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=ItemCategory.choices, read_only=True)
    description = serializers.CharField(read_only=True)
    found_place = serializers.CharField(read_only=True)
    found_at = serializers.DateTimeField(read_only=True)
    finder_name = serializers.CharField(read_only=True)
    finder_contact = serializers.CharField(source="finder_contact_masked", read_only=True)
    storage_place = serializers.CharField(read_only=True)
    current_holder = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    disposal_due_at = serializers.DateTimeField(read_only=True)
    work_order = serializers.IntegerField(source="work_order_id", read_only=True, allow_null=True)


class FoundItemDetailSerializer(FoundItemSerializer):
    custody_chain = HandoverSerializer(many=True, read_only=True, source="chain")
    photos = PhotoSerializer(many=True, read_only=True, source="photo_rows")
    claim = ClaimSerializer(read_only=True, allow_null=True, source="claim_row")
    disposals = DisposalSerializer(many=True, read_only=True, source="disposal_rows")


class FoundItemPage(serializers.Serializer):
    results = FoundItemSerializer(many=True)
    truncated = bool_field()


class BroadcastSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    broadcast_at = serializers.DateTimeField(read_only=True)
    channel = serializers.ChoiceField(choices=BroadcastChannel.choices, read_only=True)
    text = serializers.CharField(read_only=True)
    by = StaffRefSerializer(read_only=True)


class LostPersonSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(source="work_order_id", read_only=True)
    number = serializers.CharField(source="work_order.number", read_only=True)
    priority = serializers.IntegerField(source="work_order.priority", read_only=True)
    status = serializers.CharField(source="work_order.status", read_only=True)
    person_name = serializers.CharField(read_only=True)
    gender = serializers.ChoiceField(choices=Gender.choices, read_only=True)
    age = serializers.CharField(read_only=True)
    appearance = serializers.CharField(read_only=True)
    last_seen_place = serializers.CharField(read_only=True)
    last_seen_at = serializers.DateTimeField(read_only=True)
    found_at = serializers.DateTimeField(read_only=True, allow_null=True)
    outcome = serializers.ChoiceField(choices=PersonOutcome.choices, read_only=True, allow_blank=True)
    handed_to = serializers.CharField(read_only=True)
    found_place = serializers.CharField(read_only=True)
    resolved_by = StaffRefSerializer(read_only=True, allow_null=True)
    broadcasts = BroadcastSerializer(many=True, read_only=True, source="broadcast_rows")


# --- input -----------------------------------------------------------------------------------------------------


class ItemQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    status = serializers.ChoiceField(choices=ItemStatus.choices, required=False, allow_blank=True, default="")
    site = id_field(required=False, allow_null=True, default=None)


class RegisterInputSerializer(serializers.Serializer):
    site = id_field()
    what = line_field(100)
    category = serializers.ChoiceField(choices=ItemCategory.choices)
    description = text_field(2000, required=False, allow_blank=True, default="")
    found_place = line_field(200)
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    finder_name = line_field(60)
    finder_contact = line_field(40, required=False, allow_blank=True, default="")
    received_by = line_field(100, required=False, allow_blank=True, default="")
    received_place = line_field(100, required=False, allow_blank=True, default="")
    storage_place = line_field(100, required=False, allow_blank=True, default="")
    work_order = id_field(required=False, allow_null=True, default=None)
    photo = serializers.FileField(required=False, allow_null=True, default=None, max_length=200)


class HandoverInputSerializer(serializers.Serializer):
    from_holder = line_field(100, help_text="Must be the item's current holder, or the handover is refused (409).")
    to_holder = line_field(100)
    place = line_field(100)
    handed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    storage_place = line_field(100, required=False, allow_null=True, default=None)
    note = line_field(200, required=False, allow_blank=True, default="")


@extend_schema_serializer(component_name="LostFoundPhotoInput")  # unique among the apps' components
class PhotoInputSerializer(serializers.Serializer):
    photo = serializers.FileField(max_length=200)


class Base64PngField(serializers.CharField):
    """A drawn signature: base64 PNG, optionally as a data: URL."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not value:
            return None
        if value.startswith("data:image/png;base64,"):
            value = value.split(",", 1)[1]
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("not base64") from None


class ClaimInputSerializer(serializers.Serializer):
    claimant_name = line_field(60)
    claimant_phone = line_field(40, required=False, allow_blank=True, default="")
    id_type = serializers.ChoiceField(choices=IdType.choices)
    id_number = line_field(
        40, help_text="The full number (checked, then masked at once) or its last four characters; never stored."
    )
    identity_checked = bool_field(help_text="The desk checked the document against the claimant.")
    signature_name = line_field(60)
    signature_image = Base64PngField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=400_000
    )
    proof = text_field(2000, required=False, allow_blank=True, default="")
    place = line_field(100, required=False, allow_blank=True, default="")


class DisposeInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True)
    reason = text_field(2000, allow_blank=True)
    recipient = line_field(100, required=False, allow_blank=True, default="")


class LinkInputSerializer(serializers.Serializer):
    work_order = id_field()


@extend_schema_serializer(component_name="LostFoundRevealInput")  # unique among the apps' components
class RevealInputSerializer(serializers.Serializer):
    reason = line_field(500)


class RevealedSerializer(serializers.Serializer):
    finder_contact = serializers.CharField()


@extend_schema_serializer(component_name="LostFoundPolicyInput")  # unique among the apps' components
class PolicyInputSerializer(serializers.Serializer):
    site = id_field()
    days = serializers.IntegerField(min_value=1, max_value=3650)


@extend_schema_serializer(component_name="LostFoundPolicy")  # unique among the apps' components
class PolicySerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    unclaimed_days = serializers.IntegerField()


class LostPersonInputSerializer(serializers.Serializer):
    site = id_field()
    customer = id_field(required=False, allow_null=True, default=None)
    reporter_name = line_field(100, required=False, allow_blank=True, default="")
    reporter_phone = line_field(40, required=False, allow_blank=True, default="")
    companion_relation = line_field(40, required=False, allow_blank=True, default="")
    person_name = line_field(60, required=False, allow_blank=True, default="")
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, default=Gender.UNKNOWN)
    age = line_field(20, required=False, allow_blank=True, default="")
    appearance = text_field(2000)
    last_seen_place = line_field(200)
    last_seen_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class BroadcastInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=BroadcastChannel.choices)
    text = text_field(1000)
    broadcast_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class FoundInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=PersonOutcome.choices)
    handed_to = line_field(60, required=False, allow_blank=True, default="")
    found_place = line_field(200, required=False, allow_blank=True, default="")
    found_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    note = text_field(2000, required=False, allow_blank=True, default="")
