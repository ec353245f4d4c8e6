# The operator pages (submission flow) and the organiser's desk live in separate modules.
from django.urls import include, path

app_name = "innovations"
urlpatterns = [
    path("", include("innovations.urls_operator")),
    path("", include("innovations.urls_organiser")),
]
