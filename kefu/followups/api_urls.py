"""REST endpoints of the followups app, mounted at /api/v1/followups/."""

from django.urls import path

from . import api

urlpatterns = [
    path("today/", api.TodayView.as_view(), name="api-followups-today"),
    path("visits/<id:pk>/", api.FollowUpDetailView.as_view(), name="api-followups-detail"),
    path("visits/<id:pk>/attempts/", api.AttemptView.as_view(), name="api-followups-attempts"),
    path("overdue/", api.OverdueView.as_view(), name="api-followups-overdue"),
    path("revisit-rate/", api.RevisitRateView.as_view(), name="api-followups-revisit-rate"),
    path("plan-completion/", api.PlanCompletionView.as_view(), name="api-followups-plan-completion"),
    path("plans/generate/", api.GenerateView.as_view(), name="api-followups-generate"),
    path("sites/<id:site_id>/rules/", api.RulesView.as_view(), name="api-followups-rules"),
    path("sites/<id:site_id>/rules/<slug:order_type>/", api.RuleView.as_view(), name="api-followups-rule"),
    path("sites/<id:site_id>/tiers/<str:tier>/", api.TierView.as_view(), name="api-followups-tier"),
    path("sites/<id:site_id>/roles/<slug:role>/", api.RoleView.as_view(), name="api-followups-role"),
    path("sites/<id:site_id>/settings/", api.SettingsView.as_view(), name="api-followups-settings"),
]
