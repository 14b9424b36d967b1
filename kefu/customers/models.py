from __future__ import annotations

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
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-id"]
        indexes = [models.Index(fields=["site", "name"], name="customer_site_name")]
        constraints = [models.CheckConstraint(condition=~models.Q(name=""), name="customer_name_not_empty")]

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
