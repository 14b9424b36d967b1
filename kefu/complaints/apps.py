from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from kefu.accounts.models import Role
        from kefu.accounts.permissions import Capability, has_capability
        from kefu.core.extensions import NavItem, register_nav, register_order_panel

        from . import panels, receivers

        receivers.register()
        register_nav(
            "complaints_new",
            NavItem(
                _("Complaint intake"),
                "complaints:new",
                visible=lambda user: has_capability(user, Capability.CREATE_WORK_ORDER),
                namespace="",
                order=20,
            ),
        )
        register_nav(
            "complaints_tasks",
            NavItem(
                _("My coordination tasks"),
                "complaints:tasks",
                visible=lambda user: user.role in (Role.SHOP, Role.TECHNICIAN),
                namespace="complaints",
                order=21,
            ),
        )
        register_nav(
            "complaints_ledger",
            NavItem(
                _("Complaint ledger"),
                "complaints:ledger",
                visible=lambda user: has_capability(user, Capability.VIEW_COMPLAINT_LEDGER),
                namespace="",
                order=22,
            ),
        )
        register_order_panel(
            "complaint", template="complaints/_panel.html", context=panels.order_panel, types={"complaint"}, order=10
        )
