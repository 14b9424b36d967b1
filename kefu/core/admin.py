"""Admin plumbing shared by every app: read-only history and site-scoped reference data.

The admin is the administrators' tool for reference data. Business writes (work orders, customer
archives) go through services and their own UI; the admin only shows them.
"""

from __future__ import annotations

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows rows, never writes them: no add, change or delete from the admin."""

    show_full_result_count = False  # a COUNT(*) per page on a million rows costs more than the page

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventAdmin(ReadOnlyAdmin):
    """History rows are append-only (无涂改): database triggers refuse UPDATE and DELETE, and the admin
    offers neither. A correction is a new event written by a service."""

    list_display = ["created_at", "event_type", "actor", "note"]
    list_filter = ["event_type", "created_at"]
    list_select_related = ["actor"]
    ordering = ["-created_at", "-id"]


class SiteScopedAdmin(admin.ModelAdmin):
    """Reference data of a site: an administrator who is not a superuser sees and picks only own sites."""

    site_lookup = "site"  # path from the model to its Site

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.site_lookup}__in": request.user.sites.all()}).distinct()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site" and not request.user.is_superuser:
            kwargs["queryset"] = request.user.sites.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
