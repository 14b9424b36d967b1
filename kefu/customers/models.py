from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kefu.accounts.models import Site
from kefu.core.history import Event
from kefu.core.phones import LANDLINE, MOBILE, mask_phone


class CustomerKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")


class Tier(models.TextChoices):
    A = "A", _("Tier A")
    B = "B", _("Tier B")
    C = "C", _("Tier C")


class CreditRating(models.TextChoices):
    # 信用等级 (CRM-04): the assessor's judgement, always with a reason; the history lives in CustomerEvent.
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class DocumentType(models.TextChoices):
    # 法人资质资料 (CRM-03)
    BUSINESS_LICENCE = "business_licence", _("Business licence")
    TAX_REGISTRATION = "tax_registration", _("Tax registration")
    OTHER_QUALIFICATION = "other_qualification", _("Other qualification document")


class CustomerTag(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="customer_tags", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=30)

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="customer_tag_unique_per_site")]

    def __str__(self):
        return self.name


class Customer(models.Model):
    """The customer archive (客户档案): one per customer and site, linked to every contact."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="customers", verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=12, choices=CustomerKind.choices, default=CustomerKind.INDIVIDUAL)
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default=Tier.C)
    tags = models.ManyToManyField(CustomerTag, blank=True, related_name="customers", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    # 重点客户: set by rules of higher apps (e.g. repeat complainants); shown on the archive and on new orders.
    is_key_customer = models.BooleanField(_("key customer"), default=False)
    key_customer_reason = models.CharField(_("key-customer reason"), max_length=200, blank=True)
    credit_rating = models.CharField(
        _("credit rating"), max_length=8, choices=CreditRating.choices, blank=True, default="", db_default=""
    )
    credit_reason = models.CharField(_("credit rating reason"), max_length=200, blank=True, default="", db_default="")
    credit_rated_at = models.DateTimeField(_("credit rated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [models.Index(fields=["site", "name"], name="customer_site_name")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name=""), name="customer_name_not_empty"),
            # The target of composite foreign keys (customer, site): a row naming a customer names its site too.
            models.UniqueConstraint(fields=["id", "site"], name="customer_id_site"),
        ]

    def __str__(self):
        return self.name


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones", verbose_name=_("customer"))
    # Denormalised site so the lookup-while-typing is one index range scan per site.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", verbose_name=_("site"))
    national = models.CharField(_("number"), max_length=20)
    e164 = models.CharField(_("international form"), max_length=20)
    kind = models.CharField(
        _("kind"), max_length=10, choices=[(MOBILE, _("Mobile")), (LANDLINE, _("Landline"))], default=MOBILE
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("customer phone")
        verbose_name_plural = _("customer phones")
        ordering = ["-is_primary", "id"]
        indexes = [models.Index(fields=["site", "national"], name="customer_phone_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["customer", "national"], name="customer_phone_unique_per_customer")
        ]

    def __str__(self):
        return self.masked

    @property
    def masked(self) -> str:
        return mask_phone(self.national)


class CustomerEvent(Event):
    """Append-only history of a customer archive (created, changed, phone added …)."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="events", verbose_name=_("customer"))

    class Meta(Event.Meta):
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")


class CustomerDataAccess(Event):
    """Access log of unmasked personal data: who saw which number, when and why."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer"))
    phone = models.ForeignKey(CustomerPhone, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta(Event.Meta):
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")


class EnterpriseContact(models.Model):
    """A contact person of an enterprise customer (联系人): name, title, phone (shown masked), address."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)
    phone = models.CharField(_("number"), max_length=20)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise contact")
        verbose_name_plural = _("enterprise contacts")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="enterprise_contact_name_not_empty")]

    def __str__(self):
        return self.name

    @property
    def masked(self) -> str:
        return mask_phone(self.phone)


def document_path(instance, filename):
    # Opaque stored name; the original name is kept in the row only.
    return f"customer-documents/{timezone.now():%Y/%m}/{instance.token}{instance.extension}"


class CustomerDocument(models.Model):
    """A qualification document of an enterprise customer, stored outside the database and served by a checked view."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="documents", verbose_name=_("customer")
    )
    doc_type = models.CharField(_("document type"), max_length=24, choices=DocumentType.choices)
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=10, editable=False)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("qualification document")
        verbose_name_plural = _("qualification documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class CustomerExport(Event):
    """Export log of the archive: who exported, when, with which filters, masked or not (CRM-06)."""

    class Meta(Event.Meta):
        verbose_name = _("customer export")
        verbose_name_plural = _("customer export log")
