from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "kefu.repairs"
    label = "repairs"
    verbose_name = _("Repairs")
