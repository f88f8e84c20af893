"""Open311 GeoReport v2 endpoints; each answers in JSON or XML by its extension."""

app_name = "open311"
urlpatterns: list = []
