"""REST endpoints of the suggestions app, mounted at /api/v1/suggestions/."""

urlpatterns: list = []
