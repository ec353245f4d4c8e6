"""The agency-side services: drafts, new proposals and copies (the rules, without pages)."""

import datetime

import pytest

from innovations.enums import ProposalStatus as S
from innovations.models import Innovation, Proposal, SectionAnswer
from innovations.services import (
    WorkflowError,
    copy_proposal,
    create_innovation,
    create_proposal,
    save_proposal_draft,
)
from tests.factories import (
    make_agency,
    make_edition,
    make_innovation,
    make_operator,
    make_proposal,
    make_track,
    words,
)
from tests.innovations.utils import answer_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("Dinas Sosial")


@pytest.fixture
def operator(agency):
    return make_operator(agency)


def test_save_draft_writes_answers_and_word_counts_in_one_go(agency, operator):
    proposal = make_proposal(agency=agency, complete=False)
    other_track = make_track(proposal.edition, "Kewilayahan")

    save_proposal_draft(
        proposal,
        by=operator,
        answers={"ringkasan": "  Satu dua   tiga\r\nempat  ", "latar_belakang": words(120)},
        video_url="https://youtu.be/udunan",
        track=other_track,
        innovation_fields={"acronym": "Udunan", "started_on": datetime.date(2019, 5, 1)},
        sdgs=[1, 10],
    )
    save_proposal_draft(proposal, by=operator, answers={"latar_belakang": ""})

    rows = {a.section.key: (a.text, a.word_count) for a in SectionAnswer.objects.all()}
    assert rows == {"ringkasan": ("Satu dua   tiga\nempat", 4), "latar_belakang": ("", 0)}
    stored = Proposal.objects.get(pk=proposal.pk)
    assert (stored.video_url, stored.track) == ("https://youtu.be/udunan", other_track)
    innovation = Innovation.objects.get(pk=proposal.innovation_id)
    assert (innovation.acronym, innovation.started_on) == ("Udunan", datetime.date(2019, 5, 1))
    assert sorted(innovation.sdgs.values_list("number", flat=True)) == [1, 10]


def test_save_draft_leaves_out_what_is_not_given(agency, operator):
    proposal = make_proposal(agency=agency)
    before = (answer_texts(proposal), proposal.video_url, proposal.track_id)

    save_proposal_draft(proposal, by=operator)

    stored = Proposal.objects.get(pk=proposal.pk)
    assert (answer_texts(proposal), stored.video_url, stored.track_id) == before


def test_save_draft_refuses_another_agency(agency):
    proposal = make_proposal(agency=agency, complete=False)
    stranger = make_operator(make_agency("Dinas Perhubungan"))

    with pytest.raises(WorkflowError) as error:
        save_proposal_draft(proposal, by=stranger, answers={"ringkasan": "curang"})

    assert error.value.messages == ["Only an operator of Dinas Sosial may do this."]
    assert answer_texts(proposal) == {}


@pytest.mark.parametrize("status", [S.SUBMITTED, S.VERIFIED, S.REJECTED, S.WITHDRAWN])
def test_save_draft_only_while_editable(agency, operator, status):
    proposal = make_proposal(agency=agency, status=status)
    before = answer_texts(proposal)

    with pytest.raises(WorkflowError) as error:
        save_proposal_draft(proposal, by=operator, answers={"ringkasan": "ubah"})

    assert error.value.messages == [
        f"This proposal is “{S(status).label}”: it can be changed only while it is a draft or "
        "after the organiser asks for changes."
    ]
    assert answer_texts(proposal) == before


def test_save_draft_when_changes_are_requested(agency, operator):
    proposal = make_proposal(agency=agency, status=S.CHANGES_REQUESTED)

    save_proposal_draft(proposal, by=operator, answers={"ringkasan": words(50)})

    assert answer_texts(proposal)["ringkasan"] == words(50)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"answers": {"ringkasan": "baru", "tidak_ada": "x"}}, "Unknown sections: tidak_ada."),
        ({"sdgs": []}, "Choose at least one Sustainable Development Goal."),
        (
            {"video_url": "https://v/" + "x" * 500},
            "The video link may have at most 500 characters.",
        ),
    ],
)
def test_save_draft_refusals_change_nothing(agency, operator, kwargs, message):
    proposal = make_proposal(agency=agency, complete=False)

    with pytest.raises(WorkflowError) as error:
        save_proposal_draft(proposal, by=operator, **{"answers": {"ringkasan": "baru"}, **kwargs})

    assert error.value.messages == [message]
    assert answer_texts(proposal) == {}


def test_save_draft_refuses_a_track_of_another_edition(agency, operator):
    proposal = make_proposal(agency=agency, complete=False)
    foreign = make_track(make_edition(), "Umum")

    with pytest.raises(WorkflowError):
        save_proposal_draft(proposal, by=operator, track=foreign)

    assert Proposal.objects.get(pk=proposal.pk).track_id == proposal.track_id


def test_save_draft_refuses_a_name_the_agency_already_uses(agency, operator):
    make_innovation(agency, name="Sidata")
    proposal = make_proposal(agency=agency, complete=False)

    with pytest.raises(WorkflowError) as error:
        save_proposal_draft(proposal, by=operator, innovation_fields={"name": "SIDATA"})

    assert error.value.messages == ["Dinas Sosial already has an innovation named “SIDATA”."]


def test_create_innovation_gives_unique_slugs(agency, operator):
    fields = {
        "acronym": "Udunan",
        "started_on": datetime.date(2019, 1, 1),
        "form": "pelayanan_publik",
        "stage": "penerapan",
    }
    first = create_innovation(agency, by=operator, sdgs=[1], name="Udunan Online", **fields)
    second = create_innovation(agency, by=operator, sdgs=[1], name="Udunan Luring", **fields)

    assert first.slug == f"{agency.slug}-udunan"
    assert second.slug.startswith(f"{agency.slug}-udunan-")
    assert len({first.slug, second.slug}) == 2


