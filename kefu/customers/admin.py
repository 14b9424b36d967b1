"""Admin for customer reference data (tags) and the read-only customer history.

Customer archives themselves are not edited here: their phone numbers would be shown unmasked
without the reveal being logged, and every change must write a customer event through a service.
"""

from __future__ import annotations

from django.contrib import admin

from kefu.core.admin import EventAdmin, SiteScopedAdmin

from .models import CustomerDataAccess, CustomerEvent, CustomerTag


@admin.register(CustomerTag)
class CustomerTagAdmin(SiteScopedAdmin):
    list_display = ["name", "site"]
    list_filter = ["site"]
    list_select_related = ["site"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # Removing a tag in use would change customer archives without a customer event.
        if obj is not None and obj.customers.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CustomerEvent)
class CustomerEventAdmin(EventAdmin, SiteScopedAdmin):
    site_lookup = "customer__site"
    list_display = ["created_at", "event_type", "customer", "actor", "note"]
    list_select_related = ["actor", "customer"]
    search_fields = ["customer__name"]


@admin.register(CustomerDataAccess)
class CustomerDataAccessAdmin(EventAdmin, SiteScopedAdmin):
    """Who saw which unmasked number, when and why (the reason is the note)."""

    site_lookup = "customer__site"
    list_display = ["created_at", "actor", "customer", "phone", "note"]
    list_select_related = ["actor", "customer", "phone"]
    search_fields = ["customer__name", "actor__username", "actor__display_name"]
