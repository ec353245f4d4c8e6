from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("penyelenggara/audit/", views.AuditLogView.as_view(), name="log"),
]
