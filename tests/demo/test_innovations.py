"""The demo data: KIKS 2021 with its 65 proposals, the current edition, idempotent."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from agencies.models import Agency
from innovations.checklist import submission_checklist
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
)
from innovations.services import submit_proposal

pytestmark = pytest.mark.django_db

TOP_SIX = {
    "Cendol": ("dispusipda", "Cerita dan dongeng online"),
    "One RooF": ("dkp3", "One Region, one Offtaker"),
    "Petikemas": ("kec-citamiang", "Pelayanan Terpadu Kecamatan untuk Masyarakat"),
    "Udunan Online": ("dinsos", "Urunan warga secara daring"),
    "Sicepot": ("pkm-tipar", "Sistem cepat pelayanan ODGJ"),
    "Rijari": ("rsud-syamsudin", "Periksa jantung sendiri"),
}


def _load():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Edition, Innovation, Proposal, SectionAnswer, Attachment)
    } | {
        "changes": ProposalStatusChange.objects.count(),
        "statuses": sorted(Proposal.objects.values_list("edition__slug", "status")),
    }


@pytest.fixture
def demo():
    _load()


def test_load_demo_twice_gives_the_same_counts(demo):
    first = _counts()
    files = sorted(Attachment.objects.values_list("file", flat=True))

    _load()

    assert _counts() == first
    assert sorted(Attachment.objects.values_list("file", flat=True)) == files


def test_kiks_2021_has_its_65_proposals_covering_the_31_obligated_agencies(demo):
    edition = Edition.objects.get(slug="kiks-2021")
    proposals = Proposal.objects.filter(edition=edition)

    assert proposals.count() == 65
    assert proposals.filter(agency__kind="perumda").count() == 4
    assert proposals.exclude(agency__kind="perumda").count() == 61
    assert edition.is_published is True
    assert edition.is_open_for_submission() is False
    assert edition.is_in_verification() is False
    assert sorted(set(proposals.values_list("status", flat=True))) == [S.REJECTED, S.VERIFIED]
    assert proposals.filter(status=S.VERIFIED).count() > 55
    # Every obligated agency has a proposal of its own or of one of its units.
    covered = Agency.objects.obligated().filter(
        Q(proposals__edition=edition) | Q(children__proposals__edition=edition)
    )

    assert Agency.objects.obligated().count() == 31
    assert covered.distinct().count() == 31
    assert (
        Proposal.objects.filter(edition=edition)
        .filter(Q(agency__is_obligated=True) | Q(agency__parent__is_obligated=True))
        .count()
        == 61
    )


def test_top_six_recognised_innovations_and_complete_proposals(demo):
    edition = Edition.objects.get(slug="kiks-2021")
    for acronym, (agency_slug, expansion) in TOP_SIX.items():
        proposal = Proposal.objects.get(edition=edition, innovation__acronym=acronym)
        assert (proposal.agency.slug, proposal.innovation.expansion) == (agency_slug, expansion)
        assert (proposal.track.slug, proposal.status) == ("umum", S.VERIFIED)
    recognised = dict(
        Proposal.objects.filter(
            edition=edition, innovation__acronym__in=["Cetek", "Sikalem", "Bunut FM"]
        ).values_list("innovation__acronym", "agency__slug")
    )
    assert recognised == {
        "Cetek": "rsud-al-mulk",
        "Sikalem": "kec-gunungpuyuh",
        "Bunut FM": "rsud-syamsudin",
    }
    # Every 2021 proposal is complete, with its files and its history.
    proposals = Proposal.objects.filter(edition=edition).annotate(
        answers_count=Count("answers", distinct=True),
        files=Count("attachments", distinct=True),
        changes=Count("status_changes", distinct=True),
    )
    assert {(p.answers_count, p.files) for p in proposals} == {(8, 3)}
    assert min(p.changes for p in proposals) == 3
    before_closing = edition.submission_closes_at - timezone.timedelta(hours=1)
    for proposal in proposals.select_related("innovation", "edition"):
        checklist = submission_checklist(proposal, now=before_closing)
        assert [item.problem for item in checklist if not item.ok] == [], proposal
        assert proposal.safe_video_url.startswith("https://")
    photo = Attachment.objects.filter(proposal__edition=edition, kind="photo").first()
    with photo.file.open("rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert photo.thumbnail


def test_current_edition_is_open_not_published_with_plausible_innovations(demo):
    year = timezone.localdate().year
    edition = Edition.objects.get(slug=f"kiks-{year}")
    closes = timezone.localtime(edition.submission_closes_at)

    assert edition.is_open_for_submission() is True
    assert edition.is_published is False
    assert (closes.hour, closes.minute) == (23, 59)
    assert (closes.date() - timezone.localdate()).days == 30
    assert edition.verification_closes_at - edition.submission_closes_at == timezone.timedelta(
        days=14
    )
    statuses = set(Proposal.objects.filter(edition=edition).values_list("status", flat=True))
    assert {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED} <= statuses
    # Every innovation ran six months before the closing of each edition it entered.
    for proposal in Proposal.objects.select_related("edition", "innovation"):
        closing = timezone.localtime(proposal.edition.submission_closes_at).date()
        assert (closing - proposal.innovation.started_on).days >= 183, proposal


def test_dispusipda_demo_draft_passes_the_checklist_and_submits(demo):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.get(username="operator.dispusipda")
    year = timezone.localdate().year
    draft = Proposal.objects.get(
        edition__slug=f"kiks-{year}", agency__slug="dispusipda", status=S.DRAFT
    )

    assert [item.problem for item in submission_checklist(draft) if not item.ok] == []
    submit_proposal(draft, by=operator)
    assert Proposal.objects.get(pk=draft.pk).status == S.SUBMITTED


def test_demo_operators_log_in_to_their_dashboard(client, demo):
    assert client.login(
        request=HttpRequest(), username="operator.dinsos", password="demo-kiks-2021"
    )

    response = client.get("/usulan/")

    assert response.status_code == 200
    note = response.context["summary"].latest_note
    assert note.proposal.innovation.acronym == "Udunan Online"
    assert note.to_status == S.CHANGES_REQUESTED
