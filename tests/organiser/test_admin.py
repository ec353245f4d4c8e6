from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.enums import AgencyKind
from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    Edition,
    Proposal,
    ProposalStatusChange,
    SectionTemplate,
)
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
)

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/innovations/proposal/"


def statuses(*proposals):
    return [Proposal.objects.get(pk=p.pk).status for p in proposals]


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def two_waiting():
    edition = make_edition()
    agencies = [make_agency("Dinas Sosial"), make_agency("Dinas PUPR")]
    operators = [make_operator(agency) for agency in agencies]
    proposals = [make_proposal(edition, agency=a, status=S.SUBMITTED) for a in agencies]
    return proposals, operators


# --- Bulk actions ----------------------------------------------------------------------------


def test_bulk_verify(client, two_waiting, django_capture_on_commit_callbacks, mailoutbox):
    proposals, operators = two_waiting
    organiser = make_organiser()
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "verify_selected", "_selected_action": [p.pk for p in proposals]},
            follow=True,
        )

    assert statuses(*proposals) == [S.VERIFIED, S.VERIFIED]
    assert sorted(ProposalStatusChange.objects.values_list("to_status", "by")) == [
        ("verified", organiser.pk),
        ("verified", organiser.pk),
    ]
    assert messages_of(response) == ["Verify: 2 proposals done."]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(o.email for o in operators)


def test_bulk_request_changes_asks_for_one_note_first(client, two_waiting):
    proposals, _operators = two_waiting
    client.force_login(make_organiser())

    response = client.post(
        CHANGELIST,
        {"action": "request_changes_selected", "_selected_action": [p.pk for p in proposals]},
    )

    assert response.status_code == 200
    assert response.templates[0].name == "admin/innovations/proposal/decide.html"
    assert [p.pk for p in response.context["proposals"]] == sorted(p.pk for p in proposals)[::-1]
    assert statuses(*proposals) == [S.SUBMITTED, S.SUBMITTED]


def test_bulk_request_changes_applies_the_note_to_every_proposal(
    client, two_waiting, django_capture_on_commit_callbacks, mailoutbox
):
    proposals, _operators = two_waiting
    client.force_login(make_organiser())
    data = {
        "action": "request_changes_selected",
        "_selected_action": [p.pk for p in proposals],
        "post": "yes",
        "note": "Lengkapi data pendukung.",
        **{f"seen-{p.pk}": "submitted" for p in proposals},
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, data)

    assert (response.status_code, response["Location"]) == (302, CHANGELIST)
    assert statuses(*proposals) == [S.CHANGES_REQUESTED, S.CHANGES_REQUESTED]
    assert list(ProposalStatusChange.objects.values_list("note", flat=True)) == [
        "Lengkapi data pendukung.",
        "Lengkapi data pendukung.",
    ]
    assert all("Lengkapi data pendukung." in m.body for m in mailoutbox)
    assert len(mailoutbox) == 2


