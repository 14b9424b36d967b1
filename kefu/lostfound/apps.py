from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LostfoundConfig(AppConfig):
    name = "kefu.lostfound"
    label = "lostfound"
    verbose_name = _("Lost and found")

    def ready(self):
        from kefu.core import hooks
        from kefu.core.extensions import NavItem, register_nav, register_order_panel
        from kefu.core.scheduler import register_job

        from . import demo, panels, receivers
        from .permissions import can_handle_items

        receivers.register()
        hooks.register(hooks.DEMO_DATA_LOADED, demo.load)
        register_nav(
            "lostfound",
            NavItem(_("Lost and found"), "lostfound:list", visible=can_handle_items, namespace="lostfound", order=60),
        )
        register_order_panel(
            "lostfound", template="lostfound/_order_panel.html", context=panels.order_panel, types={"lost_found"}
        )
        register_job("lostfound_flag_overdue", 3600, "kefu.lostfound.tasks.flag_overdue_items")
