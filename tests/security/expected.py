"""The permission matrix: for every named URL of the project, what each actor gets.

Format
------
EXPECTED maps a URL name ("namespace:name", exactly as for reverse()) to a pair of rows:
(GET row, POST row). A row is a string of one code per actor, separated by spaces, in the order
of ACTORS (tests/security/scenario.py):

    anon   op_a   op_b   org    judge  j_out  j_conf leader lead_j

anon: not signed in; op_a / op_b: operators of agency A (owns the proposal) and B; org: the
organiser; judge: assigned to the proposal; j_out: on the panel, not assigned; j_conf: assigned,
then declared a conflict; leader: leadership (pimpinan); lead_j: leadership who also sits on the
stage's panel (assigned to the proposal, sheet still a draft).

Codes: an HTTP status ("200", "302" for a redirect anywhere but the log-in page, "400", "403",
"404", "405"), or "login" for a 302 to the log-in page. The POST row is None when the view has no
POST (checked for class-based views); a POST is sent with an empty body.

A URL missing here fails the test: add its row. URL kwargs are filled from the scenario through
KWARGS (kwarg name -> scenario value name), or OVERRIDES for one URL; a new kwarg name needs an
entry in KWARGS and, if the scenario lacks the object, a value in build_scenario().
"""

KWARGS = {
    "pk": "proposal",
    "proposal_id": "proposal",
    "slug": "edition_slug",
    "edition_slug": "edition_slug",
    "stage_id": "stage",
    "track_id": "track",
    "track": "track_slug",
    "assignment_id": "assignment",
    "sheet_id": "sheet",
    "attachment_id": "pdf",
    "edition_id": "edition",
    "fmt": "fmt",
    "token": "vote_token",
    "uidb64": "uidb64",
    # Finals (judging): the scenario has no slot, award or KIJB nomination; any id reaches the
    # view, which answers after its role check.
    "slot_id": "proposal",
    "award_id": "proposal",
    "nomination_id": "proposal",
}

OVERRIDES = {
    "innovations:attachment": {"pk": "pdf"},
    "innovations:attachment_thumbnail": {"pk": "photo"},
    "public:photo": {"pk": "photo"},
    "public:photo_thumb": {"pk": "photo"},
    "public:innovation": {"slug": "innovation_slug"},
    "public:agency": {"slug": "agency_slug"},
    "password_reset_confirm": {"token": "reset_token"},
}

# The data of tests/security/scenario.SENTINELS: who may read each in a response body of the walk
# (any page, export, JSON or file, GET or POST). Everyone else must not, whatever the status.
MAY_SEE: dict[str, set[str]] = {
    # A draft is the agency's own: its title and files, for agency B's operator only.
    "draft_title": {"op_b"},
    "draft_file": {"op_b"},
    # The judge's submitted total: the judge, the organiser, and leadership outside the panel.
    # lead_j sits on the panel with a draft sheet; j_out and j_conf judge under "never".
    "judge_total": {"judge", "org", "leader"},
    # A judge's comments: the judge and the organiser (the agency reads them once published).
    "judge_note": {"judge", "org"},
    # The organiser's decision note: those who read the proposal (its agency, the organiser,
    # leadership), never a judge or another agency.
    "decision_note": {"op_a", "org", "leader", "lead_j"},
}
# Those who must read each somewhere in the walk (the sentinel is planted and shown).
MUST_BE_SEEN: dict[str, set[str]] = {
    "draft_title": {"op_b"},
    "draft_file": {"op_b"},
    "judge_total": {"judge", "org", "leader"},
    "judge_note": {"judge", "org"},
    "decision_note": {"op_a", "org", "leader", "lead_j"},
}

