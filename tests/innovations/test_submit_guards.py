"""Each guard of submission, on the server, with every failure listed at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from innovations.checklist import submission_checklist
from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, SectionAnswer
from innovations.services import WorkflowError, submit_proposal
from tests.factories import (
    add_attachment,
    make_agency,
    make_edition_window,
    make_innovation,
    make_operator,
    make_proposal,
    words,
)

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
OPENS = datetime.datetime(2021, 1, 4, 8, 0, tzinfo=WIB)
CLOSES = datetime.datetime(2021, 3, 31, 23, 59, tzinfo=WIB)


@pytest.fixture
def agency():
    return make_agency("Dinas Sosial")


@pytest.fixture
def operator(agency):
    return make_operator(agency)


@pytest.fixture
def edition():
    return make_edition_window(OPENS, CLOSES, name="KIKS 2021", year=2021)


def _problems(proposal, now):
    return [item.problem for item in submission_checklist(proposal, now=now) if not item.ok]


def _refusal(proposal, operator, now):
    with pytest.raises(WorkflowError) as error:
        submit_proposal(proposal, by=operator, now=now)
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT
    return error.value.messages


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (OPENS - datetime.timedelta(seconds=1), False),
        (OPENS, True),
        (CLOSES - datetime.timedelta(seconds=1), True),
        (CLOSES, False),
        (CLOSES + datetime.timedelta(seconds=1), False),
    ],
    ids=["a second before opening", "at opening", "last second", "at closing", "after"],
)
def test_window_is_checked_to_the_second(agency, operator, edition, now, accepted):
    proposal = make_proposal(edition, agency=agency)

    if accepted:
        submit_proposal(proposal, by=operator, now=now)
        assert Proposal.objects.get(pk=proposal.pk).submitted_at == now
    else:
        expected = (
            "The submission window of KIKS 2021 is not open yet."
            if now < OPENS
            else "The submission window of KIKS 2021 is closed."
        )
        assert _refusal(proposal, operator, now) == [expected]


def test_window_label_shows_the_closing_time_in_wib(agency, edition):
    proposal = make_proposal(edition, agency=agency)

    window = submission_checklist(proposal, now=OPENS)[0]

    assert window.label == "Submission window is open (closes 31 March 2021 23:59 WIB)"


def test_sent_back_proposal_may_be_resubmitted_after_the_window_until_verification_closes(
    agency, operator, edition
):
    proposal = make_proposal(edition, agency=agency, status=S.CHANGES_REQUESTED)
    after_window = CLOSES + datetime.timedelta(days=3)

    submit_proposal(proposal, by=operator, now=after_window)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def _set_words(proposal, key, count):
    answer = SectionAnswer.objects.get(proposal=proposal, section__key=key)
    answer.text, answer.word_count = words(count), count
    answer.save()


@pytest.mark.parametrize(
    ("key", "count", "message"),
    [
        ("latar_belakang", 0, "Section “Latar Belakang dan Tujuan” is empty."),
        (
            "latar_belakang",
            99,
            "Section “Latar Belakang dan Tujuan” has 99 words; at least 100 are needed.",
        ),
        (
            "latar_belakang",
            1001,
            "Section “Latar Belakang dan Tujuan” has 1001 words; at most 1000 are allowed.",
        ),
        ("ringkasan", 0, "Section “Ringkasan” is empty."),
        ("ringkasan", 29, "Section “Ringkasan” has 29 words; at least 30 are needed."),
        ("ringkasan", 201, "Section “Ringkasan” has 201 words; at most 200 are allowed."),
        ("sumber_daya", 49, "Section “Sumber Daya” has 49 words; at least 50 are needed."),
        ("signifikansi", 1501, "Section “Signifikansi” has 1501 words; at most 1500 are allowed."),
    ],
)
def test_each_section_must_be_filled_within_its_limits(
    agency, operator, edition, key, count, message
):
    proposal = make_proposal(edition, agency=agency)
    _set_words(proposal, key, count)

    assert _refusal(proposal, operator, OPENS) == [message]


@pytest.mark.parametrize(("key", "count"), [("ringkasan", 30), ("ringkasan", 200)])
def test_word_limits_are_inclusive(agency, operator, edition, key, count):
    proposal = make_proposal(edition, agency=agency)
    _set_words(proposal, key, count)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_optional_section_may_stay_empty(agency, operator, edition):
    edition.sections.filter(key="sumber_daya").update(is_required=False)
    proposal = make_proposal(edition, agency=agency)
    _set_words(proposal, "sumber_daya", 0)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (AttachmentKind.SK_LETTER, "Attach the initiator's decree letter (SK) as a PDF."),
        (AttachmentKind.PHOTO, "Add at least one photo of the innovation."),
        (AttachmentKind.DOCUMENT, "Section “Signifikansi” needs a supporting document (PDF)."),
    ],
)
def test_required_files(agency, operator, edition, kind, message):
    proposal = make_proposal(edition, agency=agency)
    proposal.attachments.filter(kind=kind).delete()

    assert _refusal(proposal, operator, OPENS) == [message]


@pytest.mark.parametrize(
    "video_url",
    ["", "youtube.com/watch?v=abc", "ftp://video.example/a.mp4", "javascript:alert(1)", "https://"],
)
def test_video_link_must_be_an_http_address(agency, operator, edition, video_url):
    proposal = make_proposal(edition, agency=agency, video_url=video_url)

    assert _refusal(proposal, operator, OPENS) == [
        "Give a link to the innovation's video (an http or https address)."
    ]


@pytest.mark.parametrize("video_url", ["http://video.example/a", "https://youtu.be/xyz?t=1"])
def test_video_link_accepted(agency, operator, edition, video_url):
    proposal = make_proposal(edition, agency=agency, video_url=video_url)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_at_least_one_sdg(agency, operator, edition):
    proposal = make_proposal(edition, agency=agency)
    proposal.innovation.sdgs.clear()

    assert _refusal(proposal, operator, OPENS) == [
        "Choose at least one Sustainable Development Goal the innovation serves."
    ]


@pytest.mark.parametrize(
    ("started_on", "closing", "accepted"),
    [
        # Six months before 28 Feb 2021 is 31 Aug 2020 (clamped to the month's end).
        (datetime.date(2020, 8, 31), datetime.datetime(2021, 2, 28, 23, 59, tzinfo=WIB), True),
        (datetime.date(2020, 9, 1), datetime.datetime(2021, 2, 28, 23, 59, tzinfo=WIB), False),
        (datetime.date(2020, 9, 30), CLOSES, True),
        (datetime.date(2020, 10, 1), CLOSES, False),
    ],
)
def test_months_in_operation_by_the_closing_date(agency, operator, started_on, closing, accepted):
    edition = make_edition_window(OPENS, closing)
    innovation = make_innovation(agency, started_on=started_on)
    proposal = make_proposal(edition, agency=agency, innovation=innovation)

    if accepted:
        submit_proposal(proposal, by=operator, now=OPENS)
        assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED
    else:
        [message] = _refusal(proposal, operator, OPENS)
        assert message.startswith("The innovation must have been in operation for 6 months by ")
        assert f"it started on {started_on.day} " in message


def test_closing_date_is_the_wib_date(agency, operator):
    # 23:59 WIB on 28 February is 16:59 UTC the same day: the day counted is the 28th in Jakarta.
    closing = datetime.datetime(2021, 2, 28, 16, 59, tzinfo=datetime.UTC)
    edition = make_edition_window(OPENS, closing)
    innovation = make_innovation(agency, started_on=datetime.date(2020, 8, 28))
    proposal = make_proposal(edition, agency=agency, innovation=innovation)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_cap_counts_handed_in_proposals_of_the_agency(agency, operator):
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=2)
    make_proposal(edition, agency=agency, status=S.SUBMITTED)
    make_proposal(edition, agency=agency, status=S.VERIFIED)
    make_proposal(edition, agency=agency, status=S.REJECTED)  # refused: does not count
    make_proposal(edition, agency=agency, status=S.WITHDRAWN)  # withdrawn: does not count
    make_proposal(edition, status=S.SUBMITTED)  # another agency
    proposal = make_proposal(edition, agency=agency)

    assert _refusal(proposal, operator, OPENS) == [
        "Dinas Sosial has already handed in 2 proposals to "
        f"{edition.name}, the most this edition allows."
    ]


def test_cap_not_reached_allows_submission(agency, operator):
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=2)
    make_proposal(edition, agency=agency, status=S.CHANGES_REQUESTED)
    proposal = make_proposal(edition, agency=agency)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_resubmitting_a_sent_back_proposal_does_not_count_itself_against_the_cap(agency, operator):
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=1)
    proposal = make_proposal(edition, agency=agency, status=S.CHANGES_REQUESTED)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED


def test_every_failure_is_listed_at_once(agency, operator):
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=1)
    make_proposal(edition, agency=agency, status=S.SUBMITTED)
    innovation = make_innovation(agency, started_on=datetime.date(2021, 1, 1), sdgs=())
    proposal = make_proposal(edition, agency=agency, innovation=innovation, complete=False)
    add_attachment(proposal, AttachmentKind.PHOTO)

    messages = _refusal(proposal, operator, CLOSES)

    assert messages[0] == f"The submission window of {edition.name} is closed."
    assert len(messages) == 1 + 8 + 1 + 1 + 1 + 1 + 1 + 1  # window, sections, evidence, SK,
    # video, SDG, months, cap
    assert messages[-1] == (
        f"Dinas Sosial has already handed in 1 proposal to {edition.name}, the most this "
        "edition allows."
    )
    assert "Add at least one photo of the innovation." not in messages


@pytest.fixture
def dinkes_and_unit():
    dinkes = make_agency("Dinas Kesehatan")
    puskesmas = make_agency("Puskesmas Tipar", parent=dinkes)
    return dinkes, puskesmas, make_operator(puskesmas)


def test_the_cap_counts_an_agency_with_its_units(dinkes_and_unit):
    dinkes, puskesmas, operator = dinkes_and_unit
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=2)
    make_proposal(edition, agency=dinkes, status=S.SUBMITTED)
    make_proposal(edition, agency=puskesmas, status=S.VERIFIED)
    proposal = make_proposal(edition, agency=puskesmas)

    assert _refusal(proposal, operator, OPENS) == [
        "Dinas Kesehatan and its units have already handed in 2 proposals to "
        f"{edition.name}, the most this edition allows."
    ]


def test_an_edition_may_give_each_unit_a_cap_of_its_own(dinkes_and_unit):
    dinkes, puskesmas, operator = dinkes_and_unit
    edition = make_edition_window(OPENS, CLOSES, max_per_agency=1, cap_counts_units=False)
    make_proposal(edition, agency=dinkes, status=S.SUBMITTED)
    proposal = make_proposal(edition, agency=puskesmas)

    submit_proposal(proposal, by=operator, now=OPENS)

    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED
