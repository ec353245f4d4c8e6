"""The compliance board at national scale: exact totals for the whole edition, paginated and
filtered lists, a fixed number of queries, and the export and reminders still seeing every row."""

import csv
import io

import pytest
from django.urls import reverse

from agencies.enums import AgencyKind
from innovations.compliance import (
    STATUS_MET,
    STATUS_MISSING,
    BoardFilters,
    compliance_board,
    send_compliance_reminders,
)
from innovations.enums import ProposalStatus as S
from innovations.models import ComplianceReminder
from innovations.views.organiser import ComplianceBoardView
from tests.factories import (
    make_agency,
    make_edition,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
)

pytestmark = pytest.mark.django_db
BOARD = "/penyelenggara/kepatuhan/"


def names(rows):
    return [row.agency.name for row in rows]


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ComplianceBoardView, "paginate_by", 3)


@pytest.fixture
def province():
    """Seven obligated agencies (three compliant, one of them through a unit only), a unit,
    two Perumda and a stray UPTD without parent; drafts and other statuses in between."""
    edition = make_edition()
    made = {}
    for name, status in [
        ("Dinas A", S.SUBMITTED),
        ("Dinas B", None),
        ("Dinas C", S.DRAFT),  # a draft never counts
        ("Dinas D", S.VERIFIED),
        ("Dinas E", S.REJECTED),  # rejected does not count either
        ("Dinas F", None),
        ("Dinas G", None),  # compliant through its unit
    ]:
        made[name] = make_agency(name, short_name=f"S{name[-1]}")
        if status is not None:
            make_proposal(edition, agency=made[name], complete=False, status=status)
    unit = make_agency("UPTD Unit G", kind=AgencyKind.UPTD, obligated=False, parent=made["Dinas G"])
    make_proposal(edition, agency=unit, complete=False, status=S.CHANGES_REQUESTED)
    for name in ("Perumda Air", "Perumda Pasar"):
        made[name] = make_agency(name, kind=AgencyKind.PERUMDA, obligated=False)
    make_proposal(edition, agency=made["Perumda Pasar"], complete=False, status=S.SUBMITTED)
    made["UPTD Lepas"] = make_agency("UPTD Lepas", kind=AgencyKind.UPTD, obligated=False)
    for name in ("Dinas A", "Dinas B", "Dinas C"):
        make_operator(made[name])
    return edition, made


NOT_MET = ["Dinas B", "Dinas C", "Dinas E", "Dinas F"]  # by name
MET = ["Dinas A", "Dinas D", "Dinas G"]
OTHERS = ["Perumda Air", "Perumda Pasar", "UPTD Lepas"]


def test_summary_counts_the_whole_edition(province):
    edition, _made = province

    summary = compliance_board(edition).summary()

    assert (summary.obligated, summary.compliant, summary.non_compliant, summary.percent) == (
        7,
        3,
        4,
        42,
    )
    # Dinas B and C have an operator; E and F have none.
    assert summary.unreachable == 2
    assert (summary.others, summary.perumda) == (3, 2)
    assert (summary.obligated_listed, summary.others_listed) == (7, 3)


def test_summary_is_the_same_on_every_page_and_whatever_the_filters(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    pages = [
        client.get(BOARD, {"edition": edition.slug, **query})
        for query in (
            {},
            {"page": "2"},
            {"page": "3"},
            {"status": STATUS_MET},
            {"q": "pasar"},
            {"kind": AgencyKind.KECAMATAN},
        )
    ]

    totals = {
        (
            r.context["summary"].obligated,
            r.context["summary"].compliant,
            r.context["summary"].unreachable,
            r.context["summary"].others,
        )
        for r in pages
    }
    assert totals == {(7, 3, 2, 3)}
    assert all("3 of 7 obligated agencies have submitted" in r.content.decode() for r in pages)


def test_pages_list_not_compliant_first_then_by_name_without_gaps_or_repeats(
    client, province, small_pages
):
    edition, _made = province
    client.force_login(make_organiser())

    listed = [
        names(client.get(BOARD, {"edition": edition.slug, "page": n}).context["obligated"])
        for n in (1, 2, 3)
    ]

    assert listed == [NOT_MET[:3], [NOT_MET[3], *MET[:2]], MET[2:]]


def test_units_count_for_their_parent_on_any_page(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    response = client.get(BOARD, {"edition": edition.slug, "page": 3})

    (row,) = response.context["obligated"]
    assert (row.agency.name, row.changes_requested, row.from_units, row.is_compliant) == (
        "Dinas G",
        1,
        1,
        True,
    )
    assert "UPTD Unit G" not in response.content.decode()  # shown in its parent's row only


def test_other_agencies_have_their_own_section_and_pages(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    first = client.get(BOARD, {"edition": edition.slug})
    second = client.get(BOARD, {"edition": edition.slug, "others_page": 2, "page": 2})

    assert names(first.context["others"]) == OTHERS
    assert names(second.context["others"]) == OTHERS
    assert second.context["others_page"].number == 1  # past the end: the last (only) page
    assert names(second.context["obligated"]) == [NOT_MET[3], *MET[:2]]


def test_status_filter_and_search(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    def listed(**query):
        response = client.get(BOARD, {"edition": edition.slug, **query})
        return names(response.context["obligated"]), names(response.context["others"])

    assert listed(status=STATUS_MISSING) == (NOT_MET[:3], [])
    assert listed(status=STATUS_MISSING, page=2) == (NOT_MET[3:], [])
    assert listed(missing="1") == (NOT_MET[:3], [])  # the former parameter still works
    assert listed(status=STATUS_MET) == (MET, [])
    assert listed(q="dinas d") == (["Dinas D"], [])
    assert listed(q="SF") == (["Dinas F"], [])  # short name, any case
    assert listed(q="perumda") == ([], ["Perumda Air", "Perumda Pasar"])
    assert listed(q="100%_") == ([], [])  # LIKE wildcards are taken literally
    assert listed(kind=AgencyKind.PERUMDA) == ([], ["Perumda Air", "Perumda Pasar"])
    assert listed(status="nonsense", kind="nonsense") == (NOT_MET[:3], OTHERS)


def test_page_links_keep_the_filters(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    response = client.get(BOARD, {"edition": edition.slug, "status": STATUS_MISSING, "q": "dinas"})

    html = response.content.decode()
    assert response.context["obligated_page"].paginator.num_pages == 2
    assert f'href="?edition={edition.slug}&amp;status=missing&amp;q=dinas&amp;page=2"' in html
    assert "Agencies 1–3 of 4" in html


def test_page_number_nonsense_gives_the_first_page(client, province, small_pages):
    edition, _made = province
    client.force_login(make_organiser())

    response = client.get(BOARD, {"edition": edition.slug, "page": "abc"})

    assert names(response.context["obligated"]) == NOT_MET[:3]


@pytest.mark.parametrize("agency_count", [1, 25])
def test_query_count_is_the_same_for_one_agency_and_many_pages(
    client, django_assert_num_queries, agency_count, small_pages
):
    edition = make_edition()
    organiser = make_organiser()
    for n in range(agency_count):
        parent = make_agency(f"Dinas {n:02}")
        make_operator(parent)
        unit = make_agency(f"UPTD {n:02}", kind=AgencyKind.UPTD, obligated=False, parent=parent)
        make_proposal(edition, agency=unit, complete=False, status=S.SUBMITTED)
        make_proposal(edition, agency=parent, complete=False)
        ComplianceReminder.objects.create(edition=edition, agency=parent, sent_by=organiser)
        make_agency(f"Perumda {n:02}", kind=AgencyKind.PERUMDA, obligated=False)
    client.force_login(organiser)

    page = 1 if agency_count == 1 else 2  # a page in the middle of many

    # session, user, permissions (2), editions, summary with the pages' agencies, the agencies,
    # their proposals, their reminders, groups for the navigation
    with django_assert_num_queries(10):
        response = client.get(BOARD, {"edition": edition.slug, "page": page, "others_page": page})

    expected = 1 if agency_count == 1 else 3
    assert len(response.context["obligated"]) == len(response.context["others"]) == expected
    with django_assert_num_queries(10):
        response = client.get(BOARD, {"edition": edition.slug, "q": "0"})
    assert all(row.from_units == 1 for row in response.context["obligated"])


def test_board_rows_stream_every_row_in_board_order_in_chunks(province):
    edition, _made = province

    rows = list(compliance_board(edition).rows(chunk_size=2))

    assert names(rows) == [*NOT_MET, *MET, *OTHERS]


def test_board_rows_honour_filters(province):
    edition, _made = province
    board = compliance_board(edition)

    assert names(board.rows(BoardFilters(status=STATUS_MISSING, search="b"))) == ["Dinas B"]


def test_csv_export_lists_every_agency_whatever_the_page_size(client, province, small_pages):
    edition, _made = province
    client.force_login(make_leader())

    response = client.get(
        reverse("innovations:export_compliance", kwargs={"slug": edition.slug, "fmt": "csv"})
    )

    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == [*NOT_MET, *MET, *OTHERS]


def test_reminders_go_to_every_non_compliant_agency_across_pages(
    province, django_capture_on_commit_callbacks, mailoutbox
):
    edition, _made = province

    with django_capture_on_commit_callbacks(execute=True):
        result = send_compliance_reminders(edition, by=make_organiser())

    assert sorted(r.agency.name for r in result.sent) == ["Dinas B", "Dinas C"]
    assert sorted(a.name for a in result.unreachable) == ["Dinas E", "Dinas F"]
    assert len(mailoutbox) == 2


def test_leadership_sees_the_pages_without_any_reminder_form(client, province, small_pages):
    edition, made = province
    client.force_login(make_leader("walikota"))

    response = client.get(BOARD, {"edition": edition.slug})

    html = response.content.decode()
    assert names(response.context["obligated"]) == NOT_MET[:3]
    assert 'id="remind-one"' not in html
    assert f'value="{made["Dinas B"].pk}"' not in html
    assert reverse("innovations:compliance_remind", kwargs={"slug": edition.slug}) not in html


def test_organiser_remind_buttons_share_one_form(client, province, small_pages):
    edition, made = province
    client.force_login(make_organiser())

    html = client.get(BOARD, {"edition": edition.slug}).content.decode()

    assert html.count('id="remind-one"') == 1
    assert 'type="hidden" name="agency"' not in html  # no form (and token) per row
    for name in ("Dinas B", "Dinas C"):  # reachable and not compliant
        assert f'form="remind-one" name="agency" value="{made[name].pk}"' in html
    assert f'value="{made["Dinas E"].pk}"' not in html  # no operator: nothing to send
