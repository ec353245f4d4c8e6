from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.enums import AgencyKind
from innovations.enums import ProposalStatus as S
from innovations.models import Proposal, ProposalStatusChange, SectionAnswer
from innovations.review import (
    _difflib_scores,
    _has_trigram,
    _summary_section,
    _trigram_scores,
    possible_duplicates,
    proposal_for_review,
)
from innovations.services import WorkflowError, verify_proposal
from tests.factories import (
    make_agency,
    make_edition,
    make_innovation,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_track,
    make_user,
    words,
)

pytestmark = pytest.mark.django_db
QUEUE = "/penyelenggara/verifikasi/"


def submitted(edition, *, agency=None, minutes_ago=0, **extra):
    proposal = make_proposal(edition, agency=agency, status=S.SUBMITTED, **extra)
    Proposal.objects.filter(pk=proposal.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    proposal.refresh_from_db()
    return proposal


def review_url(proposal, action=""):
    return f"/penyelenggara/usulan/{proposal.pk}/{action}"


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- Queue -----------------------------------------------------------------------------------


def test_queue_urls_are_stable():
    assert reverse("innovations:organiser_queue") == QUEUE
    assert reverse("innovations:organiser_review", kwargs={"pk": 7}) == "/penyelenggara/usulan/7/"
    assert reverse("innovations:organiser_verify", kwargs={"pk": 7}) == (
        "/penyelenggara/usulan/7/verifikasi/"
    )


def test_queue_lists_submitted_proposals_oldest_first_without_drafts(client):
    edition = make_edition()
    newer = submitted(edition, minutes_ago=5)
    older = submitted(edition, minutes_ago=50)
    make_proposal(edition)  # a draft: the agency's own business
    make_proposal(edition, status=S.VERIFIED)
    submitted(make_edition(), minutes_ago=90)  # another edition
    client.force_login(make_organiser())

    response = client.get(QUEUE, {"edition": edition.slug})

    assert response.status_code == 200
    assert [p.pk for p in response.context["proposals"]] == [older.pk, newer.pk]


def test_queue_filters_by_track_agency_kind_and_status(client):
    edition = make_edition()
    umum, wilayah = make_track(edition, "Umum"), make_track(edition, "Kewilayahan")
    kecamatan = make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    in_umum = submitted(edition, track=umum)
    in_wilayah = submitted(edition, track=wilayah, agency=kecamatan)
    verified = make_proposal(edition, track=umum, status=S.VERIFIED)
    client.force_login(make_organiser())

    def listed(**params):
        response = client.get(QUEUE, {"edition": edition.slug, **params})
        return [p.pk for p in response.context["proposals"]]

    assert listed(track=umum.pk) == [in_umum.pk]
    assert listed(kind="kecamatan") == [in_wilayah.pk]
    assert listed(status="verified") == [verified.pk]
    assert sorted(listed(status="all")) == sorted([in_umum.pk, in_wilayah.pk, verified.pk])


def test_queue_shows_each_proposals_checklist_problems(client):
    edition = make_edition()
    complete = submitted(edition, minutes_ago=10)
    incomplete = submitted(edition, complete=False)
    client.force_login(make_organiser())

    response = client.get(QUEUE, {"edition": edition.slug})

    rows = {proposal.pk: problems for proposal, problems, _total in response.context["rows"]}
    assert rows[complete.pk] == []
    assert len(rows[incomplete.pk]) == 12  # 8 empty sections, evidence, SK letter, photo, video
    assert "12 problems" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 8])
def test_queue_query_count_does_not_grow_with_rows(client, django_assert_num_queries, rows):
    edition = make_edition()
    for n in range(rows):
        submitted(edition, agency=make_agency(f"Dinas {n}", parent=make_agency(f"Induk {n}")))
    client.force_login(make_organiser())

    # session, user, permissions (2), editions, tracks, count, page, answers, attachments,
    # sections, SDGs, groups for the navigation
    with django_assert_num_queries(13):
        response = client.get(QUEUE, {"edition": edition.slug})

    assert len(response.context["rows"]) == rows


# --- Review page -----------------------------------------------------------------------------


