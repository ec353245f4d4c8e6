from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from bench.generate_scale import ScaleError, balanced_judges, generate
from innovations.enums import AttachmentKind, ProposalStatus
from innovations.models import Attachment, Edition, Proposal, SectionAnswer
from judging.enums import SheetStatus
from judging.models import Assignment, PanelMember, Score, ScoreSheet, Stage, StageResult

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    generate(proposals=30, agencies=5, judges=3, per_proposal=2)
    return Edition.objects.get(slug="skala-30")


def test_counts_of_a_small_edition(generated):
    proposals = Proposal.objects.filter(edition=generated)
    assert proposals.count() == 33
    assert proposals.filter(status=ProposalStatus.VERIFIED).count() == 30
    assert Counter(
        proposals.exclude(status=ProposalStatus.VERIFIED).values_list("status", flat=True)
    ) == {
        ProposalStatus.SUBMITTED: 2,
        ProposalStatus.CHANGES_REQUESTED: 1,
    }
    sections = generated.sections.count()
    assert SectionAnswer.objects.filter(proposal__edition=generated).count() == 33 * sections
    assert not SectionAnswer.objects.filter(proposal__edition=generated, text="").exists()
    assert Attachment.objects.filter(kind=AttachmentKind.PHOTO).count() == 33
    assert Attachment.objects.filter(kind=AttachmentKind.SK_LETTER).count() == 33
    assert get_user_model().objects.filter(username__startswith="s30-op-").count() == 5


def test_stage_is_judged_with_balanced_assignments(generated):
    stage = Stage.objects.get(edition=generated)
    criteria = list(stage.criteria.all())
    assert len(criteria) == 8
    assert sum(c.weight for c in criteria) == Decimal(100)
    assert PanelMember.objects.filter(stage=stage).count() == 3
    assignments = Assignment.objects.filter(stage=stage)
    assert assignments.count() == 60
    loads = Counter(assignments.values_list("judge_id", flat=True))
    assert sorted(loads.values()) == [20, 20, 20]
    per_entry = Counter(assignments.values_list("proposal_id", flat=True))
    assert set(per_entry.values()) == {2}
    assert assignments.values("proposal_id", "judge_id").distinct().count() == 60
    sheets = ScoreSheet.objects.filter(assignment__stage=stage)
    assert sheets.filter(status=SheetStatus.SUBMITTED, total__isnull=False).count() == 60
    assert Score.objects.filter(sheet__assignment__stage=stage).count() == 60 * 8
    results = StageResult.objects.filter(stage=stage)
    assert results.count() == 30
    assert not results.filter(rank__isnull=True).exists()
    assert set(results.values_list("judges_counted", flat=True)) == {2}
    assert (
        stage.results_computed_at is not None or Stage.objects.get(pk=stage.pk).results_computed_at
    )


def test_second_run_on_the_same_size_is_refused(generated):
    with pytest.raises(ScaleError, match="exists already"):
        generate(proposals=30, judges=3, per_proposal=2)


def test_fewer_than_two_judges_per_proposal_is_refused():
    with pytest.raises(ScaleError, match="at least 2 judges"):
        generate(proposals=10, judges=3, per_proposal=1)


@pytest.mark.parametrize(("entries", "per", "judges"), [(30, 2, 3), (100, 5, 37), (7, 5, 5)])
def test_balanced_judges_spread_loads_within_one(entries, per, judges):
    loads = Counter()
    for entry in range(entries):
        chosen = balanced_judges(entry, per, judges)
        assert len(set(chosen)) == per
        loads.update(chosen)
    assert max(loads.values()) - min(loads.values()) <= 1
