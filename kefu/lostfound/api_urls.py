"""REST endpoints of the lostfound app, mounted at /api/v1/lostfound/."""

from django.urls import path

from . import api

urlpatterns = [
    path("items/", api.ItemListView.as_view(), name="api-lostfound-items"),
    path("items/<id:pk>/", api.ItemDetailView.as_view(), name="api-lostfound-item"),
    path("items/<id:pk>/handover/", api.HandoverView.as_view(), name="api-lostfound-handover"),
    path("items/<id:pk>/claim/", api.ClaimView.as_view(), name="api-lostfound-claim"),
    path("items/<id:pk>/dispose/", api.DisposeView.as_view(), name="api-lostfound-dispose"),
    path("items/<id:pk>/link/", api.LinkView.as_view(), name="api-lostfound-link"),
    path("items/<id:pk>/reveal-finder/", api.RevealView.as_view(), name="api-lostfound-reveal"),
    path("items/<id:pk>/photos/", api.PhotoUploadView.as_view(), name="api-lostfound-photos"),
    path("photos/<id:pk>/", api.PhotoDownloadView.as_view(), name="api-lostfound-photo"),
    path("policies/", api.PolicyView.as_view(), name="api-lostfound-policy"),
    path("lost-persons/", api.LostPersonListView.as_view(), name="api-lostfound-lost-persons"),
    path("lost-persons/<id:pk>/", api.LostPersonDetailView.as_view(), name="api-lostfound-lost-person"),
    path("lost-persons/<id:pk>/broadcasts/", api.BroadcastView.as_view(), name="api-lostfound-broadcasts"),
    path("lost-persons/<id:pk>/found/", api.FoundView.as_view(), name="api-lostfound-found"),
]
