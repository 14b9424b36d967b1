from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "kefu.followups"
    label = "followups"
    verbose_name = _("Follow-up visits and customer care")

    def ready(self):
        from kefu.accounts.permissions import Capability, has_capability
        from kefu.core import extensions
        from kefu.core.scheduler import register_job

        from . import panels, receivers

        receivers.register()
        register_job("follow_up_scan", 300, "kefu.followups.tasks.scan_follow_ups")
        extensions.register_nav(
            "follow_ups_today",
            extensions.NavItem(
                _("Today's follow-ups"),
                "followups:today",
                visible=lambda user: has_capability(user, Capability.PERFORM_FOLLOW_UP),
                namespace="followups",
                order=40,
            ),
        )
        extensions.register_order_panel(
            "follow_ups", template="followups/_order_panel.html", context=panels.order_panel, column="main", order=60
        )
        extensions.register_customer_panel(
            "follow_ups", template="followups/_customer_panel.html", context=panels.customer_panel, order=60
        )
        extensions.register_timeline_source("follow_up", panels.timeline)
        extensions.register_satisfaction_source("follow_up", panels.satisfaction_points)