@pytest.mark.parametrize("action", ["request_changes_selected", "reject_selected"])
def test_bulk_note_is_required(client, two_waiting, action):
    proposals, _operators = two_waiting
    client.force_login(make_organiser())

    response = client.post(
        CHANGELIST,
        {
            "action": action,
            "_selected_action": [p.pk for p in proposals],
            "post": "yes",
            "note": "   ",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"note": ["This field is required."]}
    assert statuses(*proposals) == [S.SUBMITTED, S.SUBMITTED]
    assert ProposalStatusChange.objects.count() == 0


def test_bulk_reject_with_one_reason(client, two_waiting):
    proposals, _operators = two_waiting
    client.force_login(make_organiser())

    client.post(
        CHANGELIST,
        {
            "action": "reject_selected",
            "_selected_action": [p.pk for p in proposals],
            "post": "yes",
            "note": "Bukan inovasi.",
        },
    )

    assert statuses(*proposals) == [S.REJECTED, S.REJECTED]
    assert set(ProposalStatusChange.objects.values_list("note", flat=True)) == {"Bukan inovasi."}


def test_bulk_action_refuses_a_proposal_that_changed_after_the_confirmation_page(
    client, two_waiting
):
    proposals, _operators = two_waiting
    first, second = proposals
    client.force_login(make_organiser())
    Proposal.objects.filter(pk=second.pk).update(status=S.VERIFIED)  # decided meanwhile

    response = client.post(
        CHANGELIST,
        {
            "action": "request_changes_selected",
            "_selected_action": [first.pk, second.pk],
            "post": "yes",
            "note": "Perbaiki.",
            f"seen-{first.pk}": "submitted",
            f"seen-{second.pk}": "submitted",
        },
        follow=True,
    )

    assert statuses(first, second) == [S.CHANGES_REQUESTED, S.VERIFIED]
    assert messages_of(response) == [
        f"“{second}” was not changed: This proposal was changed meanwhile: it is now "
        "“Verified”. Reload the page.",
        "Request changes: 1 proposal done.",
    ]
    assert ProposalStatusChange.objects.count() == 1


def test_bulk_verify_refused_outside_the_verification_period(client):
    edition = make_edition(
        open_now=False, verification_closes_at=timezone.now() - timedelta(days=1)
    )
    proposal = make_proposal(edition, status=S.SUBMITTED)
    client.force_login(make_organiser())

    response = client.post(
        CHANGELIST, {"action": "verify_selected", "_selected_action": [proposal.pk]}, follow=True
    )

    assert statuses(proposal) == [S.SUBMITTED]
    assert messages_of(response) == [
        f"“{proposal}” was not changed: {edition.name} is not in its verification period: "
        "proposals cannot be verified, sent back or rejected now."
    ]


def test_leadership_and_operators_cannot_reach_the_admin_actions(client, two_waiting):
    proposals, operators = two_waiting
    for user in (make_leader(), operators[0], make_user(is_staff=True)):
        client.force_login(user)
        response = client.post(
            CHANGELIST, {"action": "verify_selected", "_selected_action": [proposals[0].pk]}
        )
        assert response.status_code in (302, 403)
    assert statuses(*proposals) == [S.SUBMITTED, S.SUBMITTED]


# --- Single decisions ------------------------------------------------------------------------


def test_single_decision_from_the_proposal_page(client, two_waiting):
    proposal = two_waiting[0][0]
    client.force_login(make_organiser())
    url = f"{CHANGELIST}{proposal.pk}/decide/request_changes/"

    page = client.get(f"{CHANGELIST}{proposal.pk}/change/")
    form = client.get(url)
    missing_note = client.post(url, {"note": "", "expected_status": "submitted"})
    done = client.post(url, {"note": "Tambahkan foto.", "expected_status": "submitted"})

    assert url in page.content.decode()
    assert form.status_code == 200
    assert missing_note.context["form"].errors == {
        "note": ["Write a note for the agency explaining the decision."]
    }
    assert (done.status_code, done["Location"]) == (302, f"{CHANGELIST}{proposal.pk}/change/")
    assert statuses(proposal) == [S.CHANGES_REQUESTED]


def test_single_decision_refused_when_seen_status_is_stale(client, two_waiting):
    proposal = two_waiting[0][0]
    client.force_login(make_organiser())
    Proposal.objects.filter(pk=proposal.pk).update(status=S.REJECTED)

    response = client.post(
        f"{CHANGELIST}{proposal.pk}/decide/verify/", {"expected_status": "submitted"}
    )

    assert response.status_code == 200
    assert messages_of(response) == [
        "This proposal was changed meanwhile: it is now “Rejected”. Reload the page."
    ]
    assert statuses(proposal) == [S.REJECTED]


def test_single_decision_needs_the_organiser_role(client, two_waiting):
    proposal = two_waiting[0][0]
    client.force_login(make_user(is_staff=True))
    response = client.post(
        f"{CHANGELIST}{proposal.pk}/decide/verify/", {"expected_status": "submitted"}
    )
    assert response.status_code == 403
    assert statuses(proposal) == [S.SUBMITTED]


# --- No direct status edit -------------------------------------------------------------------


def test_status_cannot_be_edited_in_the_admin_even_by_a_superuser(client, two_waiting):
    proposal = two_waiting[0][0]
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = f"{CHANGELIST}{proposal.pk}/change/"

    page = client.get(url)
    client.post(url, {"status": "verified", "submitted_at": "", "video_url": "https://x.example"})

    assert 'name="status"' not in page.content.decode()
    assert "status" not in page.context["adminform"].form.fields
    assert statuses(proposal) == [S.SUBMITTED]
    assert Proposal.objects.get(pk=proposal.pk).video_url == proposal.video_url


def test_status_history_is_read_only_in_the_admin(client, two_waiting):
    proposal = two_waiting[0][0]
    change = ProposalStatusChange.objects.create(
        proposal=proposal, from_status=S.DRAFT, to_status=S.SUBMITTED
    )
    client.force_login(make_user(is_staff=True, is_superuser=True))

    assert client.get("/admin/innovations/proposalstatuschange/add/").status_code == 403
    client.post(
        f"/admin/innovations/proposalstatuschange/{change.pk}/change/", {"to_status": "verified"}
    )
    response = client.post(
        f"/admin/innovations/proposalstatuschange/{change.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.to_status == S.SUBMITTED


def test_proposals_cannot_be_added_in_the_admin(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get(f"{CHANGELIST}add/").status_code == 403


# --- Lists, search, filters ------------------------------------------------------------------


def test_proposal_search_by_agency_innovation_name_and_acronym(client):
    edition = make_edition()
    sosial = make_agency("Dinas Sosial")
    cendol = make_proposal(
        edition,
        agency=sosial,
        innovation=make_innovation(sosial, name="Cerita dan dongeng online", acronym="Cendol"),
        status=S.SUBMITTED,
    )
    baros = make_agency("Kecamatan Baros", kind=AgencyKind.KECAMATAN)
    other = make_proposal(
        edition,
        agency=baros,
        innovation=make_innovation(baros, name="Sikalem", acronym="SKL"),
        status=S.SUBMITTED,
    )
    # A draft is the agency's own: never listed, whatever the search.
    draft = make_proposal(
        edition, agency=sosial, innovation=make_innovation(sosial, name="Dongeng draf")
    )
    client.force_login(make_organiser())

    def found(**params):
        response = client.get(CHANGELIST, params)
        return [p.pk for p in response.context["cl"].result_list]

    assert found(q="cendol") == [cendol.pk]
    assert found(q="dongeng") == [cendol.pk]
    assert found(q="Baros") == [other.pk]
    assert found(agency__kind__exact="kecamatan") == [other.pk]
    assert sorted(found(status__exact="submitted", edition__id__exact=edition.pk)) == sorted(
        [cendol.pk, other.pk]
    )
    assert found(status__exact="draft") == []
    assert draft.pk not in found(q="dongeng")


@pytest.mark.parametrize("rows", [1, 10])
def test_proposal_changelist_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    edition = make_edition()
    for n in range(rows):
        make_proposal(edition, track=make_track(edition, f"Jalur {n}"), status=S.SUBMITTED)
    client.force_login(make_organiser())

    # session, user, permissions (2), filters (editions, tracks), counts (2), rows,
    # date hierarchy (2)
    with django_assert_num_queries(11):
        response = client.get(CHANGELIST)

    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize(
    "model",
    [
        "edition",
        "track",
        "sectiontemplate",
        "sustainabledevelopmentgoal",
        "innovation",
        "proposal",
        "sectionanswer",
        "attachment",
        "proposalstatuschange",
        "compliancereminder",
    ],
)
def test_every_innovations_model_has_a_working_admin_list(client, model):
    make_proposal(make_edition(), status=S.SUBMITTED)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get(f"/admin/innovations/{model}/").status_code == 200


def test_organiser_reads_the_proposal_page_with_texts_files_and_history(client, two_waiting):
    proposal = two_waiting[0][0]
    ProposalStatusChange.objects.create(
        proposal=proposal, from_status=S.DRAFT, to_status=S.SUBMITTED, note="Dikirim"
    )
    client.force_login(make_organiser())

    response = client.get(f"{CHANGELIST}{proposal.pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [f.opts.__class__.__name__ for f in response.context["inline_admin_formsets"]] == [
        "SectionAnswerInline",
        "AttachmentInline",
        "StatusHistoryInline",
    ]
    assert "Dikirim" in html
    assert "foto.png" in html


def test_attachment_admin_never_shows_the_storage_path(client):
    proposal = make_proposal(make_edition(), status=S.SUBMITTED)
    attachment = Attachment.objects.filter(proposal=proposal, kind=AttachmentKind.PHOTO).get()
    client.force_login(make_organiser())

    html = client.get(f"/admin/innovations/attachment/{attachment.pk}/change/").content.decode()

    assert "foto.png" in html
    assert attachment.file.name not in html


# --- Editions and sections -------------------------------------------------------------------


def _edition_form(**overrides):
    now = timezone.localtime()
    opens, closes = now + timedelta(days=10), now + timedelta(days=40)
    data = {
        "year": now.year,
        "name": "KIKS Baru",
        "slug": "kiks-baru",
        "submission_opens_at_0": opens.strftime("%Y-%m-%d"),
        "submission_opens_at_1": "08:00:00",
        "submission_closes_at_0": closes.strftime("%Y-%m-%d"),
        "submission_closes_at_1": "16:00:00",
        "verification_closes_at_0": "",
        "verification_closes_at_1": "",
        "min_per_agency": "1",
        "max_per_agency": "",
        "min_months_in_operation": "6",
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_new_edition_gets_the_default_sections(client):
    client.force_login(make_organiser())

    response = client.post("/admin/innovations/edition/add/", _edition_form())

    assert response.status_code == 302
    edition = Edition.objects.get(slug="kiks-baru")
    assert list(edition.sections.values_list("key", flat=True)) == [
        "ringkasan",
        "latar_belakang",
        "kebaruan",
        "implementasi",
        "signifikansi",
        "adaptabilitas",
        "sumber_daya",
        "keberlanjutan",
    ]


def test_new_edition_with_its_own_sections_keeps_them(client):
    client.force_login(make_organiser())
    data = _edition_form(
        **{
            "sections-TOTAL_FORMS": "1",
            "sections-0-key": "ringkasan",
            "sections-0-order": "1",
            "sections-0-title": "Ringkasan",
            "sections-0-weight": "0",
            "sections-0-min_words": "0",
            "sections-0-is_required": "on",
        }
    )

    client.post("/admin/innovations/edition/add/", data)

    assert list(Edition.objects.get(slug="kiks-baru").sections.values_list("key", flat=True)) == [
        "ringkasan"
    ]


def test_sections_are_read_only_once_submissions_have_opened(client):
    opened = make_edition()
    section = opened.sections.get(key="ringkasan")
    client.force_login(make_organiser())

    page = client.get(f"/admin/innovations/edition/{opened.pk}/change/").content.decode()
    client.post(
        f"/admin/innovations/sectiontemplate/{section.pk}/change/",
        {"edition": opened.pk, "key": "ringkasan", "order": 1, "title": "Diubah", "weight": 0},
    )

    assert 'name="sections-0-title"' not in page
    assert "Ringkasan" in page
    section.refresh_from_db()
    assert section.title == "Ringkasan"


def test_sections_stay_editable_before_submissions_open(client):
    future = make_edition(
        submission_opens_at=timezone.now() + timedelta(days=5),
        submission_closes_at=timezone.now() + timedelta(days=30),
        verification_closes_at=None,
    )
    client.force_login(make_organiser())

    page = client.get(f"/admin/innovations/edition/{future.pk}/change/").content.decode()

    assert 'name="sections-0-title"' in page
    assert SectionTemplate.objects.filter(edition=future).count() == 8
