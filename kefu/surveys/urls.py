"""Web pages of the surveys app, mounted at /surveys/ (namespace "surveys")."""

app_name = "surveys"
urlpatterns: list = []