def test_create_proposal_refusals(agency, operator):
    edition = make_edition()
    closed = make_edition(open_now=False)
    track = make_track(edition, "Umum")
    innovation = make_innovation(agency)

    with pytest.raises(WorkflowError) as error:
        create_proposal(edition=closed, track=track, innovation=innovation, by=operator)
    assert error.value.messages == [f"{closed.name} does not accept new proposals now."]

    with pytest.raises(WorkflowError) as error:
        create_proposal(
            edition=edition, track=make_track(closed, "Umum"), innovation=innovation, by=operator
        )
    assert error.value.messages == [f"Choose a track of {edition.name}."]

    create_proposal(edition=edition, track=track, innovation=innovation, by=operator)
    with pytest.raises(WorkflowError) as error:
        create_proposal(edition=edition, track=track, innovation=innovation, by=operator)
    assert error.value.messages == [
        f"“{innovation.title}” is already entered in {edition.name}: one innovation enters once."
    ]

    stranger = make_operator(make_agency("Dinas Perhubungan"))
    with pytest.raises(WorkflowError):
        create_proposal(
            edition=edition, track=track, innovation=make_innovation(agency), by=stranger
        )
    assert Proposal.objects.count() == 1


def test_copy_needs_an_earlier_edition(agency, operator):
    current = make_edition()
    proposal = make_proposal(current, agency=agency)
    later = make_edition(
        submission_opens_at=current.submission_opens_at - datetime.timedelta(days=1)
    )

    with pytest.raises(WorkflowError) as error:
        copy_proposal(proposal, edition=current, track=proposal.track, by=operator)
    assert error.value.messages == ["Only a proposal of an earlier edition can be copied."]
    with pytest.raises(WorkflowError):
        copy_proposal(proposal, edition=later, track=make_track(later, "Umum"), by=operator)


def test_copy_refuses_another_agency(agency):
    old = make_proposal(make_edition(open_now=False), agency=agency, status=S.VERIFIED)
    edition = make_edition()

    with pytest.raises(WorkflowError):
        copy_proposal(
            old,
            edition=edition,
            track=make_track(edition, "Umum"),
            by=make_operator(make_agency("Dinas Perhubungan")),
        )

    assert Proposal.objects.filter(edition=edition).count() == 0


def test_creating_and_copying_write_the_first_history_row_and_its_audit_event(agency, operator):
    from audit.models import AuditEvent
    from innovations.models import ProposalStatusChange

    earlier = make_edition(
        open_now=False, year=2021, name="KIKS 2021", slug="kiks-2021", is_published=True
    )
    source = make_proposal(earlier, agency=agency)
    edition = make_edition()
    created = create_proposal(
        edition=edition,
        track=make_track(edition, "Umum"),
        innovation=make_innovation(agency),
        by=operator,
    )
    copy = copy_proposal(source, edition=edition, track=created.track, by=operator)

    history = list(
        ProposalStatusChange.objects.filter(proposal__in=[created, copy])
        .order_by("id")
        .values_list("proposal_id", "from_status", "to_status", "by", "note")
    )
    assert history == [
        (created.pk, "", S.DRAFT, operator.pk, ""),
        (copy.pk, "", S.DRAFT, operator.pk, "Copied from KIKS 2021."),
    ]
    events = list(
        AuditEvent.objects.order_by("id").values_list(
            "action", "object_type", "object_id", "actor", "after", "note"
        )
    )
    assert events == [
        ("proposal.create", "innovations.proposal", str(created.pk), operator.pk,
         {"status": "draft"}, ""),
        ("proposal.create", "innovations.proposal", str(copy.pk), operator.pk,
         {"status": "draft"}, "Copied from KIKS 2021."),
    ]  # fmt: skip


def test_editor_edits_keep_the_draft_when_the_file_is_refused_and_then_do_not_submit(
    agency, operator
):
    from innovations.services import save_proposal_edits
    from tests.factories import uploaded

    proposal = make_proposal(make_edition(), agency=agency)
    files = proposal.attachments.count()
    upload = {"kind": "photo", "uploaded_file": uploaded("foto.jpg", b"not a photo"),
              "section": None, "caption": ""}  # fmt: skip

    outcome = save_proposal_edits(
        proposal,
        by=operator,
        draft={"answers": {"ringkasan": "Teks baru yang diketik."}},
        upload=upload,
        submit=True,
    )

    assert (outcome.attached, outcome.submitted, outcome.submit_errors) == (None, False, [])
    assert len(outcome.upload_errors) == 1
    assert answer_texts(proposal)["ringkasan"] == "Teks baru yang diketik."
    proposal.refresh_from_db()
    assert (proposal.status, proposal.attachments.count()) == (S.DRAFT, files)


def test_editor_edits_submit_after_saving(agency, operator):
    from innovations.services import save_proposal_edits

    proposal = make_proposal(make_edition(), agency=agency)

    outcome = save_proposal_edits(proposal, by=operator, draft={"video_url": ""}, submit=True)

    assert (outcome.submitted, outcome.submit_errors) == (
        False,
        ["Give a link to the innovation's video (an http or https address)."],
    )
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT
    outcome = save_proposal_edits(
        proposal, by=operator, draft={"video_url": "https://video.example/kiks"}, submit=True
    )
    assert (outcome.submitted, outcome.submit_errors) == (True, [])
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED
