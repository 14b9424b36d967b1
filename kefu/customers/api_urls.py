"""REST endpoints of the archive's second cut, mounted at /api/v1/customers/ beside the routes in kefu/api_urls.py."""

from django.urls import path

from . import archive_api as api

urlpatterns = [
    path("<id:pk>/credit/", api.CreditView.as_view(), name="api-customer-credit"),
    path("<id:pk>/contacts/", api.ContactListView.as_view(), name="api-customer-contacts"),
    path("contacts/<id:pk>/", api.ContactDetailView.as_view(), name="api-customer-contact"),
    path("contacts/<id:pk>/reveal/", api.ContactRevealView.as_view(), name="api-contact-reveal"),
    path("<id:pk>/documents/", api.DocumentListView.as_view(), name="api-customer-documents"),
    path("documents/<id:pk>/download/", api.DocumentDownloadView.as_view(), name="api-customer-document-download"),
    path("export/", api.ExportView.as_view(), name="api-customer-export"),
]
