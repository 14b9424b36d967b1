"""Web pages of the repairs app, mounted at /repairs/ (namespace "repairs")."""

app_name = "repairs"
urlpatterns: list = []
