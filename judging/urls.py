from django.urls import path

from judging.views import agency, documents, editions, finals, judge, organiser, ranking

app_name = "judging"

JUDGE = "penilaian/"
ORGANISER = "penyelenggara/penilaian/"
STAGE = ORGANISER + "<id:stage_id>/"
EDITION = ORGANISER + "edisi/<id:edition_id>/"
AGENCY = "peserta/"

urlpatterns = [
    # Judges
    path(JUDGE, judge.JudgeHomeView.as_view(), name="judge_home"),
    path(JUDGE + "<id:stage_id>/", judge.JudgeStageView.as_view(), name="judge_stage"),
    path(JUDGE + "<id:stage_id>/deklarasi/", judge.DeclarationView.as_view(), name="declare"),
    path(
        JUDGE + "<id:stage_id>/usulan/<id:proposal_id>/",
        judge.ScoreSheetView.as_view(),
        name="sheet",
    ),
    path(
        JUDGE + "<id:stage_id>/usulan/<id:proposal_id>/konflik/",
        judge.EntryConflictView.as_view(),
        name="entry_conflict",
    ),
    path(JUDGE + "lampiran/<id:attachment_id>/", judge.AttachmentView.as_view(), name="attachment"),
    # Organiser
    path("penyelenggara/edisi-baru/", editions.EditionCreateView.as_view(), name="edition_create"),
    path(ORGANISER, organiser.StageListView.as_view(), name="stage_list"),
    path(ORGANISER + "tahap-baru/", organiser.StageCreateView.as_view(), name="stage_create"),
    path(STAGE, organiser.StageDetailView.as_view(), name="stage_detail"),
    path(STAGE + "pengaturan/", organiser.StageSettingsView.as_view(), name="stage_settings"),
    path(STAGE + "kriteria/", organiser.CriteriaView.as_view(), name="criteria"),
    path(STAGE + "panel/", organiser.PanelView.as_view(), name="panel"),
    path(STAGE + "buka/", organiser.StageOpenView.as_view(), name="stage_open"),
    path(STAGE + "tutup/", organiser.StageCloseView.as_view(), name="stage_close"),
    path(STAGE + "penugasan/", organiser.AssignmentsView.as_view(), name="assignments"),
    path(STAGE + "penugasan/otomatis/", organiser.AutoAssignView.as_view(), name="auto_assign"),
    path(STAGE + "penugasan/tambah/", organiser.ManualAssignView.as_view(), name="manual_assign"),
    path(
        STAGE + "penugasan/<id:assignment_id>/hapus/",
        organiser.UnassignView.as_view(),
        name="unassign",
    ),
    path(
        STAGE + "lembar/<id:sheet_id>/buka-kembali/",
        organiser.ReopenSheetView.as_view(),
        name="reopen_sheet",
    ),
    path(
        STAGE + "usulan/<id:proposal_id>/",
        organiser.EntryDetailView.as_view(),
        name="entry_detail",
    ),
    path(STAGE + "peringkat/", ranking.RankingView.as_view(), name="ranking"),
    path(STAGE + "peringkat/hitung/", ranking.RecomputeView.as_view(), name="recompute"),
    path(STAGE + "daftar-pendek/<id:track_id>/", ranking.ShortlistView.as_view(), name="shortlist"),
    # Finals: schedule, consensus, final result, documents
    path(STAGE + "jadwal/", finals.ScheduleView.as_view(), name="schedule"),
    path(STAGE + "jadwal/cetak/", finals.SchedulePrintView.as_view(), name="schedule_print"),
    path(
        STAGE + "jadwal/<id:slot_id>/batal/",
        finals.SlotCancelView.as_view(),
        name="slot_cancel",
    ),
    path(STAGE + "berita-acara/", documents.MinutesView.as_view(), name="minutes"),
    path(
        JUDGE + "<id:stage_id>/usulan/<id:proposal_id>/konsensus/",
        finals.ConsensusView.as_view(),
        name="consensus",
    ),
    path(EDITION + "hasil-akhir/", finals.FinalView.as_view(), name="final"),
    path(EDITION + "bobot/", finals.FinalWeightsView.as_view(), name="final_weights"),
    path(EDITION + "hitung/", finals.FinalRecomputeView.as_view(), name="final_recompute"),
    path(EDITION + "tetapkan/", finals.FinalConfirmView.as_view(), name="final_confirm"),
    path(EDITION + "umumkan/", finals.FinalPublishView.as_view(), name="final_publish"),
    path(EDITION + "penghargaan/", finals.AwardGiveView.as_view(), name="award_give"),
    path(
        EDITION + "penghargaan/<id:award_id>/hapus/",
        finals.AwardRemoveView.as_view(),
        name="award_remove",
    ),
    path(EDITION + "kijb/teruskan/", finals.KijbForwardView.as_view(), name="kijb_forward"),
    path(
        EDITION + "kijb/<id:nomination_id>/batal/",
        finals.KijbWithdrawView.as_view(),
        name="kijb_withdraw",
    ),
    path(EDITION + "kijb/", documents.ForwardingPackView.as_view(), name="kijb_pack"),
    path(EDITION + "kijb.json", documents.ForwardingPackJsonView.as_view(), name="kijb_json"),
    path(EDITION + "berita-acara/", documents.FinalMinutesView.as_view(), name="final_minutes"),
    path(EDITION + "seleksi.xlsx", documents.SelectionExportView.as_view(), name="export"),
    # The agency's side
    path(
        AGENCY + "presentasi/<id:slot_id>/",
        agency.PresentationUploadView.as_view(),
        name="presentation_upload",
    ),
    path(
        AGENCY + "umpan-balik/<id:proposal_id>/",
        agency.FeedbackView.as_view(),
        name="feedback",
    ),
]