# The same URLs on other objects of the scenario: (URL name, ((kwarg, scenario value), ...)) ->
# (GET row, POST row), as in EXPECTED. Agency B's draft and its files: agency B's own.
OTHER_OBJECTS: dict[tuple[str, tuple], tuple[str, str | None]] = {
    ("innovations:proposal_detail", (("pk", "draft_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("innovations:proposal_preview", (("pk", "draft_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("innovations:proposal_print", (("pk", "draft_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("innovations:proposal_edit", (("pk", "draft_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("innovations:attachment", (("pk", "pdf_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("innovations:attachment_thumbnail", (("pk", "photo_b"),)): (
        "login  404    200    404    404    404    404    404    404",
        None,
    ),
    ("judging:attachment", (("attachment_id", "pdf_b"),)): (
        "login  403    403    403    404    404    404    403    404",
        None,
    ),
}

EXPECTED: dict[str, tuple[str, str | None]] = {
    #   (GET, POST)      anon   op_a   op_b   org    judge  j_out  j_conf leader lead_j
    # --- site ----------------------------------------------------------------------------
    "home": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "healthz": (
        "200    200    200    200    200    200    200    200    200",
        "200    200    200    200    200    200    200    200    200",
    ),
    "dashboard": (
        "login  200    200    200    200    200    200    200    200",
        None,
    ),
    "login": (
        "200    200    200    200    200    200    200    200    200",
        "200    200    200    200    200    200    200    200    200",
    ),
    "logout": (
        "405    405    405    405    405    405    405    405    405",
        "302    302    302    302    302    302    302    302    302",
    ),
    "password_change": (
        "login  200    200    200    200    200    200    200    200",
        "login  200    200    200    200    200    200    200    200",
    ),
    "password_change_done": (
        "login  200    200    200    200    200    200    200    200",
        None,
    ),
    "password_reset": (
        "200    200    200    200    200    200    200    200    200",
        "200    200    200    200    200    200    200    200    200",
    ),
    "password_reset_done": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "password_reset_confirm": (
        "200    200    200    200    200    200    200    200    200",
        "200    200    200    200    200    200    200    200    200",
    ),
    "password_reset_complete": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "set_language": (
        "302    302    302    302    302    302    302    302    302",
        "302    302    302    302    302    302    302    302    302",
    ),
    # --- agencies ------------------------------------------------------------------------
    "agencies:directory": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    # The import: a POST with an empty body is a form error (200) or "nothing to import" (302).
    "agencies:import": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    200    403    403    403    403    403",
    ),
    "agencies:import_confirm": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "agencies:import_template": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    # --- innovations ---------------------------------------------------------------------
    "innovations:operator_dashboard": (
        "login  200    200    403    403    403    403    403    403",
        None,
    ),
    "innovations:proposal_list": (
        "login  200    200    403    403    403    403    403    403",
        None,
    ),
    "innovations:proposal_create": (
        "login  200    200    403    403    403    403    403    403",
        "login  200    200    403    403    403    403    403    403",
    ),
    "innovations:proposal_detail": (
        "login  200    404    200    404    404    404    200    200",
        None,
    ),
    "innovations:proposal_edit": (
        "login  302    404    403    404    404    404    403    403",
        "login  409    404    403    404    404    404    403    403",
    ),
    "innovations:proposal_submit": (
        "login  405    405    405    405    405    405    405    405",
        "login  200    404    403    404    404    404    403    403",
    ),
    "innovations:proposal_withdraw": (
        "login  405    405    405    405    405    405    405    405",
        "login  302    404    403    404    404    404    403    403",
    ),
    "innovations:proposal_preview": (
        "login  200    404    200    404    404    404    200    200",
        None,
    ),
    "innovations:proposal_print": (
        "login  200    404    200    404    404    404    200    200",
        None,
    ),
    # op_a may copy its proposal into the edition open for submission now (an empty POST shows
    # the form again with its errors).
    "innovations:proposal_copy": (
        "login  200    404    403    404    404    404    403    403",
        "login  200    404    403    404    404    404    403    403",
    ),
    "innovations:attachment": (
        "login  200    404    200    200    404    404    200    200",
        None,
    ),
    "innovations:attachment_thumbnail": (
        "login  200    404    200    200    404    404    200    200",
        None,
    ),
    "innovations:organiser_queue": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "innovations:organiser_review": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "innovations:organiser_verify": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    200    403    403    403    403    403",
    ),
    "innovations:organiser_request_changes": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    200    403    403    403    403    403",
    ),
    "innovations:organiser_reject": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    200    403    403    403    403    403",
    ),
    "innovations:compliance_board": (
        "login  403    403    200    403    403    403    200    200",
        None,
    ),
    "innovations:compliance_remind": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "innovations:export_compliance": (
        "login  403    403    200    403    403    403    200    200",
        None,
    ),
    "innovations:export_proposals": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    # --- judging -------------------------------------------------------------------------
    "judging:judge_home": (
        "login  403    403    403    200    200    200    403    200",
        None,
    ),
    "judging:judge_stage": (
        "login  403    403    403    200    200    200    403    200",
        None,
    ),
    "judging:declare": (
        "login  403    403    403    200    200    200    403    200",
        "login  403    403    403    400    400    400    403    400",
    ),
    "judging:sheet": (
        "login  403    403    403    200    404    404    403    200",
        "login  403    403    403    400    404    404    403    302",
    ),
    "judging:entry_conflict": (
        "login  403    403    403    405    405    405    403    405",
        "login  403    403    403    302    404    404    403    302",
    ),
    "judging:attachment": (
        "login  403    403    403    200    404    404    403    200",
        None,
    ),
    "judging:stage_list": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "judging:edition_create": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    "judging:stage_create": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:stage_detail": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "judging:stage_settings": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    "judging:criteria": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    "judging:panel": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    "judging:stage_open": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:stage_close": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:assignments": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "judging:auto_assign": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:manual_assign": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:unassign": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:reopen_sheet": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:entry_detail": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "judging:ranking": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:recompute": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    # finals (issue 6)
    "judging:schedule": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    "judging:schedule_print": (
        "login  403    403    200    403    403    403    200    200",
        None,
    ),
    "judging:slot_cancel": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    404    403    403    403    403    403",
    ),
    "judging:minutes": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:consensus": (
        "login  403    403    200    200    200    404    403    200",
        "login  403    403    302    302    302    404    403    302",
    ),
    "judging:final": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:final_weights": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:final_recompute": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:final_confirm": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:final_publish": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:award_give": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:award_remove": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    404    403    403    403    403    403",
    ),
    "judging:kijb_forward": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
    "judging:kijb_withdraw": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    404    403    403    403    403    403",
    ),
    "judging:kijb_pack": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:kijb_json": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:final_minutes": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:export": (
        "login  403    403    200    403    403    403    200    403",
        None,
    ),
    "judging:presentation_upload": (
        "login  405    405    405    405    405    405    405    405",
        "login  404    404    404    404    404    404    404    404",
    ),
    "judging:feedback": (
        "login  404    404    404    404    404    404    403    403",
        None,
    ),
    "judging:shortlist": (
        "login  403    403    200    403    403    403    403    403",
        "login  403    403    400    403    403    403    403    403",
    ),
    # --- public --------------------------------------------------------------------------
    "public:registry": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:innovation": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:agency": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:results_index": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:results": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:photo": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:photo_thumb": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:vote": (
        "200    200    200    200    200    200    200    200    200",
        None,
    ),
    "public:vote_request": (
        "405    405    405    405    405    405    405    405    405",
        "404    404    404    404    404    404    404    404    404",
    ),
    "public:vote_confirm": (
        "400    400    400    400    400    400    400    400    400",
        "400    400    400    400    400    400    400    400    400",
    ),
    "public:vote_counts": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "public:vote_export": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    # --- audit ---------------------------------------------------------------------------
    "audit:log": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    # The e-mail outbox: the organiser desk's; an empty resend POST returns to the page.
    "audit:outbox": (
        "login  403    403    200    403    403    403    403    403",
        None,
    ),
    "audit:outbox_resend": (
        "login  403    403    405    403    403    403    403    403",
        "login  403    403    302    403    403    403    403    403",
    ),
}
