"""The operator's pages: who sees what, the editor, new proposals, copies, the dashboard."""

import datetime

import pytest
from django.urls import reverse

from innovations.enums import AttachmentKind
from innovations.enums import ProposalStatus as S
from innovations.models import Innovation, Proposal, ProposalStatusChange
from innovations.services import request_changes, submit_proposal
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
from tests.innovations.utils import answer_texts, editor_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency():
    return make_agency("Dinas Perpustakaan dan Kearsipan Daerah", short_name="Dispusipda")


@pytest.fixture
def operator(agency):
    return make_operator(agency, "operator.dispusipda")


@pytest.fixture
def edition():
    return make_edition(name="KIKS 2026", min_per_agency=1)


def _url(name, proposal):
    return reverse(f"innovations:{name}", kwargs={"pk": proposal.pk})


OPERATOR_PAGES = [
    ("proposal_detail", "get"),
    ("proposal_edit", "get"),
    ("proposal_edit", "post"),
    ("proposal_preview", "get"),
    ("proposal_print", "get"),
    ("proposal_submit", "post"),
    ("proposal_withdraw", "post"),
    ("proposal_copy", "get"),
    ("proposal_copy", "post"),
]


@pytest.mark.parametrize(("name", "method"), OPERATOR_PAGES)
def test_other_agencys_proposal_is_404_on_every_page(client, edition, name, method):
    proposal = make_proposal(edition, agency=make_agency("Dinas Sosial"))
    client.force_login(make_operator(make_agency("Dinas Perhubungan")))
    before = (Proposal.objects.get(pk=proposal.pk).status, answer_texts(proposal))

    response = getattr(client, method)(_url(name, proposal), editor_data(proposal, action="submit"))

    assert response.status_code == 404
    assert (Proposal.objects.get(pk=proposal.pk).status, answer_texts(proposal)) == before


@pytest.mark.parametrize(("name", "method"), OPERATOR_PAGES)
def test_anonymous_visitor_is_sent_to_log_in(client, edition, name, method):
    proposal = make_proposal(edition)

    response = getattr(client, method)(_url(name, proposal))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "method"),
    [("proposal_edit", "get"), ("proposal_submit", "post"), ("proposal_withdraw", "post")],
)
def test_organiser_sees_but_may_not_act_for_the_agency(client, edition, name, method):
    proposal = make_proposal(edition, status=S.SUBMITTED)
    draft = make_proposal(edition)
    client.force_login(make_organiser())

    assert client.get(_url("proposal_detail", proposal)).status_code == 200
    assert getattr(client, method)(_url(name, proposal)).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED
    # A draft is the agency's own: not even visible.
    assert client.get(_url("proposal_detail", draft)).status_code == 404
    assert getattr(client, method)(_url(name, draft)).status_code == 404


@pytest.mark.parametrize("url_name", ["operator_dashboard", "proposal_list", "proposal_create"])
def test_operator_lists_need_the_operator_role(client, url_name):
    url = reverse(f"innovations:{url_name}")
    assert client.get(url).status_code == 302
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(make_leader())
    assert client.get(url).status_code == 403


def test_detail_shows_the_status_history(client, edition, agency, operator):
    organiser = make_organiser("organisasi", first_name="Bagian", last_name="Organisasi")
    proposal = make_proposal(edition, agency=agency)
    submit_proposal(proposal, by=operator)
    request_changes(proposal, by=organiser, note="Perbaiki foto kegiatan.")
    client.force_login(operator)

    response = client.get(_url("proposal_detail", proposal))

    history = response.context["history"]
    assert [(c.from_status, c.to_status, c.by, c.note) for c in history] == [
        ("draft", "submitted", operator, ""),
        ("submitted", "changes_requested", organiser, "Perbaiki foto kegiatan."),
    ]
    html = response.content.decode()
    assert "Bagian Organisasi" in html
    assert "Perbaiki foto kegiatan." in html
    assert response.context["can_edit"] is True


