"""Web pages of the followups app, mounted at /followups/ (namespace "followups")."""

from django.urls import path

from . import views

app_name = "followups"
urlpatterns = [
    path("", views.today, name="today"),
    path("overdue/", views.overdue, name="overdue"),
    path("settings/rules/", views.rules, name="rules"),
    path("settings/plans/", views.plans, name="plans"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
]
