"""REST endpoints of the aftersales app, mounted at /api/v1/aftersales/."""

from django.urls import path

from . import api

urlpatterns = [
    path("rules/", api.RuleListView.as_view(), name="aftersales-rules"),
    path("rules/<id:pk>/", api.RuleDetailView.as_view(), name="aftersales-rule"),
    path("cases/", api.CaseCreateView.as_view(), name="aftersales-cases"),
    path("cases/<id:pk>/", api.CaseDetailView.as_view(), name="aftersales-case"),
    *[path(f"cases/<id:pk>/{name}/", api.step_view(name), name=f"aftersales-case-{name}") for name in api.STEPS],
    path("returns/pending/", api.PendingReturnsView.as_view(), name="aftersales-returns-pending"),
    path("returns/<id:pk>/shop-confirmation/", api.ShopConfirmView.as_view(), name="aftersales-return-confirm"),
]
