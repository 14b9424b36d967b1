from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "kefu.repairs"
    label = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        from kefu.accounts.models import Role
        from kefu.accounts.permissions import Capability, has_capability
        from kefu.core import extensions, hooks

        from . import demo, guards, panels

        hooks.register(hooks.WORK_ORDER_RESOLVING, guards.refuse_resolving_unfinished_repair)
        hooks.register(hooks.WORK_ORDER_REOPENED, guards.reset_field_work_on_reopen)
        hooks.register(hooks.DEMO_DATA_LOADED, demo.load_demo_repairs)
        extensions.register_nav(
            "repairs_intake",
            extensions.NavItem(
                _("Repair intake"),
                "repairs:intake",
                visible=lambda user: has_capability(user, Capability.CREATE_WORK_ORDER),
                namespace="repairs",
                order=30,
            ),
        )
        extensions.register_nav(
            "repairs_mine",
            extensions.NavItem(
                _("My repairs"),
                "repairs:mine",
                visible=lambda user: getattr(user, "role", None) == Role.TECHNICIAN,
                namespace="repairs",
                order=31,
            ),
        )
        extensions.register_order_panel(
            "repair_sheet", template="repairs/_panel.html", context=panels.order_panel, types={"repair"}, order=10
        )
