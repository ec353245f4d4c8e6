"""The agency operator's pages, under "usulan/" (proposals) and "lampiran/" (files), in the
`innovations` namespace."""

from django.urls import path

from innovations.views import operator as views

urlpatterns = [
    path("usulan/", views.OperatorDashboardView.as_view(), name="operator_dashboard"),
    path("usulan/semua/", views.ProposalListView.as_view(), name="proposal_list"),
    path("usulan/baru/", views.ProposalCreateView.as_view(), name="proposal_create"),
    path("usulan/<id:pk>/", views.ProposalDetailView.as_view(), name="proposal_detail"),
    path("usulan/<id:pk>/ubah/", views.ProposalEditView.as_view(), name="proposal_edit"),
    path("usulan/<id:pk>/kirim/", views.ProposalSubmitView.as_view(), name="proposal_submit"),
    path("usulan/<id:pk>/tarik/", views.ProposalWithdrawView.as_view(), name="proposal_withdraw"),
    path("usulan/<id:pk>/pratinjau/", views.ProposalPreviewView.as_view(), name="proposal_preview"),
    path("usulan/<id:pk>/cetak/", views.ProposalPrintView.as_view(), name="proposal_print"),
    path("usulan/<id:pk>/salin/", views.ProposalCopyView.as_view(), name="proposal_copy"),
    path("lampiran/<id:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path(
        "lampiran/<id:pk>/mini/",
        views.AttachmentView.as_view(thumbnail=True),
        name="attachment_thumbnail",
    ),
]
