from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "kefu.suggestions"
    label = "suggestions"
    verbose_name = _("Suggestions and inquiries")

    def ready(self):
        from kefu.core import hooks
        from kefu.core.scheduler import register_job

        from . import demo, panels, receivers

        hooks.register(hooks.WORK_ORDER_RESOLVING, receivers.refuse_unfinished_suggestion)
        hooks.register(hooks.WORK_ORDER_CLOSING, receivers.refuse_unfinished_suggestion)
        hooks.register(hooks.DEMO_DATA_LOADED, demo.load_demo_suggestions)
        register_job("suggestion_plan_reminders", 3600, "kefu.suggestions.tasks.remind_overdue_plans")
        panels.register()
