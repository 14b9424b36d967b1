"""REST endpoints of the repairs app, mounted at /api/v1/repairs/ (ids are the work order's)."""

from django.urls import path

from . import api

urlpatterns = [
    path("", api.RepairListView.as_view()),
    path("handover/", api.HandoverView.as_view()),
    path("<id:pk>/", api.RepairDetailView.as_view()),
    path("<id:pk>/accept/", api.AcceptView.as_view()),
    path("<id:pk>/arrive/", api.ArriveView.as_view()),
    path("<id:pk>/work/", api.WorkView.as_view()),
    path("<id:pk>/fee/", api.FeeView.as_view()),
    path("<id:pk>/complete/", api.CompleteView.as_view()),
    path("<id:pk>/confirm/", api.ConfirmView.as_view()),
    path("<id:pk>/parts/", api.PartListView.as_view()),
    path("<id:pk>/parts/<id:part_id>/", api.PartDetailView.as_view()),
    path("<id:pk>/photos/", api.PhotoView.as_view()),
]