def test_review_page_shows_text_checklist_attachments_and_history(client):
    edition = make_edition()
    proposal = submitted(edition)
    SectionAnswer.objects.filter(proposal=proposal, section__key="ringkasan").update(
        text="Ringkasan inovasi yang unik sekali", word_count=5
    )
    ProposalStatusChange.objects.create(
        proposal=proposal, from_status=S.DRAFT, to_status=S.SUBMITTED, note="Dikirim"
    )
    client.force_login(make_organiser())

    response = client.get(review_url(proposal))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ringkasan inovasi yang unik sekali" in html
    assert [item.ok for item in response.context["checklist"]].count(False) == 1  # summary short
    assert [a.original_name for a, _url in response.context["attachments"]] == [
        "dokumen.pdf",  # evidence of a section
        "foto.png",
        "dokumen.pdf",  # SK letter
    ]
    assert [(c.from_status, c.to_status) for c in response.context["history"]] == [
        ("draft", "submitted")
    ]
    assert response.context["can_decide"] is True


def test_review_page_of_a_draft_is_404(client):
    client.force_login(make_organiser())
    assert client.get(review_url(make_proposal())).status_code == 404


# --- Decisions -------------------------------------------------------------------------------


@pytest.fixture
def waiting():
    agency = make_agency("Dinas Sosial")
    operator = make_operator(agency)
    return submitted(make_edition(), agency=agency), operator


def test_verify_records_change_mails_agency_and_goes_to_next_in_queue(
    client, waiting, django_capture_on_commit_callbacks, mailoutbox
):
    proposal, operator = waiting
    following = submitted(proposal.edition, minutes_ago=-5)
    organiser = make_organiser()
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            review_url(proposal, "verifikasi/"),
            {"verify-note": "", "verify-expected_status": "submitted"},
        )

    assert (response.status_code, response["Location"]) == (302, review_url(following))
    proposal.refresh_from_db()
    assert proposal.status == S.VERIFIED
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.by) == ("submitted", "verified", organiser)
    assert [m.to for m in mailoutbox] == [[operator.email]]


def test_last_decision_returns_to_the_queue(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())

    response = client.post(
        review_url(proposal, "verifikasi/"), {"verify-expected_status": "submitted"}
    )

    assert response["Location"] == f"{QUEUE}?edition={proposal.edition.slug}"


def test_request_changes_sends_the_note_to_the_agency(
    client, waiting, django_capture_on_commit_callbacks, mailoutbox
):
    proposal, operator = waiting
    client.force_login(make_organiser())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            review_url(proposal, "minta-perbaikan/"),
            {
                "request_changes-note": "  Lampirkan SK yang ditandatangani.  ",
                "request_changes-expected_status": "submitted",
            },
        )

    proposal.refresh_from_db()
    assert proposal.status == S.CHANGES_REQUESTED
    assert ProposalStatusChange.objects.get(proposal=proposal).note == (
        "Lampirkan SK yang ditandatangani."
    )
    assert "Lampirkan SK yang ditandatangani." in mailoutbox[0].body
    assert mailoutbox[0].to == [operator.email]


def test_reject_records_the_reason(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())

    client.post(
        review_url(proposal, "tolak/"),
        {"reject-note": "Bukan inovasi pelayanan publik.", "reject-expected_status": "submitted"},
    )

    proposal.refresh_from_db()
    assert proposal.status == S.REJECTED
    assert ProposalStatusChange.objects.get(proposal=proposal).note == (
        "Bukan inovasi pelayanan publik."
    )


@pytest.mark.parametrize(
    ("action", "prefix", "message"),
    [
        (
            "minta-perbaikan/",
            "request_changes",
            "Write a note for the agency explaining the decision.",
        ),
        ("tolak/", "reject", "Give the reason for the rejection."),
    ],
)
@pytest.mark.parametrize("note", ["", "   "])
def test_request_changes_and_reject_require_a_note(client, waiting, action, prefix, message, note):
    proposal, _operator = waiting
    client.force_login(make_organiser())

    response = client.post(
        review_url(proposal, action),
        {f"{prefix}-note": note, f"{prefix}-expected_status": "submitted"},
    )

    assert response.status_code == 200
    form = {d.key: f for d, f, _url in response.context["decisions"]}[prefix]
    assert form.errors == {"note": [message]}
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert ProposalStatusChange.objects.count() == 0


