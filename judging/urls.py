from django.urls import path

from judging import views

app_name = "judging"

judge = "penilaian/"
organiser = "penyelenggara/penilaian/"
stage = organiser + "<int:stage_id>/"

urlpatterns = [
    # Judges
    path(judge, views.JudgeHomeView.as_view(), name="judge_home"),
    path(judge + "<int:stage_id>/", views.JudgeStageView.as_view(), name="judge_stage"),
    path(judge + "<int:stage_id>/deklarasi/", views.DeclarationView.as_view(), name="declare"),
    path(
        judge + "<int:stage_id>/usulan/<int:proposal_id>/",
        views.ScoreSheetView.as_view(),
        name="sheet",
    ),
    path(
        judge + "<int:stage_id>/usulan/<int:proposal_id>/konflik/",
        views.EntryConflictView.as_view(),
        name="entry_conflict",
    ),
    path(
        judge + "lampiran/<int:attachment_id>/", views.AttachmentView.as_view(), name="attachment"
    ),
    # Organiser
    path(organiser, views.StageListView.as_view(), name="stage_list"),
    path(organiser + "tahap-baru/", views.StageCreateView.as_view(), name="stage_create"),
    path(stage, views.StageDetailView.as_view(), name="stage_detail"),
    path(stage + "pengaturan/", views.StageSettingsView.as_view(), name="stage_settings"),
    path(stage + "kriteria/", views.CriteriaView.as_view(), name="criteria"),
    path(stage + "panel/", views.PanelView.as_view(), name="panel"),
    path(stage + "buka/", views.StageOpenView.as_view(), name="stage_open"),
    path(stage + "tutup/", views.StageCloseView.as_view(), name="stage_close"),
    path(stage + "penugasan/", views.AssignmentsView.as_view(), name="assignments"),
    path(stage + "penugasan/otomatis/", views.AutoAssignView.as_view(), name="auto_assign"),
    path(stage + "penugasan/tambah/", views.ManualAssignView.as_view(), name="manual_assign"),
    path(
        stage + "penugasan/<int:assignment_id>/hapus/",
        views.UnassignView.as_view(),
        name="unassign",
    ),
    path(
        stage + "lembar/<int:sheet_id>/buka-kembali/",
        views.ReopenSheetView.as_view(),
        name="reopen_sheet",
    ),
    path(stage + "usulan/<int:proposal_id>/", views.EntryDetailView.as_view(), name="entry_detail"),
    path(stage + "peringkat/", views.RankingView.as_view(), name="ranking"),
    path(stage + "peringkat/hitung/", views.RecomputeView.as_view(), name="recompute"),
    path(stage + "daftar-pendek/<int:track_id>/", views.ShortlistView.as_view(), name="shortlist"),
]
