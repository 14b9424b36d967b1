"""Deadline pages, included by kefu.web_urls under /sla/ with the "sla" namespace (URL names are a contract)."""

from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("work-orders/<int:pk>/promise/", views.promise, name="promise"),
    path("work-orders/<int:pk>/defer/", views.defer, name="defer"),
    path("work-orders/<int:pk>/escalate/", views.escalate, name="escalate"),
    path("work-orders/<int:pk>/<slug:name>/form/", views.order_form, name="order_form"),
    path("report/", views.report, name="report"),
    path("settings/hours/", views.hours, name="hours"),
    path("settings/hours/<int:site_id>/", views.hours_edit, name="hours_edit"),
    path("settings/overrides/", views.overrides, name="overrides"),
    path("settings/holidays/", views.holidays, name="holidays"),
    path("settings/policies/", views.policies, name="policies"),
    path("settings/policies/new/", views.policy_edit, name="policy_new"),
    path("settings/policies/<int:pk>/", views.policy_edit, name="policy"),
]
