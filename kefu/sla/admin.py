"""Read-only admin for deadline configuration and history.

Policies are edited on the deadline settings pages, which go through save_sla_policy so every change is a new
version with its snapshot event; an admin form would write the rows directly and skip that record.
"""

from __future__ import annotations

from django.contrib import admin

from kefu.core.admin import EventAdmin, ReadOnlyAdmin

from .models import CallRecord, Escalation, HolidayYear, SiteCalendar, SlaConfigEvent, SlaEvent, SlaPolicy, SlaTarget


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    fields = ["metric", "minutes", "business_time", "pause_statuses"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = ["position", "name", "is_active", "site", "type", "channel", "priority", "tier", "version"]
    list_display_links = ["name"]
    list_select_related = ["site"]
    inlines = [SlaTargetInline]


@admin.register(SlaConfigEvent)
class SlaConfigEventAdmin(EventAdmin):
    list_display = ["created_at", "event_type", "policy", "version", "site", "actor", "note"]
    list_select_related = ["actor", "policy", "site"]


@admin.register(SlaEvent)
class SlaEventAdmin(EventAdmin):
    list_display = ["created_at", "event_type", "work_order", "metric", "actor"]
    list_select_related = ["actor", "work_order"]
    raw_id_fields = ["work_order"]


@admin.register(SiteCalendar)
class SiteCalendarAdmin(ReadOnlyAdmin):
    list_display = ["site", "around_the_clock", "observes_public_holidays", "max_rings", "updated_at"]
    list_select_related = ["site"]


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "imported_by", "imported_at", "source_note"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "work_order", "level", "automatic", "skipped_level", "created_by"]
    list_select_related = ["work_order", "created_by"]
    raw_id_fields = ["work_order"]


@admin.register(CallRecord)
class CallRecordAdmin(ReadOnlyAdmin):
    list_display = ["answered_at", "site", "agent", "rings", "max_rings", "answered_late", "apology_made"]
    list_select_related = ["site", "agent"]