def test_second_organiser_is_refused_when_the_proposal_changed_meanwhile(client, waiting):
    proposal, _operator = waiting
    first, second = make_organiser(), make_organiser()
    client.force_login(second)
    client.get(review_url(proposal))  # the second organiser opens the page: "submitted"
    verify_proposal(proposal, by=first, expected_status=S.SUBMITTED)  # the first is faster

    response = client.post(
        review_url(proposal, "minta-perbaikan/"),
        {
            "request_changes-note": "Perbaiki ringkasan.",
            "request_changes-expected_status": "submitted",
        },
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "This proposal was changed meanwhile: it is now “Verified”. Reload the page."
    ]
    assert response.context["unsent_note"] == "Perbaiki ringkasan."
    assert "Perbaiki ringkasan." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.VERIFIED
    assert list(ProposalStatusChange.objects.values_list("to_status", "by")) == [
        ("verified", first.pk)
    ]


def test_verifying_twice_is_refused_not_recorded_twice(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())
    data = {"verify-expected_status": "submitted"}

    client.post(review_url(proposal, "verifikasi/"), data, follow=True)
    response = client.post(review_url(proposal, "verifikasi/"), data)

    assert response.status_code == 200
    assert messages_of(response) == [
        "This proposal was changed meanwhile: it is now “Verified”. Reload the page."
    ]
    assert ProposalStatusChange.objects.count() == 1


def test_decisions_refused_outside_the_verification_period(client):
    edition = make_edition(
        open_now=False, verification_closes_at=timezone.now() - timedelta(days=1)
    )
    proposal = submitted(edition)
    client.force_login(make_organiser())

    response = client.post(
        review_url(proposal, "verifikasi/"), {"verify-expected_status": "submitted"}
    )

    assert messages_of(response) == [
        f"{edition.name} is not in its verification period: proposals cannot be verified, "
        "sent back or rejected now."
    ]
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED
    assert response.context["in_verification"] is False


def test_service_enforces_the_verification_period_for_every_organiser_move():
    edition = make_edition(
        open_now=False, verification_closes_at=timezone.now() - timedelta(days=1)
    )
    proposal = submitted(edition)

    with pytest.raises(WorkflowError):
        verify_proposal(proposal, by=make_organiser())

    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_verification_period_without_end_allows_decisions():
    edition = make_edition(open_now=False, verification_closes_at=None)
    proposal = submitted(edition)
    verify_proposal(proposal, by=make_organiser())
    assert proposal.status == S.VERIFIED


# --- Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["queue", "review", "verify"])
def test_anonymous_visitor_goes_to_login(client, waiting, path):
    proposal, _operator = waiting
    url = {
        "queue": QUEUE,
        "review": review_url(proposal),
        "verify": review_url(proposal, "verifikasi/"),
    }[path]
    response = client.post(url) if path == "verify" else client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


