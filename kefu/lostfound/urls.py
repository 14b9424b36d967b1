"""Web pages of the lostfound app, mounted at /lostfound/ (namespace "lostfound")."""

from django.urls import path

from . import views

app_name = "lostfound"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("register/", views.register, name="register"),
    path("policy/", views.policy, name="policy"),
    path("items/<int:pk>/", views.detail, name="detail"),
    path("items/<int:pk>/<slug:action>/", views.item_action, name="item_action"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("signatures/<int:pk>/", views.signature, name="signature"),
    path("lost-persons/new/", views.lost_person_new, name="lost_person_new"),
    path("lost-persons/<int:pk>/<slug:action>/", views.lost_person_action, name="lost_person_action"),
    path("loss-reports/<int:pk>/link/", views.link_from_order, name="link_from_order"),
]
