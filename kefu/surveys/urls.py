"""Web pages of the surveys app, mounted at /surveys/ (namespace "surveys"). /surveys/s/<token>/ is public."""

from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("responses/<int:pk>/", views.survey, name="survey"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("on-closure/", views.rules, name="rules"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/run/", views.campaign_run, name="campaign_run"),
    path("report/", views.report, name="report"),
    path("s/<str:token>/", views.public, name="public"),
]
