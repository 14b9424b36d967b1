"""REST endpoints of the lostfound app, mounted at /api/v1/lostfound/."""

urlpatterns: list = []
