from django.urls import path

from judging import views, views_finals

app_name = "judging"

judge = "penilaian/"
organiser = "penyelenggara/penilaian/"
stage = organiser + "<int:stage_id>/"
edition = organiser + "edisi/<int:edition_id>/"
agency = "peserta/"

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
    # Finals: schedule, consensus, final result, documents
    path(stage + "jadwal/", views_finals.ScheduleView.as_view(), name="schedule"),
    path(stage + "jadwal/cetak/", views_finals.SchedulePrintView.as_view(), name="schedule_print"),
    path(
        stage + "jadwal/<int:slot_id>/batal/",
        views_finals.SlotCancelView.as_view(),
        name="slot_cancel",
    ),
    path(stage + "berita-acara/", views_finals.MinutesView.as_view(), name="minutes"),
    path(
        judge + "<int:stage_id>/usulan/<int:proposal_id>/konsensus/",
        views_finals.ConsensusView.as_view(),
        name="consensus",
    ),
    path(edition + "hasil-akhir/", views_finals.FinalView.as_view(), name="final"),
    path(edition + "bobot/", views_finals.FinalWeightsView.as_view(), name="final_weights"),
    path(edition + "hitung/", views_finals.FinalRecomputeView.as_view(), name="final_recompute"),
    path(edition + "tetapkan/", views_finals.FinalConfirmView.as_view(), name="final_confirm"),
    path(edition + "umumkan/", views_finals.FinalPublishView.as_view(), name="final_publish"),
    path(edition + "penghargaan/", views_finals.AwardGiveView.as_view(), name="award_give"),
    path(
        edition + "penghargaan/<int:award_id>/hapus/",
        views_finals.AwardRemoveView.as_view(),
        name="award_remove",
    ),
    path(edition + "kijb/teruskan/", views_finals.KijbForwardView.as_view(), name="kijb_forward"),
    path(
        edition + "kijb/<int:nomination_id>/batal/",
        views_finals.KijbWithdrawView.as_view(),
        name="kijb_withdraw",
    ),
    path(edition + "kijb/", views_finals.ForwardingPackView.as_view(), name="kijb_pack"),
    path(edition + "kijb.json", views_finals.ForwardingPackJsonView.as_view(), name="kijb_json"),
    path(edition + "berita-acara/", views_finals.FinalMinutesView.as_view(), name="final_minutes"),
    path(edition + "seleksi.xlsx", views_finals.SelectionExportView.as_view(), name="export"),
    # The agency's side
    path(
        agency + "presentasi/<int:slot_id>/",
        views_finals.PresentationUploadView.as_view(),
        name="presentation_upload",
    ),
    path(
        agency + "umpan-balik/<int:proposal_id>/",
        views_finals.FeedbackView.as_view(),
        name="feedback",
    ),
]
