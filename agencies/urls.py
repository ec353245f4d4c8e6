from django.urls import path

from agencies import views

app_name = "agencies"
urlpatterns = [
    path("penyelenggara/instansi/", views.AgencyDirectoryView.as_view(), name="directory"),
    path("penyelenggara/instansi/impor/", views.ImportView.as_view(), name="import"),
    path(
        "penyelenggara/instansi/impor/konfirmasi/",
        views.ImportConfirmView.as_view(),
        name="import_confirm",
    ),
    path(
        "penyelenggara/instansi/impor/templat.xlsx",
        views.ImportTemplateView.as_view(),
        name="import_template",
    ),
]
