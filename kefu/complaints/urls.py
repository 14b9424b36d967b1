"""Web pages of the complaints app, mounted at /complaints/ (namespace "complaints")."""

from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("new/", views.intake, name="new"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("files/<id:pk>/", views.task_file, name="task_file"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("settings/", views.complaint_settings, name="settings"),
    path("<id:pk>/notice/", views.notice, name="notice"),
    path("<id:pk>/<slug:action>/", views.act, name="act"),
    path("proposals/<id:pk>/<slug:action>/", views.proposal_act, name="proposal_act"),
]
