"""Admin for reference data: sites, shops, departments and staff."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from kefu.core.admin import SiteScopedAdmin

from .models import Department, Shop, Site, User


@admin.register(Site)
class SiteAdmin(SiteScopedAdmin):
    site_lookup = "pk"
    list_display = ["code", "name", "kind", "time_zone", "service_phone", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name", "address"]

    def has_delete_permission(self, request, obj=None):
        # Every record of the site points at it: a site is closed (inactive), never deleted.
        return False

    def get_readonly_fields(self, request, obj=None):
        # The code is the prefix of issued work-order numbers; changing it would break the sequence.
        return ["code"] if obj else []


@admin.register(Department)
class DepartmentAdmin(SiteScopedAdmin):
    list_display = ["name", "site", "is_service_center"]
    list_filter = ["site", "is_service_center"]
    list_select_related = ["site"]
    search_fields = ["name", "site__name"]


@admin.register(Shop)
class ShopAdmin(SiteScopedAdmin):
    list_display = ["number", "name", "site", "floor", "area", "principal", "is_active"]
    list_filter = ["site", "is_active", "floor"]
    list_select_related = ["site"]
    search_fields = ["number", "name", "principal"]

    def has_delete_permission(self, request, obj=None):
        # Work orders name the shop; a merchant that leaves is made inactive.
        return False


@admin.register(User)
class StaffAdmin(UserAdmin):
    """Staff accounts. Only administrators use the admin, so the staff phone is shown here."""

    list_display = ["username", "display_name", "role", "site_list", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser", "sites", "departments"]
    search_fields = ["username", "display_name", "email", "phone", "extension"]
    ordering = ["username"]
    filter_horizontal = ["sites", "departments", "groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Staff member"), {"fields": ["display_name", "role", "email", "phone", "extension"]}),
        (_("Sites and departments"), {"fields": ["sites", "departments"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "password1", "password2", "display_name", "role", "sites", "departments"],
            },
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        # The system actor only signs automatic events; it is not an account anyone manages.
        qs = super().get_queryset(request).filter(is_system=False).prefetch_related("sites")
        if request.user.is_superuser:
            return qs
        return qs.filter(sites__in=request.user.sites.all()).distinct()

    def has_delete_permission(self, request, obj=None):
        # History names its actors: people who leave are deactivated, their events stay readable.
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # A site administrator manages colleagues but cannot make anyone (or themself) a superuser.
            fields += ["is_superuser", "user_permissions"]
        return fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "sites" and not request.user.is_superuser:
            kwargs["queryset"] = request.user.sites.all()
        elif db_field.name == "departments":
            departments = Department.objects.select_related("site")
            if not request.user.is_superuser:
                departments = departments.filter(site__in=request.user.sites.all())
            kwargs["queryset"] = departments
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "departments" and field is not None:
            # Every site has its own 工程部: name the site so the right one is picked.
            field.label_from_instance = lambda department: f"{department.site} · {department.name}"
        return field

    @admin.display(description=_("sites"))
    def site_list(self, obj):
        return "、".join(site.name for site in obj.sites.all())
