"""Web pages of the aftersales app, mounted at /aftersales/ (namespace "aftersales")."""

app_name = "aftersales"
urlpatterns: list = []
