"""Web pages of the complaints app, mounted at /complaints/ (namespace "complaints")."""

app_name = "complaints"
urlpatterns: list = []
