from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "kefu.aftersales"
    label = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from kefu.accounts.models import Role
        from kefu.accounts.permissions import Capability, has_capability
        from kefu.core import extensions, hooks

        from . import demo, panels, receivers

        hooks.register(hooks.WORK_ORDER_RESOLVING, receivers.refuse_unfinished_resolve)
        hooks.register(hooks.DEMO_DATA_LOADED, demo.load)
        extensions.register_nav(
            "aftersales",
            extensions.NavItem(
                _("After-sales"),
                "aftersales:intake",
                visible=lambda user: has_capability(user, Capability.CREATE_WORK_ORDER),
                namespace="aftersales",
                order=40,
            ),
        )
        extensions.register_nav(
            "aftersales_shop",
            extensions.NavItem(
                _("Returns to confirm"),
                "aftersales:pending_returns",
                visible=lambda user: getattr(user, "role", None) == Role.SHOP,
                namespace="aftersales",
                order=41,
            ),
        )
        extensions.register_order_panel(
            "aftersales", template="aftersales/_panel.html", context=panels.order_panel, types={"after_sales"}
        )
        extensions.register_nav(
            "aftersales_rules",
            extensions.NavItem(
                _("Warranty rules"),
                "aftersales:rules",
                visible=lambda user: has_capability(user, Capability.MANAGE_WARRANTY_RULES),
                namespace="aftersales",
                order=42,
            ),
        )
