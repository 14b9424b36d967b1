"""Web pages of the suggestions app, mounted at /suggestions/ (namespace "suggestions")."""

app_name = "suggestions"
urlpatterns: list = []
