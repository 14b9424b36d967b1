"""Web pages of the followups app, mounted at /followups/ (namespace "followups")."""

app_name = "followups"
urlpatterns: list = []
