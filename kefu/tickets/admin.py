"""Read-only admin for work orders and their history.

Work orders change only through the services (status machine, history event, version check), so
the admin shows them for reference and audits but offers no add, change or delete.
"""

from __future__ import annotations

from django.contrib import admin

from kefu.core.admin import EventAdmin, ReadOnlyAdmin, SiteScopedAdmin

from .models import WorkOrder, WorkOrderEvent


class WorkOrderEventInline(admin.TabularInline):
    model = WorkOrderEvent
    fields = ["created_at", "event_type", "actor", "old", "new", "note"]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin, SiteScopedAdmin):
    list_display = ["number", "subject", "type", "channel", "priority", "status", "site", "department", "created_at"]
    list_filter = ["status", "type", "channel", "priority", "site"]
    list_select_related = ["site", "department"]
    # Exact number, or a word of the subject.
    search_fields = ["=number", "subject"]
    ordering = ["-id"]
    inlines = [WorkOrderEventInline]


@admin.register(WorkOrderEvent)
class WorkOrderEventAdmin(EventAdmin, SiteScopedAdmin):
    site_lookup = "work_order__site"
    list_display = ["created_at", "event_type", "work_order", "actor", "note"]
    list_select_related = ["actor", "work_order"]
    search_fields = ["=work_order__number"]
