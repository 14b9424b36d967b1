"""REST endpoints of the aftersales app, mounted at /api/v1/aftersales/."""

urlpatterns: list = []
