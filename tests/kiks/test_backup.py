"""A backup restores into an empty installation with every row and file intact."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from innovations.models import Attachment, Proposal, SectionAnswer
from tests.factories import make_agency, make_operator, make_proposal


def _fingerprint():
    return {
        "proposals": sorted(
            Proposal.objects.values_list("innovation__acronym", "status", "agency__slug")
        ),
        "answers": sorted(
            SectionAnswer.objects.values_list(
                "proposal__innovation__acronym", "section__key", "text"
            )
        ),
        "files": sorted(
            (a.original_name, a.kind, a.file.name, a.file.read()) for a in Attachment.objects.all()
        ),
    }


@pytest.mark.django_db
def test_backup_then_restore_into_an_empty_installation_keeps_everything(tmp_path, settings):
    agency = make_agency("Dinas Sosial")
    make_operator(agency, "operator.dinsos")
    make_proposal(agency=agency)
    make_proposal(agency=make_agency("Dinas Kesehatan"), status="submitted")
    before = _fingerprint()
    archive = tmp_path / "kiks-backup.tar.gz"

    call_command("backup", str(archive), stdout=io.StringIO())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test runs in a transaction; TRUNCATE needs the deferred FK checks done first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    assert Proposal.objects.count() == 0

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)

    assert _fingerprint() == before
    assert "Restored" in out.getvalue() and "6 media files" in out.getvalue()


@pytest.mark.django_db
def test_restore_refuses_a_non_empty_installation(tmp_path):
    from django.core.management.base import CommandError

    make_agency("Dinas Sosial")
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(archive))


def _judging_fingerprint():
    from audit.models import AuditEvent
    from judging.models import Score, ScoreSheet

    return {
        "scores": sorted(
            Score.objects.values_list(
                "sheet__assignment__judge__username",
                "sheet__assignment__proposal__innovation__acronym",
                "criterion__name",
                "value",
                "comment",
            )
        ),
        "sheets": sorted(
            ScoreSheet.objects.values_list(
                "assignment__judge__username", "status", "total", "overall_comment"
            )
        ),
        "audit": sorted(AuditEvent.objects.values_list("action", "object_type", "actor_name")),
    }


@pytest.mark.django_db
def test_restore_finds_every_proposal_attachment_and_score_intact(tmp_path, settings):
    from tests.factories import make_organiser
    from tests.judging.helpers import scenario, score

    organiser = make_organiser("org.cadangan")
    stage, (first, second), proposals = scenario(organiser, judges=2, proposals=2)
    for proposal, values in zip(proposals, [(9, 7), (6, 8)], strict=True):
        score(stage, first, proposal, values, comment="Bagus")
        score(stage, second, proposal, [v - 1 for v in values])
    before = (_fingerprint(), _judging_fingerprint())
    assert len(before[1]["scores"]) == 8 and len(before[0]["files"]) >= 4
    archive = tmp_path / "kiks-backup.tar.gz"

    call_command("backup", str(archive), stdout=io.StringIO())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    call_command("restore", str(archive), stdout=io.StringIO())

    assert (_fingerprint(), _judging_fingerprint()) == before
