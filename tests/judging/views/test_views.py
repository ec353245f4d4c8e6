from decimal import Decimal

import pytest
from django.urls import reverse

from innovations.enums import AttachmentKind
from judging.models import Assignment, ConflictDeclaration, ScoreSheet
from judging.selectors import judge_can_see_proposal
from judging.services import assign_judges, assign_manually, declare_conflicts, open_stage
from tests.factories import (
    add_attachment,
    make_agency,
    make_edition,
    make_judge,
    make_operator,
    make_organiser,
)
from tests.judging.helpers import desk_stage, scenario, score, sign, two_criteria, verified

pytestmark = pytest.mark.django_db
D = Decimal


def sheet_url(stage, proposal):
    return reverse("judging:sheet", kwargs={"stage_id": stage.pk, "proposal_id": proposal.pk})


# --- permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["judging:judge_home", "judging:stage_list"], ids=["judge", "organiser"]
)
def test_anonymous_goes_to_login(client, name):
    response = client.get(reverse(name))

    assert (response.status_code, response.url) == (302, f"/accounts/login/?next={reverse(name)}")


@pytest.mark.parametrize("name", ["judging:judge_home", "judging:stage_list"])
def test_operator_is_refused(client, name):
    client.force_login(make_operator(make_agency()))

    response = client.get(reverse(name))

    assert response.status_code == 403


def test_judge_cannot_open_organiser_pages(client):
    organiser = make_organiser()
    stage, (judge, _other), _entries = scenario(organiser)
    client.force_login(judge)

    pages = ["stage_detail", "assignments", "criteria", "panel"]
    codes = [client.get(reverse(f"judging:{p}", args=[stage.pk])).status_code for p in pages]

    assert codes == [403, 403, 403, 403]
    assert client.get(reverse("judging:ranking", args=[stage.pk])).status_code == 403


def test_judge_off_the_panel_gets_404(client):
    organiser = make_organiser()
    stage, _judges, (proposal, _p2) = scenario(organiser)
    client.force_login(make_judge())

    assert client.get(reverse("judging:judge_stage", args=[stage.pk])).status_code == 404
    assert client.get(sheet_url(stage, proposal)).status_code == 404


# --- the judge's flow ---------------------------------------------------------------------------


def test_judge_declares_scores_two_and_submits(client):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    proposals = verified(edition, 3)
    judge, other = make_judge(), make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge, other], criteria=two_criteria())
    for proposal in proposals:
        assign_manually(stage, judge=judge, proposal=proposal, by=organiser)
        assign_manually(stage, judge=other, proposal=proposal, by=organiser)
    open_stage(stage, by=organiser)
    client.force_login(judge)
    c1, c2 = stage.criteria.order_by("order")

    # Nothing is shown before the declaration.
    first = client.get(reverse("judging:judge_stage", args=[stage.pk]))
    assert (first.status_code, first.url) == (302, reverse("judging:declare", args=[stage.pk]))
    assert client.get(sheet_url(stage, proposals[0])).status_code == 302

    page = client.get(reverse("judging:declare", args=[stage.pk]))
    assert page.status_code == 200
    assert [row["entry"].proposal_id for row in page.context["form"].entries] == sorted(
        (p.pk for p in proposals), key=lambda pk: next(
            (p.agency.name, p.innovation.acronym) for p in proposals if p.pk == pk)
    )  # fmt: skip
    conflicted = proposals[2]
    declared = client.post(
        reverse("judging:declare", args=[stage.pk]),
        {
            f"conflict_{conflicted.pk}": "on",
            f"reason_{conflicted.pk}": "Istri saya bekerja di sana",
            "confirm_complete": "on",
            "sign_pledge": "on",
        },
    )
    assert (declared.status_code, declared.url) == (
        302,
        reverse("judging:judge_stage", args=[stage.pk]),
    )
    declaration = ConflictDeclaration.objects.get(stage=stage, judge=judge)
    assert (declaration.no_conflicts, declaration.pledge_signed_at is not None) == (False, True)

    listing = client.get(reverse("judging:judge_stage", args=[stage.pk]))
    listed = [a.proposal_id for a in listing.context["assignments"]]
    assert sorted(listed) == sorted([proposals[0].pk, proposals[1].pk])
    assert (listing.context["scored"], listing.context["total"]) == (0, 2)
    assert client.get(sheet_url(stage, conflicted)).status_code == 404

    for proposal, values in zip(listed, [(8, 7), (6, 5)], strict=True):
        url = reverse("judging:sheet", args=[stage.pk, proposal])
        assert client.get(url).status_code == 200
        draft = client.post(url, {f"score_{c1.pk}": values[0], f"comment_{c1.pk}": "Kuat",
                                  "overall_comment": "", "save": "1"})  # fmt: skip
        assert (draft.status_code, draft.url) == (302, url)
        submitted = client.post(url, {f"score_{c1.pk}": values[0], f"score_{c2.pk}": values[1],
                                      f"comment_{c1.pk}": "Kuat", "overall_comment": "Baik",
                                      "submit": "1"})  # fmt: skip
        assert submitted.status_code == 302

    sheets = ScoreSheet.objects.filter(assignment__judge=judge, status="submitted")
    assert sorted(sheets.values_list("total", flat=True)) == [D("56.0000"), D("76.0000")]
    done = client.get(reverse("judging:judge_stage", args=[stage.pk]))
    assert (done.context["scored"], done.context["total"]) == (2, 2)


