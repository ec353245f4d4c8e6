from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("penyelenggara/audit/", views.AuditLogView.as_view(), name="log"),
    path("penyelenggara/surel/", views.OutboxView.as_view(), name="outbox"),
    path(
        "penyelenggara/surel/kirim-ulang/", views.OutboxResendView.as_view(), name="outbox_resend"
    ),
]
