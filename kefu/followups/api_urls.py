"""REST endpoints of the followups app, mounted at /api/v1/followups/."""

urlpatterns: list = []
