"""REST endpoints of the surveys app, mounted at /api/v1/surveys/."""

from django.urls import path

from . import api

urlpatterns = [
    path("templates/", api.TemplateListView.as_view(), name="api-survey-templates"),
    path("templates/<id:pk>/", api.TemplateDetailView.as_view(), name="api-survey-template"),
    path("closure-rules/", api.ClosureRuleView.as_view(), name="api-survey-closure-rules"),
    path("campaigns/", api.CampaignListView.as_view(), name="api-survey-campaigns"),
    path("campaigns/<id:pk>/run/", api.CampaignRunView.as_view(), name="api-survey-campaign-run"),
    path("responses/", api.ResponseListView.as_view(), name="api-survey-responses"),
    path("responses/<id:pk>/", api.ResponseDetailView.as_view(), name="api-survey-response"),
    path("csat/", api.CsatView.as_view(), name="api-survey-csat"),
]
