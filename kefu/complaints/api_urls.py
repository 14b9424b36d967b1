"""REST endpoints of the complaints app, mounted at /api/v1/complaints/."""

urlpatterns: list = []