def test_editor_save_draft_round_trip(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency, complete=False)
    client.force_login(operator)
    data = editor_data(
        proposal,
        texts={"ringkasan": "Cendol membawa dongeng ke rumah.  \r\nBaris kedua.", "kebaruan": ""},
        video_url=" https://youtu.be/cendol ",
        **{
            "innovation-name": "Cerita dan Dongeng Online",
            "innovation-acronym": "Cendol",
            "innovation-started_on": "2020-03-01",
            "innovation-sdgs": ["4", "10"],
            "innovation-is_digital": "on",
        },
    )

    response = client.post(_url("proposal_edit", proposal), data)

    assert response.status_code == 302
    assert response["Location"] == _url("proposal_edit", proposal)
    proposal.refresh_from_db()
    assert proposal.video_url == "https://youtu.be/cendol"
    answers = {a.section.key: (a.text, a.word_count) for a in proposal.answers.all()}
    assert answers == {"ringkasan": ("Cendol membawa dongeng ke rumah.  \nBaris kedua.", 7)}
    innovation = Innovation.objects.get(pk=proposal.innovation_id)
    assert (innovation.name, innovation.acronym, innovation.is_digital) == (
        "Cerita dan Dongeng Online",
        "Cendol",
        True,
    )
    assert innovation.started_on == datetime.date(2020, 3, 1)
    assert sorted(innovation.sdgs.values_list("number", flat=True)) == [4, 10]

    page = client.get(_url("proposal_edit", proposal)).content.decode()
    assert "Cendol membawa dongeng ke rumah." in page
    assert "Draft saved at" in page


def test_editor_saves_the_texts_even_when_a_field_is_wrong(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency, complete=False)
    started = proposal.innovation.started_on
    client.force_login(operator)
    data = editor_data(
        proposal,
        texts={"latar_belakang": words(120, "masalah")},
        **{"innovation-started_on": "31-02-2020", "innovation-sdgs": []},
    )

    response = client.post(_url("proposal_edit", proposal), data)

    assert response.status_code == 200
    assert answer_texts(proposal) == {"latar_belakang": words(120, "masalah")}
    assert Innovation.objects.get(pk=proposal.innovation_id).started_on == started
    form = response.context["innovation_form"]
    assert form.errors["started_on"] == ["Enter a valid date."]
    assert form.errors["sdgs"] == ["Choose at least one Sustainable Development Goal."]
    assert "they were not saved. Everything else was saved." in response.content.decode()


def test_editor_of_a_submitted_proposal_is_read_only(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency, status=S.SUBMITTED)
    client.force_login(operator)
    before = answer_texts(proposal)

    get = client.get(_url("proposal_edit", proposal))
    post = client.post(
        _url("proposal_edit", proposal),
        editor_data(proposal, texts={"ringkasan": "Diketik di tab lain"}),
    )

    assert (get.status_code, get["Location"]) == (302, _url("proposal_detail", proposal))
    assert post.status_code == 409
    html = post.content.decode()
    assert "Your changes were NOT saved:" in html
    assert "Diketik di tab lain" in html  # the typed text is shown again, to copy
    assert answer_texts(proposal) == before


def test_editor_submit_lists_every_problem_and_keeps_the_draft(
    client, edition, agency, operator, mailoutbox
):
    proposal = make_proposal(edition, agency=agency, complete=False)
    client.force_login(operator)

    response = client.post(
        _url("proposal_edit", proposal),
        editor_data(proposal, texts={"ringkasan": words(35)}, action="submit"),
    )

    assert response.status_code == 200
    assert response.context["submit_errors"] == [
        "Section “Latar Belakang dan Tujuan” is empty.",
        "Section “Kebaruan / Nilai Tambah” is empty.",
        "Section “Implementasi Inovasi” is empty.",
        "Section “Signifikansi” is empty.",
        "Section “Adaptabilitas” is empty.",
        "Section “Sumber Daya” is empty.",
        "Section “Strategi Keberlanjutan” is empty.",
        "Section “Signifikansi” needs a supporting document (PDF).",
        "Attach the initiator's decree letter (SK) as a PDF.",
        "Add at least one photo of the innovation.",
        "Give a link to the innovation's video (an http or https address).",
    ]
    assert answer_texts(proposal) == {"ringkasan": words(35)}
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT
    assert mailoutbox == []


def test_editor_submit_of_a_complete_proposal(
    client, edition, agency, operator, mailoutbox, django_capture_on_commit_callbacks
):
    proposal = make_proposal(edition, agency=agency)
    client.force_login(operator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("proposal_edit", proposal), editor_data(proposal, action="submit")
        )

    assert (response.status_code, response["Location"]) == (302, _url("proposal_detail", proposal))
    assert Proposal.objects.get(pk=proposal.pk).status == S.SUBMITTED
    assert [m.to for m in mailoutbox] == [[operator.email]]


def test_detail_submit_button(client, edition, agency, operator):
    incomplete = make_proposal(edition, agency=agency, complete=False)
    complete = make_proposal(edition, agency=agency)
    client.force_login(operator)

    refused = client.post(_url("proposal_submit", incomplete))
    accepted = client.post(_url("proposal_submit", complete))

    assert refused.status_code == 200
    assert len(refused.context["submit_errors"]) == 12  # 8 sections, evidence, SK, photo, video
    assert "The proposal was not submitted:" in refused.content.decode()
    assert accepted.status_code == 302
    assert Proposal.objects.get(pk=complete.pk).status == S.SUBMITTED
    assert Proposal.objects.get(pk=incomplete.pk).status == S.DRAFT


def test_withdraw_button(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency, status=S.SUBMITTED)
    client.force_login(operator)

    response = client.post(_url("proposal_withdraw", proposal), {"note": "Diganti inovasi lain."})

    assert response.status_code == 302
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.note) == (
        "submitted",
        "withdrawn",
        "Diganti inovasi lain.",
    )


def test_new_proposal_for_an_existing_innovation(client, edition, agency, operator):
    track = make_track(edition, "Umum")
    innovation = make_innovation(agency, name="Cerita dan Dongeng Online", acronym="Cendol")
    client.force_login(operator)

    page = client.get(reverse("innovations:proposal_create"))
    offered = list(page.context["form"].fields["innovation"].queryset)
    response = client.post(
        reverse("innovations:proposal_create"),
        {"agency": agency.pk, "track": track.pk, "innovation": innovation.pk},
    )

    assert offered == [innovation]
    proposal = Proposal.objects.get(edition=edition, innovation=innovation)
    assert response["Location"] == _url("proposal_edit", proposal)
    assert (proposal.agency, proposal.status, proposal.created_by) == (agency, S.DRAFT, operator)
    change = ProposalStatusChange.objects.get(proposal=proposal)
    assert (change.from_status, change.to_status, change.by) == ("", "draft", operator)


def test_new_proposal_with_a_new_innovation(client, edition, agency, operator):
    track = make_track(edition, "Umum")
    client.force_login(operator)

    response = client.post(
        reverse("innovations:proposal_create"),
        {
            "agency": agency.pk,
            "track": track.pk,
            "innovation": "",
            "new-name": "Perpustakaan Keliling Digital",
            "new-acronym": "Pusling",
            "new-expansion": "Perpustakaan Keliling",
            "new-started_on": "2024-02-01",
            "new-form": "pelayanan_publik",
            "new-stage": "penerapan",
            "new-initiator_kind": "team",
            "new-initiator_name": "Tim Pusling",
            "new-sdgs": ["4"],
        },
    )

    innovation = Innovation.objects.get(agency=agency, acronym="Pusling")
    assert (innovation.name, innovation.created_by, innovation.slug) == (
        "Perpustakaan Keliling Digital",
        operator,
        f"{agency.slug}-pusling",
    )
    assert list(innovation.sdgs.values_list("number", flat=True)) == [4]
    proposal = Proposal.objects.get(innovation=innovation)
    assert response["Location"] == _url("proposal_edit", proposal)


def test_new_proposal_refuses_an_innovation_already_entered(client, edition, agency, operator):
    track = make_track(edition, "Umum")
    entered = make_proposal(edition, agency=agency, track=track).innovation
    client.force_login(operator)

    response = client.post(
        reverse("innovations:proposal_create"),
        {"agency": agency.pk, "track": track.pk, "innovation": entered.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["innovation"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert Proposal.objects.filter(innovation=entered).count() == 1


def test_new_proposal_needs_an_open_edition(client, operator):
    make_edition(open_now=False)
    client.force_login(operator)

    response = client.get(reverse("innovations:proposal_create"))

    assert response.context["edition"] is None
    assert "No edition is taking proposals now." in response.content.decode()


def test_copy_a_proposal_of_an_earlier_edition(
    client, edition, agency, operator, django_capture_on_commit_callbacks
):
    old_edition = make_edition(open_now=False, name="KIKS 2021", year=2021)
    old_edition.sections.filter(key="sumber_daya").delete()  # a section the old form lacked
    edition.sections.filter(key="adaptabilitas").delete()  # and one the new form dropped
    old = make_proposal(old_edition, agency=agency, status=S.VERIFIED, video_url="https://v/1")
    track = make_track(edition, "Umum")
    client.force_login(operator)

    page = client.get(_url("proposal_copy", old))
    response = client.post(_url("proposal_copy", old), {"track": track.pk})

    assert page.status_code == 200
    copy = Proposal.objects.get(edition=edition, innovation=old.innovation)
    assert response["Location"] == _url("proposal_edit", copy)
    assert (copy.status, copy.copied_from, copy.video_url, copy.track) == (
        S.DRAFT,
        old,
        "https://v/1",
        track,
    )
    old_answers = answer_texts(old)
    assert answer_texts(copy) == {k: v for k, v in old_answers.items() if k != "adaptabilitas"}
    assert all(a.section.edition_id == edition.pk for a in copy.answers.all())
    copies = list(copy.attachments.order_by("kind"))
    originals = list(old.attachments.order_by("kind"))
    assert [(a.kind, a.original_name, a.size) for a in copies] == [
        (a.kind, a.original_name, a.size) for a in originals
    ]
    document = copy.attachments.get(kind=AttachmentKind.DOCUMENT)
    assert (document.section.edition, document.section.key) == (edition, "signifikansi")
    for new, original in zip(copies, originals, strict=True):
        assert new.file.name != original.file.name
        with new.file.open("rb") as a, original.file.open("rb") as b:
            assert a.read() == b.read()
    change = ProposalStatusChange.objects.get(proposal=copy)
    assert (change.to_status, change.by, change.note) == (
        "draft",
        operator,
        "Copied from KIKS 2021.",
    )
    assert Proposal.objects.get(pk=old.pk).status == S.VERIFIED  # the original is untouched


def test_copy_refused_when_the_innovation_is_already_entered(client, edition, agency, operator):
    old = make_proposal(make_edition(open_now=False), agency=agency, status=S.VERIFIED)
    make_proposal(edition, agency=agency, innovation=old.innovation)
    client.force_login(operator)

    response = client.get(_url("proposal_copy", old))

    assert (response.status_code, response["Location"]) == (302, _url("proposal_detail", old))
    assert Proposal.objects.filter(innovation=old.innovation).count() == 2


def test_dashboard_counts_the_obligation(client, edition, agency, operator):
    track = make_track(edition, "Umum")
    draft = make_proposal(edition, agency=agency, track=track)
    client.force_login(operator)

    before = client.get(reverse("innovations:operator_dashboard"))
    submit_proposal(draft, by=operator)
    after = client.get(reverse("innovations:operator_dashboard"))

    [standing] = before.context["summary"].standings
    assert (standing.handed_in, standing.required, standing.meets_obligation) == (0, 1, False)
    assert "0 of 1 required proposals submitted" in before.content.decode()
    [standing] = after.context["summary"].standings
    assert (standing.handed_in, standing.required, standing.meets_obligation) == (1, 1, True)
    assert "1 of 1 required proposals submitted" in after.content.decode()


def test_dashboard_of_a_unit_not_bound_by_the_obligation(client, edition):
    unit = make_agency("Puskesmas Tipar", kind="puskesmas", obligated=False)
    client.force_login(make_operator(unit))

    response = client.get(reverse("innovations:operator_dashboard"))

    [standing] = response.context["summary"].standings
    assert (standing.is_bound, standing.required) == (False, 0)
    assert "required proposals submitted" not in response.content.decode()


def test_dashboard_shows_the_countdown_and_the_latest_organiser_note(
    client, edition, agency, operator
):
    proposal = make_proposal(edition, agency=agency)
    submit_proposal(proposal, by=operator)
    request_changes(proposal, by=make_organiser(), note="Lengkapi SK inisiator.")
    client.force_login(operator)

    response = client.get(reverse("innovations:operator_dashboard"))

    assert response.context["summary"].latest_note.note == "Lengkapi SK inisiator."
    countdown = response.context["countdown"]
    assert countdown["remaining"]["days"] in (29, 30)
    html = response.content.decode()
    assert "Lengkapi SK inisiator." in html
    assert 'data-countdown data-deadline="' in html
    assert "js/countdown.js" in html


def test_shared_dashboard_card_for_operators(client, edition, agency, operator):
    make_proposal(edition, agency=agency, status=S.SUBMITTED)
    client.force_login(operator)

    html = client.get(reverse("dashboard")).content.decode()

    assert "Your agency&#x27;s proposals" in html or "Your agency's proposals" in html
    assert "1 of 1 required proposals submitted" in html
    assert reverse("innovations:operator_dashboard") in html


def _dashboard_rows(agency, edition, count):
    track = make_track(edition, "Umum")
    for _ in range(count):
        make_proposal(edition, agency=agency, track=track)


@pytest.mark.parametrize("count", [1, 6])
def test_dashboard_query_count_does_not_grow(
    client, edition, agency, operator, count, django_assert_num_queries
):
    _dashboard_rows(agency, edition, count)
    make_proposal(edition, agency=agency, status=S.SUBMITTED)
    client.force_login(operator)

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(reverse("innovations:operator_dashboard"))

    assert len(response.context["summary"].standings[0].proposals) == count + 1


@pytest.mark.parametrize("count", [1, 6])
def test_proposal_list_query_count_does_not_grow(
    client, edition, agency, operator, count, django_assert_num_queries
):
    old_edition = make_edition(open_now=False)
    for _ in range(count):
        make_proposal(edition, agency=agency)
        make_proposal(old_edition, agency=agency, status=S.VERIFIED)
    make_proposal(edition)  # another agency's: not listed
    client.force_login(operator)

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("innovations:proposal_list"))

    assert len(response.context["proposals"]) == 2 * count


# Session, user, operator check, agencies, open edition, permissions (2), proposals with their
# answers, files, SDGs and sections, the latest note, the user's groups (navigation).
DASHBOARD_QUERIES = 14
# Session, user, operator check, count, page of proposals, editions for the filter, permissions
# (2), the user's groups (navigation).
LIST_QUERIES = 9


def test_preview_and_print_show_the_proposal_as_judges_read_it(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency)
    SectionAnswer = proposal.answers.model
    SectionAnswer.objects.filter(proposal=proposal, section__key="ringkasan").update(
        text="Dongeng <b>daring</b> untuk anak.\n\nParagraf kedua.", word_count=7
    )
    client.force_login(operator)

    preview = client.get(_url("proposal_preview", proposal)).content.decode()
    printed = client.get(_url("proposal_print", proposal)).content.decode()

    for html in (preview, printed):
        assert '<section class="proposal-section mb-4" id="section-ringkasan">' in html
        assert "<p>Dongeng &lt;b&gt;daring&lt;/b&gt; untuk anak.</p>" in html
        assert "Latar Belakang dan Tujuan" in html
        sk = proposal.attachments.get(kind=AttachmentKind.SK_LETTER)
        assert reverse("innovations:attachment", kwargs={"pk": sk.pk}) in html
        assert 'href="https://video.example/kiks"' in html
    assert "This is exactly what the judges will read." in preview
    assert "js/print.js" in printed


def test_a_typed_javascript_link_is_never_a_link(client, edition, agency, operator):
    proposal = make_proposal(edition, agency=agency, video_url="javascript:alert(1)")
    client.force_login(operator)

    html = client.get(_url("proposal_preview", proposal)).content.decode()

    # Shown as the text it is, never as a link (common.links.safe_url).
    assert "javascript:alert(1)" in html
    assert 'href="javascript:' not in html
