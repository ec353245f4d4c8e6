"""The organiser's desk (Bagian Organisasi): "penyelenggara/" in the `innovations` namespace."""

from django.urls import path, re_path

from innovations.views import organiser as views

urlpatterns = [
    path("penyelenggara/verifikasi/", views.ReviewQueueView.as_view(), name="organiser_queue"),
    path(
        "penyelenggara/usulan/<id:pk>/",
        views.ProposalReviewView.as_view(),
        name="organiser_review",
    ),
    path(
        "penyelenggara/usulan/<id:pk>/verifikasi/",
        views.VerifyView.as_view(),
        name="organiser_verify",
    ),
    path(
        "penyelenggara/usulan/<id:pk>/minta-perbaikan/",
        views.RequestChangesView.as_view(),
        name="organiser_request_changes",
    ),
    path(
        "penyelenggara/usulan/<id:pk>/tolak/",
        views.RejectView.as_view(),
        name="organiser_reject",
    ),
    path(
        "penyelenggara/kepatuhan/",
        views.ComplianceBoardView.as_view(),
        name="compliance_board",
    ),
    path(
        "penyelenggara/kepatuhan/<slug:slug>/pengingat/",
        views.SendReminderView.as_view(),
        name="compliance_remind",
    ),
    re_path(
        r"^penyelenggara/ekspor/(?P<slug>[-\w]+)/kepatuhan\.(?P<fmt>csv|xlsx)$",
        views.ComplianceExportView.as_view(),
        name="export_compliance",
    ),
    re_path(
        r"^penyelenggara/ekspor/(?P<slug>[-\w]+)/usulan\.(?P<fmt>csv|xlsx)$",
        views.ProposalsExportView.as_view(),
        name="export_proposals",
    ),
]
