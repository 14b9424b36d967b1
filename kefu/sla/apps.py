from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "kefu.sla"
    label = "sla"
    verbose_name = _("Deadlines and escalation")

    def ready(self):
        # The SLA clock listens to work-order facts through the explicit hook registry (tickets never imports sla).
        from . import receivers

        receivers.register()
        from kefu.core.scheduler import register_job

        register_job("sla_scan", 30, "kefu.sla.tasks.scan_deadlines")