@pytest.mark.parametrize("kind", ["user", "leader", "operator"])
def test_non_organisers_get_403_and_cannot_decide(client, waiting, kind):
    proposal, operator = waiting
    user = {"user": make_user, "leader": make_leader, "operator": lambda: operator}[kind]()
    client.force_login(user)

    assert client.get(QUEUE).status_code == 403
    assert client.get(review_url(proposal)).status_code == 403
    response = client.post(
        review_url(proposal, "verifikasi/"), {"verify-expected_status": "submitted"}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED


def test_decision_views_refuse_get(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())
    assert client.get(review_url(proposal, "verifikasi/")).status_code == 405


# --- Possible duplicates ---------------------------------------------------------------------


def _with_summary(edition, name, summary, *, status=S.SUBMITTED):
    agency = make_agency()
    proposal = make_proposal(
        edition, agency=agency, innovation=make_innovation(agency, name=name), status=status
    )
    SectionAnswer.objects.filter(proposal=proposal, section__key="ringkasan").update(
        text=summary, word_count=len(summary.split())
    )
    return proposal


@pytest.fixture
def lookalikes():
    edition = make_edition()
    summary = (
        "Warga mengurus akta kelahiran, kartu keluarga dan KTP elektronik dari rumah; petugas "
        "kelurahan mengantar dokumen yang sudah jadi langsung ke alamat pemohon."
    )
    this = _with_summary(edition, "Layanan Antar Jemput Dokumen Kependudukan", summary)
    same_name = _with_summary(
        edition, "Layanan Antar-Jemput Dokumen Kependudukan!", words(40, "berbeda")
    )
    same_summary = _with_summary(edition, "Dokumen Sampai Rumah", summary.replace("KTP", "KIA"))
    _with_summary(edition, "Bank Sampah Digital", words(40, "sampah"))
    _with_summary(edition, "Layanan Antar Jemput Dokumen Kependudukan", summary, status=S.DRAFT)
    _with_summary(make_edition(), "Layanan Antar Jemput Dokumen Kependudukan", summary)
    return this, same_name, same_summary


def _scores(function, proposal):
    proposal = proposal_for_review(proposal.pk, user=make_organiser())
    section = _summary_section(proposal.edition)
    summary = SectionAnswer.objects.get(proposal=proposal, section=section).text
    return function(proposal, section, summary)


def test_difflib_fallback_finds_similar_names_and_summaries_in_the_same_edition(lookalikes):
    this, same_name, same_summary = lookalikes

    scores = _scores(_difflib_scores, this)

    assert set(scores) == {same_name.pk, same_summary.pk}
    assert scores[same_name.pk][0] > 0.9
    assert scores[same_summary.pk][1] > 0.9


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL only")
def test_trigram_similarity_finds_similar_names_and_summaries_in_the_same_edition(lookalikes):
    this, same_name, same_summary = lookalikes
    assert _has_trigram() is True

    scores = _scores(_trigram_scores, this)

    assert set(scores) == {same_name.pk, same_summary.pk}
    assert scores[same_name.pk][0] > 0.9
    assert scores[same_summary.pk][1] > 0.8


def test_review_page_shows_duplicates_side_by_side(client, lookalikes):
    this, same_name, same_summary = lookalikes
    client.force_login(make_organiser())

    response = client.get(review_url(this))

    hints = response.context["duplicates"]
    assert {hint.proposal.pk for hint in hints} == {same_name.pk, same_summary.pk}
    html = response.content.decode()
    assert "Dokumen Sampai Rumah" in html
    assert review_url(same_name) in html


def test_no_duplicate_hints_for_a_distinct_proposal(lookalikes):
    this, _same_name, _same_summary = lookalikes
    distinct = _with_summary(this.edition, "Sistem Antrean Puskesmas", words(35, "antrean"))
    assert possible_duplicates(proposal_for_review(distinct.pk, user=make_organiser())) == []


def test_review_page_links_attachments_through_the_permission_checked_view(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())

    response = client.get(review_url(proposal))

    urls = [url for _attachment, url in response.context["attachments"]]
    assert urls == [
        reverse("innovations:attachment", kwargs={"pk": a.pk}) for a in proposal.attachments.all()
    ]
    assert "/media/" not in response.content.decode()


# --- Language and navigation -----------------------------------------------------------------


def test_desk_pages_render_in_indonesian(client, waiting):
    proposal, _operator = waiting
    client.cookies["kiks_language"] = "id"
    client.force_login(make_organiser())

    for url in (QUEUE, review_url(proposal), "/penyelenggara/kepatuhan/"):
        response = client.get(url)
        assert (url, response.status_code, response["Content-Language"]) == (url, 200, "id")


def test_navigation_and_dashboard_for_organiser_and_leadership(client):
    make_edition()
    client.force_login(make_organiser())
    organiser_page = client.get("/dasbor/").content.decode()
    client.force_login(make_leader())
    leader_page = client.get("/dasbor/").content.decode()

    assert QUEUE in organiser_page
    assert "/penyelenggara/kepatuhan/" in organiser_page
    assert QUEUE not in leader_page
    assert "/penyelenggara/kepatuhan/" in leader_page


def test_after_a_decision_the_page_names_what_was_decided_and_what_comes_next(client, waiting):
    proposal, _operator = waiting
    following = submitted(proposal.edition, minutes_ago=-5)
    submitted(proposal.edition, minutes_ago=-10)
    client.force_login(make_organiser())

    page = client.post(
        review_url(proposal, "verifikasi/"),
        {"verify-expected_status": "submitted"},
        follow=True,
    )

    assert [str(m) for m in page.context["messages"]] == [
        f"“{proposal.innovation.title}” of {proposal.agency.name}: Verified.",
        f"Next in the queue: “{following.innovation.title}” of {following.agency.name} "
        "(2 proposals wait).",
    ]
    assert page.context["proposal"].pk == following.pk


def test_after_the_last_decision_the_page_says_the_queue_is_empty(client, waiting):
    proposal, _operator = waiting
    client.force_login(make_organiser())

    page = client.post(
        review_url(proposal, "verifikasi/"), {"verify-expected_status": "submitted"}, follow=True
    )

    assert [str(m) for m in page.context["messages"]][-1] == (
        f"No proposal of {proposal.edition.name} waits for a decision any more."
    )
