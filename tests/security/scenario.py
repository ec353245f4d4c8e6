"""One competition scenario for the security suites: who is who, and the objects whose ids fill
the URLs. Plain function; every default is visible here.

- agency A, with proposal `proposal` (verified, complete, with a photo and a PDF) in a published
  edition whose submission window is open and whose favourite vote is open;
- agency B, with a draft proposal `draft_b` (its files are private to agency B and the organiser);
- an open desk stage with two criteria whose panel is judge (assigned to `proposal`, sheet
  submitted), judge_out (on the panel, signed, assigned nothing) and judge_conflict (was assigned
  to `proposal`, then declared a conflict with it: sheet excluded);
- an organiser, a leader (pimpinan), operators of A and B;
- lead_j: leadership who also sits on the stage's panel, assigned to `proposal` with a draft
  sheet (visibility "never": while the stage is open they must not read the judge's total).

SENTINELS are strings planted in the data that some actors must never read in any response
body (tests/security/expected.py, MUST_NOT_SEE): the draft's title and file name, the judge's
submitted total and their comment, the organiser's decision note on agency A's proposal.
"""

from decimal import Decimal

from judging.models import Assignment, ScoreSheet
from judging.services import assign_manually, declare_conflicts, open_stage
from tests.factories import (
    make_agency,
    make_edition,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_track,
    make_user,
    make_vote_window,
)
from tests.judging.helpers import desk_stage, score, sign, two_criteria

ACTORS = ("anon", "op_a", "op_b", "org", "judge", "j_out", "j_conf", "leader", "lead_j")

# Planted in the data; expected.MUST_NOT_SEE says who must never read them.
SENTINELS = {
    "draft_title": "Inovasi Draf Rahasia Dinkes",
    "draft_file": "draf-rahasia-dinkes.pdf",
    "judge_total": "83.17",  # the judge's submitted total (also looked for as "83,17")
    "judge_note": "Catatan juri rahasia: sangat menjanjikan",
    "decision_note": "Catatan verifikasi penyelenggara untuk DSU",
}


def build_scenario() -> dict:
    """Create the scenario; return {"users": {actor: user or None}, "values": {name: value}}."""
    from agencies.enums import Role
    from innovations.enums import AttachmentKind, ProposalStatus
    from innovations.models import Attachment, Innovation, Proposal, ProposalStatusChange

    agency_a = make_agency("Dinas Sosial Uji", slug="dinsos-uji", short_name="DSU")
    agency_b = make_agency("Dinas Kesehatan Uji", slug="dinkes-uji", short_name="DKU")
    users = {
        "anon": None,
        "op_a": make_operator(agency_a, "op.a"),
        "op_b": make_operator(agency_b, "op.b"),
        "org": make_organiser("penyelenggara"),
        "judge": make_judge("juri.tugas"),
        "j_out": make_judge("juri.luar"),
        "j_conf": make_judge("juri.konflik"),
        "leader": make_leader("pimpinan"),
        "lead_j": make_user("pimpinan.juri", roles=[Role.LEADERSHIP, Role.JUDGE]),
    }
    # The edition being judged (submission closed) and the one open for submission now.
    edition = make_edition(open_now=False, is_published=True, slug="kiks-aman")
    track = make_track(edition, "Umum", slug="umum", shortlist_size=6, winner_count=1)
    proposal = make_proposal(
        edition, agency=agency_a, track=track, status=ProposalStatus.VERIFIED,
        created_by=users["op_a"],
    )  # fmt: skip
    current = make_edition(slug="kiks-kini")
    current_track = make_track(current, "Umum", slug="umum-kini")
    draft_b = make_proposal(current, agency=agency_b, track=current_track, created_by=users["op_b"])
    Innovation.objects.filter(pk=draft_b.innovation_id).update(name=SENTINELS["draft_title"])
    Proposal.objects.filter(pk=draft_b.pk).update(innovation_name=SENTINELS["draft_title"])
    Attachment.objects.filter(proposal=draft_b).update(original_name=SENTINELS["draft_file"])
    make_vote_window(edition)
    ProposalStatusChange.objects.create(
        proposal=proposal,
        from_status=ProposalStatus.SUBMITTED,
        to_status=ProposalStatus.VERIFIED,
        by=users["org"],
        note=SENTINELS["decision_note"],
    )

    organiser = users["org"]
    panel = [users["judge"], users["j_out"], users["j_conf"], users["lead_j"]]
    stage = desk_stage(organiser, edition=edition, judges=panel, criteria=two_criteria())
    open_stage(stage, by=organiser, notify=False)
    sign(stage, *panel)
    assign_manually(stage, judge=users["judge"], proposal=proposal, by=organiser)
    conflicted = assign_manually(stage, judge=users["j_conf"], proposal=proposal, by=organiser)
    declare_conflicts(stage, judge=users["j_conf"], conflicts={proposal.pk: "Kakak kandung"})
    sheet = score(stage, users["judge"], proposal, (8, 7), comment=SENTINELS["judge_note"])
    assign_manually(stage, judge=users["lead_j"], proposal=proposal, by=organiser)
    # A total no page would show by chance (the sheets' figures are read, not recomputed).
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=Decimal(SENTINELS["judge_total"]))
    assignment = Assignment.objects.get(stage=stage, judge=users["judge"], proposal=proposal)

    photo = proposal.attachments.get(kind=AttachmentKind.PHOTO)
    pdf = proposal.attachments.filter(kind=AttachmentKind.SK_LETTER).get()
    values = {
        "proposal": proposal.pk,
        "draft_b": draft_b.pk,
        "photo": photo.pk,
        "pdf": pdf.pk,
        "photo_b": draft_b.attachments.get(kind=AttachmentKind.PHOTO).pk,
        "pdf_b": draft_b.attachments.filter(kind=AttachmentKind.SK_LETTER).get().pk,
        "edition": edition.pk,
        "edition_slug": edition.slug,
        "innovation_slug": proposal.innovation.slug,
        "agency_slug": agency_a.slug,
        "track": track.pk,
        "track_slug": track.slug,
        "stage": stage.pk,
        "assignment": assignment.pk,
        "conflicted_assignment": conflicted.pk,
        "sheet": sheet.pk,
        "fmt": "csv",
        "vote_token": "not-a-real-token",
        "uidb64": "MQ",
        "reset_token": "set-password",
    }
    return {"users": users, "values": values}
