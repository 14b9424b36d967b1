from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kefu.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self):
        from kefu.accounts.permissions import Capability, has_capability
        from kefu.core import extensions, hooks
        from kefu.core.scheduler import register_job

        from . import demo, panels, sending, timeline

        hooks.register(hooks.WORK_ORDER_CLOSED, sending.on_work_order_closed)
        hooks.register(hooks.DEMO_DATA_LOADED, demo.load)
        extensions.register_timeline_source("work_orders", timeline.work_order_entries)
        extensions.register_timeline_source("surveys", timeline.survey_entries)
        extensions.register_nav(
            "surveys",
            extensions.NavItem(
                _("Surveys"),
                "surveys:home",
                visible=lambda user: has_capability(user, Capability.MANAGE_SURVEYS)
                or has_capability(user, Capability.VIEW_SATISFACTION),
                namespace="surveys",
                order=60,
            ),
        )
        extensions.register_order_panel(
            "survey", template="surveys/_order_panel.html", context=panels.order_panel, column="aside", order=80
        )
        extensions.register_customer_panel(
            "satisfaction", template="surveys/_customer_panel.html", context=panels.customer_panel, column="aside"
        )
        register_job("survey_campaigns", 3600, "kefu.surveys.tasks.run_due_campaigns")
