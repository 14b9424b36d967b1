from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .scheduler import register_job

        register_job("optimize_database", 6 * 3600, "kefu.core.maintenance.optimize_database")
