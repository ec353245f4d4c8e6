from django.urls import path

from agencies import views

app_name = "agencies"
urlpatterns = [
    path("penyelenggara/instansi/", views.AgencyDirectoryView.as_view(), name="directory"),
]
