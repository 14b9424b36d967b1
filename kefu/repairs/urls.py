"""Web pages of the repairs app, mounted at /repairs/ (namespace "repairs")."""

from django.urls import path

from . import views

app_name = "repairs"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.intake, name="intake"),
    path("<int:pk>/", views.work, name="work"),
    path("<int:pk>/parts/<int:part_id>/remove/", views.remove_part, name="remove_part"),
    path("<int:pk>/<slug:name>/", views.step, name="step"),
]
