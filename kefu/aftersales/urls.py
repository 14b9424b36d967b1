"""Web pages of the aftersales app, mounted at /aftersales/ (namespace "aftersales")."""

from django.urls import path

from . import views

app_name = "aftersales"
urlpatterns = [
    path("new/", views.intake, name="intake"),
    path("cases/<int:pk>/<slug:name>/", views.step, name="step"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/", views.rules, name="rule_edit"),
    path("returns/pending/", views.pending_returns, name="pending_returns"),
    path("returns/<int:pk>/confirm/", views.confirm_return, name="confirm_return"),
]
