"""Web pages of the suggestions app, mounted at /suggestions/ (namespace "suggestions")."""

from django.urls import path

from . import views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_new, name="new"),
    path("statistics/", views.statistics, name="statistics"),
    path("categories/", views.category_add, name="category_add"),
    path("<int:pk>/step/<str:step>/", views.step, name="step"),
    path("orders/<int:order_pk>/details/", views.details, name="details"),
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/new/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:order_pk>/reveal-contact/", views.inquiry_reveal_contact, name="inquiry_reveal_contact"),
    path("inquiries/<int:order_pk>/<str:action>/", views.inquiry_action, name="inquiry_action"),
]