def test_second_submission_is_told_and_keeps_what_was_typed(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    c1, c2 = stage.criteria.order_by("order")
    client.force_login(judge)
    data = {f"score_{c1.pk}": "9", f"score_{c2.pk}": "9", "overall_comment": "A", "submit": "1"}
    client.post(sheet_url(stage, proposal), data)

    again = client.post(sheet_url(stage, proposal), {**data, "overall_comment": "Kedua"})

    assert again.status_code == 400
    assert (
        again.context["form"].non_field_errors()[0].startswith("This sheet was already submitted (")
    )
    assert again.context["form"]["overall_comment"].value() == "Kedua"
    sheet = ScoreSheet.objects.get(assignment__judge=judge, assignment__proposal=proposal)
    assert (sheet.status, sheet.overall_comment) == ("submitted", "A")


def test_submit_with_a_missing_score_shows_errors_and_keeps_input(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    c1, c2 = stage.criteria.order_by("order")
    client.force_login(judge)

    response = client.post(
        sheet_url(stage, proposal),
        {f"score_{c1.pk}": "7", f"comment_{c2.pk}": "Tanpa nilai", "submit": "1"},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {f"score_{c2.pk}": ["Score this criterion before submitting."]}
    assert (form[f"score_{c1.pk}"].value(), form[f"comment_{c2.pk}"].value()) == (
        "7",
        "Tanpa nilai",
    )


def test_other_scores_visible_only_as_the_stage_allows(client):
    organiser = make_organiser()
    stage, (judge, other), (proposal, _p2) = scenario(organiser, score_visibility="after_own")
    score(stage, other, proposal, (4, 4))
    client.force_login(judge)

    before = client.get(sheet_url(stage, proposal))
    score(stage, judge, proposal, (6, 6))
    after = client.get(sheet_url(stage, proposal))

    assert before.context["others"] is None
    assert [sheet.total for sheet in after.context["others"]] == [D(40)]


# --- conflicts block access ---------------------------------------------------------------------


def test_conflict_blocks_the_proposal_and_its_attachments(client):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    agency = make_agency()
    (proposal,) = verified(edition, agency=agency)
    document = add_attachment(proposal, AttachmentKind.DOCUMENT)
    insider = make_judge(agency=agency)  # automatic conflict: member of the agency
    late, clean = make_judge(), make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[insider, late, clean],
                       criteria=two_criteria())  # fmt: skip
    assign_manually(stage, judge=late, proposal=proposal, by=organiser)
    assign_manually(stage, judge=clean, proposal=proposal, by=organiser)
    open_stage(stage, by=organiser)
    sign(stage, insider, late, clean)
    declare_conflicts(stage, judge=late, conflicts={proposal.pk: "Pernah jadi konsultan"})
    urls = [
        sheet_url(stage, proposal),
        reverse("judging:attachment", args=[document.pk]),
        reverse("innovations:attachment", kwargs={"pk": document.pk}),
    ]

    def codes(user):
        client.force_login(user)
        return [client.get(url).status_code for url in urls]

    assert codes(insider) == [404, 404, 404]
    assert codes(late) == [404, 404, 404]
    assert codes(clean) == [200, 200, 200]
    assert [judge_can_see_proposal(u, proposal) for u in (insider, late, clean)] == [
        False,
        False,
        True,
    ]


def test_assigned_judge_cannot_see_before_the_stage_opens():
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    (proposal,) = verified(edition)
    judge = make_judge()
    stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
    assign_judges(stage, by=organiser, seed=1)

    assert judge_can_see_proposal(judge, proposal) is False


# --- organiser pages ----------------------------------------------------------------------------


def test_organiser_assigns_opens_and_watches_progress(client):
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    verified(edition, 4)
    judges = [make_judge(), make_judge()]
    stage = desk_stage(organiser, edition=edition, judges=judges, criteria=two_criteria())
    client.force_login(organiser)

    assigned = client.post(reverse("judging:auto_assign", args=[stage.pk]))
    opened = client.post(reverse("judging:stage_open", args=[stage.pk]))
    detail = client.get(reverse("judging:stage_detail", args=[stage.pk]))

    assert (assigned.status_code, opened.status_code, detail.status_code) == (302, 302, 200)
    assert Assignment.objects.filter(stage=stage).count() == 8
    stage.refresh_from_db()
    assert stage.opened_at is not None
    assert [(row.judge, row.assigned, row.submitted) for row in detail.context["progress"]] == [
        (judge, 4, 0) for judge in sorted(judges, key=lambda u: u.username)
    ]
    for name in ["assignments", "criteria", "panel", "ranking", "stage_settings"]:
        assert client.get(reverse(f"judging:{name}", args=[stage.pk])).status_code == 200
    assert client.get(reverse("judging:stage_list")).status_code == 200


def test_criteria_weights_must_add_up_to_100(client):
    organiser = make_organiser()
    stage = desk_stage(organiser, criteria=two_criteria())
    client.force_login(organiser)
    c1, c2 = stage.criteria.order_by("order")
    data = {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "2",
        "criteria-0-id": c1.pk, "criteria-0-name": "A", "criteria-0-weight": "50",
        "criteria-0-scale_min": "1", "criteria-0-scale_max": "5",
        "criteria-1-id": c2.pk, "criteria-1-name": "B", "criteria-1-weight": "40",
        "criteria-1-scale_min": "1", "criteria-1-scale_max": "5",
    }  # fmt: skip

    refused = client.post(reverse("judging:criteria", args=[stage.pk]), data)
    data["criteria-1-weight"] = "50"
    saved = client.post(reverse("judging:criteria", args=[stage.pk]), data)

    assert refused.status_code == 400
    assert refused.context["formset"].non_form_errors() == [
        "The weights add up to 90; they must add up to 100."
    ]
    assert saved.status_code == 302
    assert list(stage.criteria.order_by("order").values_list("name", "weight", "scale_max")) == [
        ("A", D(50), D(5)),
        ("B", D(50), D(5)),
    ]


# --- pinned query counts ------------------------------------------------------------------------


def judge_page_with(entries):
    organiser = make_organiser()
    stage, (judge, _other), proposals = scenario(organiser, proposals=entries)
    score(stage, judge, proposals[0], (5, 5))
    return stage, judge


@pytest.mark.parametrize("entries", [1, 12])
def test_judge_stage_page_query_count(client, django_assert_num_queries, entries):
    stage, judge = judge_page_with(entries)
    client.force_login(judge)
    url = reverse("judging:judge_stage", args=[stage.pk])

    # session, user, judge role, stage, declaration, progress, assignments, user roles (nav)
    with django_assert_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    assert (response.context["scored"], response.context["total"]) == (1, entries)


def test_judge_list_pages_and_filters(client, monkeypatch):
    monkeypatch.setattr("judging.views.judge.JUDGE_PAGE_SIZE", 5)
    stage, judge = judge_page_with(12)
    client.force_login(judge)
    url = reverse("judging:judge_stage", args=[stage.pk])
    own_order = list(
        Assignment.objects.filter(stage=stage, judge=judge)
        .order_by("position", "pk")
        .values_list("proposal_id", flat=True)
    )
    submitted = ScoreSheet.objects.get(assignment__judge=judge, status="submitted")

    pages = [client.get(url, {"page": n}).context for n in (1, 2, 3)]
    assert [[a.proposal_id for a in p["assignments"]] for p in pages] == [
        own_order[0:5],
        own_order[5:10],
        own_order[10:12],
    ]
    assert [a.number for a in pages[2]["assignments"]] == [11, 12]
    assert [(p["page"], p["pages"]) for p in pages] == [(1, 3), (2, 3), (3, 3)]
    # A page past the end shows the last one.
    assert client.get(url, {"page": 9}).context["page"] == 3

    todo = client.get(url, {"show": "todo"})
    assert submitted.assignment.proposal_id not in [
        a.proposal_id for a in todo.context["assignments"]
    ]
    assert (todo.context["shown"], todo.context["todo"], todo.context["pages"]) == (11, 11, 3)
    done = client.get(url, {"show": "done"})
    assert [a.proposal_id for a in done.context["assignments"]] == [
        submitted.assignment.proposal_id
    ]
    assert "Page 1 of 3" in todo.content.decode()


def ranking_with(entries):
    organiser = make_organiser()
    stage, judges, proposals = scenario(organiser, judges=3, proposals=entries, shortlist_size=2)
    for judge in judges:
        for proposal in proposals:
            score(stage, judge, proposal, (5, 6))
    return organiser, stage


@pytest.mark.parametrize("entries", [1, 10])
def test_ranking_page_query_count(client, django_assert_num_queries, entries):
    organiser, stage = ranking_with(entries)
    client.force_login(organiser)
    url = reverse("judging:ranking", args=[stage.pk])

    # session, user, permissions (2), stage, criteria, results, track sizes, sheets, shortlists,
    # judge statistics (aggregate, panel, the judges shown), user roles (navigation)
    with django_assert_num_queries(14):
        response = client.get(url)

    assert response.status_code == 200
    assert sum(len(group["rows"]) for group in response.context["groups"]) == entries


# --- more pages ---------------------------------------------------------------------------------


def test_conflict_declared_from_the_sheet_excludes_it_and_alerts_the_organiser(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    client.force_login(judge)

    response = client.post(
        reverse("judging:entry_conflict", args=[stage.pk, proposal.pk]),
        {"reason": "Adik saya operatornya"},
    )

    assert (response.status_code, response.url) == (
        302,
        reverse("judging:judge_stage", args=[stage.pk]),
    )
    sheet = ScoreSheet.objects.get(assignment__judge=judge, assignment__proposal=proposal)
    assert (sheet.excluded, sheet.excluded_reason) == (
        True,
        "Conflict of interest between the judge and the proposal.",
    )
    assert client.get(sheet_url(stage, proposal)).status_code == 404
    client.force_login(organiser)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "1 entry to reassign" in dashboard
    detail = client.get(reverse("judging:stage_detail", args=[stage.pk]))
    assert [s.pk for s in detail.context["alerts"]] == [sheet.pk]


def test_declaration_needs_a_reason_for_each_conflict(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser, open_it=False)
    open_stage(stage, by=organiser)
    client.force_login(judge)

    response = client.post(
        reverse("judging:declare", args=[stage.pk]),
        {f"conflict_{proposal.pk}": "on", "confirm_complete": "on", "sign_pledge": "on"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"reason_{proposal.pk}": ["Give the reason for this conflict."]
    }
    assert ConflictDeclaration.objects.filter(judge=judge).exists() is False


def test_leadership_reads_the_ranking_only(client):
    from tests.factories import make_leader

    organiser = make_organiser()
    stage, _judges, _entries = scenario(organiser)
    client.force_login(make_leader())

    assert client.get(reverse("judging:ranking", args=[stage.pk])).status_code == 200
    assert client.get(reverse("judging:stage_detail", args=[stage.pk])).status_code == 403
    assert client.post(reverse("judging:recompute", args=[stage.pk])).status_code == 403


def test_entry_detail_and_reopen_from_the_page(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    sheet = score(stage, judge, proposal, (4, 4))
    client.force_login(organiser)
    url = reverse("judging:entry_detail", args=[stage.pk, proposal.pk])

    page = client.get(url)
    reopened = client.post(
        reverse("judging:reopen_sheet", args=[stage.pk, sheet.pk]), {"reason": "Salah kriteria"}
    )

    assert sorted(
        ((s.assignment.judge, s.status) for s in page.context["sheets"]), key=lambda p: p[0].pk
    ) == sorted([(judge, "submitted"), (_other, "draft")], key=lambda pair: pair[0].pk)
    assert (reopened.status_code, reopened.url) == (302, url)
    sheet.refresh_from_db()
    assert sheet.status == "draft"


@pytest.mark.parametrize("stages", [1, 4])
def test_judge_home_query_count(client, django_assert_num_queries, stages):
    organiser = make_organiser()
    judge = make_judge()
    for _ in range(stages):
        edition = make_edition(open_now=False)
        verified(edition, 2)
        stage = desk_stage(organiser, edition=edition, judges=[judge], criteria=two_criteria())
        assign_judges(stage, by=organiser, seed=1)
        open_stage(stage, by=organiser)
        sign(stage, judge)
    client.force_login(judge)

    # session, user, the user's roles (the judge check and the navigation share them), stages
    # with progress
    with django_assert_num_queries(4):
        response = client.get(reverse("judging:judge_home"))

    assert [(s.entry_count, s.scored_count, s.declared) for s in response.context["stages"]] == [
        (2, 0, True)
    ] * stages


@pytest.mark.parametrize(
    "model",
    ["stage", "conflict", "conflictdeclaration", "assignment", "scoresheet", "stageresult",
     "shortlist", "shortlistchange", "stageevent"],
)  # fmt: skip
def test_admin_lists_open_for_the_organiser(client, model):
    organiser = make_organiser()
    scenario(organiser)
    client.force_login(organiser)

    response = client.get(reverse(f"admin:judging_{model}_changelist"))

    assert response.status_code == 200


def test_admin_shows_a_sheet_read_only(client):
    organiser = make_organiser()
    stage, (judge, _other), (proposal, _p2) = scenario(organiser)
    sheet = score(stage, judge, proposal, (3, 3))
    client.force_login(organiser)

    response = client.get(reverse("admin:judging_scoresheet_change", args=[sheet.pk]))
    refused = client.post(reverse("admin:judging_scoresheet_change", args=[sheet.pk]), {})

    assert (response.status_code, response.context["has_change_permission"]) == (200, False)
    assert refused.status_code == 403
