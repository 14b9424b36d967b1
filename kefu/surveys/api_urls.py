"""REST endpoints of the surveys app, mounted at /api/v1/surveys/."""

urlpatterns: list = []
