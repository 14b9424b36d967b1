from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent / front desk")
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Manager")
    TECHNICIAN = "technician", _("Technician / department staff")
    FINANCE = "finance", _("Finance")
    # A shop's or merchant's responsible person (商户负责人/店长): sees only what is sent to the shop.
    SHOP = "shop", _("Shop / merchant staff")
    ADMIN = "admin", _("Administrator")


class SiteKind(models.TextChoices):
    MALL = "mall", _("Shopping mall")
    PROPERTY = "property", _("Property project")
    ONLINE = "online", _("Online shop")
    SUPERMARKET = "supermarket", _("Supermarket")
    OTHER = "other", _("Other")


class Site(models.Model):
    """A store or project (门店·项目): the unit every record and every query is scoped to."""

    code = models.CharField(_("code"), max_length=8, unique=True, help_text=_("Prefix of work-order numbers, e.g. GD"))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices, default=SiteKind.MALL)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_phone = models.CharField(_("service phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(code=""), name="site_code_not_empty"),
        ]

    def __str__(self):
        return self.name


class Department(models.Model):
    """A department of a site (客服中心, 工程部, 财务部, 保安部 …) that work orders can be sent to."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="departments", verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=60)
    is_service_center = models.BooleanField(_("is the service center"), default=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["site_id", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="department_unique_name_per_site")]

    def __str__(self):
        return self.name


class Shop(models.Model):
    """A shop or merchant (商户) inside a site."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="shops", verbose_name=_("site"))
    number = models.CharField(_("shop number"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    floor = models.CharField(_("floor"), max_length=20, blank=True)
    area = models.CharField(_("area"), max_length=60, blank=True)
    principal = models.CharField(_("merchant principal"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("shop / merchant")
        verbose_name_plural = _("shops / merchants")
        ordering = ["site_id", "number"]
        constraints = [models.UniqueConstraint(fields=["site", "number"], name="shop_unique_number_per_site")]

    def __str__(self):
        return f"{self.number} {self.name}"


class StaffManager(UserManager):
    pass


class User(AbstractUser):
    """A staff member. Every member belongs to one or more sites and sees nothing outside them."""

    display_name = models.CharField(_("name"), max_length=60, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    # Never shown to agents or customers: the desk dials on the colleague's behalf (代以拨打).
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    extension = models.CharField(_("office extension"), max_length=16, blank=True)
    sites = models.ManyToManyField(Site, related_name="staff", blank=True, verbose_name=_("sites"))
    departments = models.ManyToManyField(Department, related_name="members", blank=True, verbose_name=_("departments"))
    # Set for Role.SHOP: the one shop whose coordination tasks and confirmations this user handles.
    shop = models.ForeignKey(
        Shop, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("shop / merchant")
    )
    is_system = models.BooleanField(_("system actor"), default=False, editable=False)

    objects = StaffManager()

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @property
    def name(self) -> str:
        return self.display_name or self.username
