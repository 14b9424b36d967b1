"""REST endpoints of the repairs app, mounted at /api/v1/repairs/."""

urlpatterns: list = []
