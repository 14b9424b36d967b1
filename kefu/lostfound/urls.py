"""Web pages of the lostfound app, mounted at /lostfound/ (namespace "lostfound")."""

app_name = "lostfound"
urlpatterns: list = []
