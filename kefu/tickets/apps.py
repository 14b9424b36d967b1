from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = _("Work orders")

    def ready(self):
        from kefu.core.scheduler import register_job

        register_job("attachment_sweep", 3600, "kefu.tickets.tasks.sweep_orphan_attachments")
