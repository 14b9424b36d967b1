"""Lost & found (失物招领) and lost persons (顾客走失): found items with their custody chain, claims, disposals,
lost-person reports with their broadcasts, and one append-only event table for all of it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kefu.accounts.models import Site
from kefu.core.history import AppendOnlyRecord, Event
from kefu.core.phones import mask_phone, parse_phone
from kefu.tickets.models import WorkOrder

DEFAULT_UNCLAIMED_DAYS = 30


class ItemCategory(models.TextChoices):
    DOCUMENTS = "documents", _("Documents and cards")
    WALLET = "wallet", _("Wallet and cash")
    ELECTRONICS = "electronics", _("Phone and electronics")
    KEYS = "keys", _("Keys")
    BAG = "bag", _("Bags and luggage")
    CLOTHING = "clothing", _("Clothing and umbrellas")
    JEWELLERY = "jewellery", _("Jewellery and watches")
    CHILDREN = "children", _("Children's items")
    OTHER = "other", _("Other")


class ItemStatus(models.TextChoices):
    IN_CUSTODY = "in_custody", _("In custody")
    FLAGGED = "flagged", _("Due for disposal")
    CLAIMED = "claimed", _("Claimed")
    DISPOSED = "disposed", _("Disposed of")


CLAIMABLE = frozenset({ItemStatus.IN_CUSTODY, ItemStatus.FLAGGED})


class Decision(models.TextChoices):
    POLICE = "police", _("Hand to the police")
    DONATE = "donate", _("Donate")
    DESTROY = "destroy", _("Destroy")
    KEEP = "keep", _("Keep in custody")


# Decisions that give the item away to a named recipient (a police station, a charity).
DECISIONS_WITH_RECIPIENT = frozenset({Decision.POLICE, Decision.DONATE})


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Mainland travel permit for Hong Kong and Macao residents")
    TAIWAN = "taiwan", _("Mainland travel permit for Taiwan residents")
    DRIVING_LICENCE = "driving_licence", _("Driving licence")
    OTHER = "other", _("Other document")


class BroadcastChannel(models.TextChoices):
    PUBLIC_ADDRESS = "pa", _("Public address (广播)")
    RADIO = "radio", _("Two-way radio (对讲)")
    STAFF_GROUP = "staff_group", _("Staff chat group")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")
    UNKNOWN = "unknown", _("Unknown")


class PersonOutcome(models.TextChoices):
    FOUND = "found", _("Found and reunited")
    HANDED_TO_GUARDIAN = "guardian", _("Handed to the guardian")
    HANDED_TO_POLICE = "police", _("Handed to the police")


class LostFoundPolicy(models.Model):
    """Per-site settings: after how many days an unclaimed item is flagged for disposal."""

    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="lostfound_policy", verbose_name=_("site"))
    unclaimed_days = models.PositiveSmallIntegerField(_("days until disposal"), default=DEFAULT_UNCLAIMED_DAYS)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("lost & found policy")
        verbose_name_plural = _("lost & found policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(unclaimed_days__gte=1, unclaimed_days__lte=3650), name="lf_policy_days_range"
            )
        ]


class FoundItem(models.Model):
    """An item found on the premises (拾获物品), from registration until it is claimed or disposed of."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="found_items", verbose_name=_("site"))
    number = models.CharField(_("number"), max_length=32, unique=True)
    what = models.CharField(_("item"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=ItemCategory.choices)
    description = models.TextField(_("description"), blank=True)
    found_place = models.CharField(_("found at (place)"), max_length=200)
    found_at = models.DateTimeField(_("found at (time)"))
    finder_name = models.CharField(_("finder"), max_length=60)
    finder_contact = models.CharField(_("finder's contact"), max_length=40, blank=True)
    storage_place = models.CharField(_("storage place"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.IN_CUSTODY)
    # Who holds the item now: the end of the custody chain, kept here so a handover can be checked against it.
    current_holder = models.CharField(_("current holder"), max_length=100)
    disposal_due_at = models.DateTimeField(_("disposal due at"))
    flagged_at = models.DateTimeField(_("flagged for disposal at"), null=True, blank=True)
    # The customer's loss report (work order of type lost & found) this item was matched to.
    work_order = models.ForeignKey(
        WorkOrder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="found_items",
        verbose_name=_("loss report"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    # what + description + places + number, lower-cased: the substring search reads this one column.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("found item")
        verbose_name_plural = _("found items")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["site", "status", "id"], name="lf_item_site_status"),
            models.Index(fields=["status", "disposal_due_at"], name="lf_item_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(what=""), name="lf_item_what_not_empty"),
            models.CheckConstraint(condition=~Q(finder_name=""), name="lf_item_finder_not_empty"),
            models.CheckConstraint(condition=~Q(current_holder=""), name="lf_item_holder_not_empty"),
            models.CheckConstraint(
                condition=Q(flagged_at__isnull=True) | ~Q(status="in_custody"), name="lf_item_flag_matches_status"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.what}"

    @property
    def finder_contact_masked(self) -> str:
        return mask_contact(self.finder_contact)

    @property
    def is_open(self) -> bool:
        return self.status in CLAIMABLE


def mask_contact(value: str) -> str:
    """A phone number keeps its first three and last four digits; any other contact keeps its first character."""
    value = (value or "").strip()
    phone = parse_phone(value)
    if phone is not None:
        return mask_phone(phone.national)
    return value[:1] + "*" * (len(value) - 1) if value else ""


class CustodyHandover(AppendOnlyRecord):
    """One change of hands (交接): from, to, when, where. Sequence 1 is finder → first receiver.

    Rows are only ever added; the service checks that each starts from the item's current holder."""

    item = models.ForeignKey(FoundItem, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("item"))
    sequence = models.PositiveSmallIntegerField(_("step"))
    from_holder = models.CharField(_("from"), max_length=100)
    to_holder = models.CharField(_("to"), max_length=100)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed over at"))
    place = models.CharField(_("place"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("custody handover")
        verbose_name_plural = _("custody handovers")
        ordering = ["item_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sequence"], name="lf_handover_unique_step"),
            models.CheckConstraint(condition=~Q(from_holder=models.F("to_holder")), name="lf_handover_changes_hands"),
            models.CheckConstraint(condition=~Q(to_holder=""), name="lf_handover_to_not_empty"),
            models.CheckConstraint(condition=~Q(place=""), name="lf_handover_place_not_empty"),
        ]


def photo_path(instance, filename):
    # An opaque name outside MEDIA_URL: only the permission-checked view serves it.
    return f"lostfound/photos/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


def signature_path(instance, filename):
    return f"lostfound/signatures/{timezone.now():%Y/%m}/{instance.signature_token}.png"


class FoundItemPhoto(models.Model):
    item = models.ForeignKey(FoundItem, on_delete=models.PROTECT, related_name="photos", verbose_name=_("item"))
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    file = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]


class Claim(AppendOnlyRecord):
    """The owner's claim (认领): identity checked against a document, only a masked number kept, signed."""

    item = models.OneToOneField(FoundItem, on_delete=models.PROTECT, related_name="claim", verbose_name=_("item"))
    claimant_name = models.CharField(_("claimant"), max_length=60)
    claimant_phone = models.CharField(_("claimant's phone"), max_length=20, blank=True)
    id_type = models.CharField(_("identity document"), max_length=20, choices=IdType.choices)
    # Never the full number: the last four characters behind asterisks (e.g. **************123X).
    id_number_masked = models.CharField(_("document number (masked)"), max_length=40)
    proof = models.TextField(_("how the claimant described the item"), blank=True)
    signature_name = models.CharField(_("signed name"), max_length=60)
    signature_token = models.CharField(max_length=32, blank=True, editable=False)
    signature_image = models.FileField(_("signature"), upload_to=signature_path, max_length=200, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("identity checked by")
    )
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.CheckConstraint(condition=Q(id_number_masked__contains="*"), name="lf_claim_id_number_masked"),
            models.CheckConstraint(condition=~Q(signature_name=""), name="lf_claim_signed"),
            models.CheckConstraint(condition=~Q(claimant_name=""), name="lf_claim_claimant_not_empty"),
        ]

    @property
    def claimant_phone_masked(self) -> str:
        return mask_contact(self.claimant_phone)


class DisposalRecord(AppendOnlyRecord):
    """A decision on an item left unclaimed past the site's deadline (上交公安, 捐赠, 销毁, 继续保管)."""

    item = models.ForeignKey(FoundItem, on_delete=models.PROTECT, related_name="disposals", verbose_name=_("item"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    recipient = models.CharField(pgettext_lazy("disposal", "recipient"), max_length=100, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("disposal decision")
        verbose_name_plural = _("disposal decisions")
        ordering = ["decided_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="lf_disposal_reason_not_empty")]


class LostPersonReport(models.Model):
    """A lost child or person (顾客走失): an urgent work order of type lost & found with these details."""

    work_order = models.OneToOneField(
        WorkOrder, on_delete=models.PROTECT, related_name="lost_person", verbose_name=_("work order")
    )
    person_name = models.CharField(_("name of the missing person"), max_length=60, blank=True)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, default=Gender.UNKNOWN)
    age = models.CharField(_("age"), max_length=20, blank=True)
    appearance = models.TextField(_("appearance and clothing"))
    last_seen_place = models.CharField(_("last seen at (place)"), max_length=200)
    last_seen_at = models.DateTimeField(_("last seen at (time)"))
    companion_relation = models.CharField(_("reporter's relation"), max_length=40, blank=True)
    found_at = models.DateTimeField(_("found at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=PersonOutcome.choices, blank=True)
    handed_to = models.CharField(_("handed to"), max_length=60, blank=True)
    found_place = models.CharField(_("found at (place)"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("lost-person report")
        verbose_name_plural = _("lost-person reports")
        constraints = [
            models.CheckConstraint(condition=~Q(appearance=""), name="lf_person_appearance_not_empty"),
            models.CheckConstraint(
                condition=(Q(found_at__isnull=True) & Q(outcome="")) | (Q(found_at__isnull=False) & ~Q(outcome="")),
                name="lf_person_outcome_with_time",
            ),
        ]


class Broadcast(AppendOnlyRecord):
    """One search broadcast for a lost person: when, what was said, by whom, on which channel."""

    report = models.ForeignKey(
        LostPersonReport, on_delete=models.PROTECT, related_name="broadcasts", verbose_name=_("report")
    )
    broadcast_at = models.DateTimeField(_("broadcast at"))
    channel = models.CharField(_("channel"), max_length=12, choices=BroadcastChannel.choices)
    text = models.TextField(_("text"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("broadcast")
        verbose_name_plural = _("broadcasts")
        ordering = ["broadcast_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="lf_broadcast_text_not_empty")]


class LostFoundEvent(Event):
    """Append-only history of found items, lost-person reports and the site policy (one row per step)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    item = models.ForeignKey(
        FoundItem, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("item")
    )
    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("work order")
    )

    class Meta(Event.Meta):
        verbose_name = _("lost & found event")
        verbose_name_plural = _("lost & found events")
        indexes = [
            models.Index(fields=["item", "created_at", "id"], name="lf_event_item"),
            models.Index(fields=["work_order", "created_at", "id"], name="lf_event_order"),
        ]
