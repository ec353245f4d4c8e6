import csv
import datetime
import io

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext

from agencies.enums import AgencyKind
from common.exports import escape_cell
from innovations.enums import ProposalStatus as S
from innovations.models import ComplianceReminder, Innovation, Proposal, SectionAnswer
from tests.factories import (
    make_agency,
    make_edition,
    make_innovation,
    make_leader,
    make_operator,
    make_organiser,
    make_proposal,
    make_user,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
SECTION_TITLES = [
    "Ringkasan",
    "Latar Belakang dan Tujuan",
    "Kebaruan / Nilai Tambah",
    "Implementasi Inovasi",
    "Signifikansi",
    "Adaptabilitas",
    "Sumber Daya",
    "Strategi Keberlanjutan",
]


def indonesian(*msgids):
    """The headers as the export writes them: Indonesian whatever the page's language."""
    with translation.override("id"):
        return [gettext(msgid) for msgid in msgids]


def label_id(choice):
    with translation.override("id"):
        return str(choice.label)


def proposals_url(edition, fmt):
    return f"/penyelenggara/ekspor/{edition.slug}/usulan.{fmt}"


def compliance_url(edition, fmt):
    return f"/penyelenggara/ekspor/{edition.slug}/kepatuhan.{fmt}"


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content.removeprefix("\ufeff"))))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def exported():
    """One proposal whose texts try to inject formulas, with known times and word counts."""
    edition = make_edition()
    parent = make_agency("Sekretariat Daerah", kind=AgencyKind.SEKRETARIAT)
    agency = make_agency("Bagian Umum", parent=parent)
    innovation = make_innovation(
        agency, name='=HYPERLINK("http://evil.example","klik")', acronym="+SUM", expansion="@cmd"
    )
    proposal = make_proposal(edition, agency=agency, innovation=innovation, status=S.SUBMITTED)
    for answer in SectionAnswer.objects.filter(proposal=proposal).select_related("section"):
        answer.word_count = answer.section.order * 10
        answer.save(update_fields=["word_count"])
    Proposal.objects.filter(pk=proposal.pk).update(
        created_at=datetime.datetime(2024, 4, 30, 17, 5, tzinfo=UTC),  # 1 May 00:05 WIB
        submitted_at=datetime.datetime(2024, 5, 1, 7, 30, tzinfo=UTC),
        status_changed_at=datetime.datetime(2024, 5, 1, 7, 30, tzinfo=UTC),
        video_url="-1+1",
    )
    return edition, proposal


PROPOSAL_HEADERS = [
    "ID",
    "Edition",
    "Agency",
    "Agency kind",
    "Parent agency",
    "Innovation name",
    "Acronym",
    "Acronym expansion",
    "Track",
    "Status",
    "Created at (WIB)",
    "Submitted at (WIB)",
    "Status changed at (WIB)",
    "Video link",
]


def expected_proposal_headers():
    with translation.override("id"):
        words = [gettext("Words: %(section)s") % {"section": t} for t in SECTION_TITLES]
    return indonesian(*PROPOSAL_HEADERS) + words + indonesian("Total words")


def test_proposals_csv_has_indonesian_headers_wib_dates_word_counts_and_escaped_text(
    client, exported
):
    edition, proposal = exported
    client.force_login(make_organiser())

    response = client.get(proposals_url(edition, "csv"))

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="kiks-{edition.slug}-usulan.csv"'
    )
    header, row = csv_rows(response)
    assert header == expected_proposal_headers()
    assert row == [
        str(proposal.pk),
        edition.name,
        "Bagian Umum",
        label_id(AgencyKind.DINAS),
        "Sekretariat Daerah",
        '\'=HYPERLINK("http://evil.example","klik")',
        "'+SUM",
        "'@cmd",
        "Umum",
        label_id(S.SUBMITTED),
        "2024-05-01 00:05",
        "2024-05-01 14:30",
        "2024-05-01 14:30",
        "'-1+1",
        "10",
        "20",
        "30",
        "40",
        "50",
        "60",
        "70",
        "80",
        "360",
    ]


def test_proposals_excel_has_the_same_content_with_real_dates_and_numbers(client, exported):
    edition, proposal = exported
    client.force_login(make_organiser())

    response = client.get(proposals_url(edition, "xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    header, row = xlsx_rows(response)
    assert header == expected_proposal_headers()
    assert row == [
        proposal.pk,
        edition.name,
        "Bagian Umum",
        label_id(AgencyKind.DINAS),
        "Sekretariat Daerah",
        '\'=HYPERLINK("http://evil.example","klik")',
        "'+SUM",
        "'@cmd",
        "Umum",
        label_id(S.SUBMITTED),
        datetime.datetime(2024, 5, 1, 0, 5),
        datetime.datetime(2024, 5, 1, 14, 30),
        datetime.datetime(2024, 5, 1, 14, 30),
        "'-1+1",
        10,
        20,
        30,
        40,
        50,
        60,
        70,
        80,
        360,
    ]


def test_proposals_export_has_one_row_per_proposal_handed_in_never_a_draft(client, exported):
    """A draft is the agency's own (innovations.models.agency_only_q): not in the organiser's
    export, nor a draft withdrawn before it was submitted; a proposal sent back is."""
    edition, proposal = exported
    make_proposal(edition, complete=False)
    withdrawn = make_proposal(edition, status=S.WITHDRAWN)
    Proposal.objects.filter(pk=withdrawn.pk).update(submitted_at=None)
    sent_back = make_proposal(edition, complete=False, status=S.CHANGES_REQUESTED)
    client.force_login(make_organiser())

    rows = csv_rows(client.get(proposals_url(edition, "csv")))[1:]

    assert [(row[0], row[9], row[-1]) for row in rows] == [
        (str(proposal.pk), label_id(S.SUBMITTED), "360"),
        (str(sent_back.pk), label_id(S.CHANGES_REQUESTED), "0"),
    ]


@pytest.mark.parametrize("rows", [1, 6])
def test_proposals_export_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows
):
    edition = make_edition()
    for _n in range(rows):
        make_proposal(edition, status=S.SUBMITTED)
    client.force_login(make_organiser())

    # session, user, permissions (2), edition, sections, proposals, answers
    with django_assert_num_queries(8):
        response = client.get(proposals_url(edition, "csv"))
        content = csv_rows(response)

    assert len(content) == rows + 1


COMPLIANCE_HEADERS = [
    "Agency",
    "Short name",
    "Kind",
    "Parent agency",
    "Bound by the obligation",
    "Draft",
    "Submitted",
    "Changes requested",
    "Verified",
    "Rejected",
    "Counted",
    "Minimum",
    "Meets the minimum",
    "Counted from units",
    "Last activity (WIB)",
    "Last reminder (WIB)",
    "Operator reachable by e-mail",
]


@pytest.fixture
def board_data():
    edition = make_edition()
    sosial = make_agency("=Dinas Sosial", short_name="Dinsos")
    make_operator(sosial)
    make_proposal(edition, agency=sosial, complete=False)
    ComplianceReminder.objects.create(
        edition=edition,
        agency=sosial,
        sent_at=datetime.datetime(2024, 5, 2, 1, 0, tzinfo=UTC),  # 08:00 WIB
    )
    perumda = make_agency("Perumda Pasar", kind=AgencyKind.PERUMDA, obligated=False)
    make_proposal(edition, agency=perumda, status=S.SUBMITTED)
    Proposal.objects.update(updated_at=datetime.datetime(2024, 5, 1, 3, 0, tzinfo=UTC))
    SectionAnswer.objects.update(updated_at=datetime.datetime(2024, 4, 1, tzinfo=UTC))
    from innovations.models import Attachment

    Attachment.objects.update(uploaded_at=datetime.datetime(2024, 4, 1, tzinfo=UTC))
    return edition


def test_compliance_csv_lists_obligated_then_other_agencies(client, board_data):
    client.force_login(make_organiser())

    header, sosial, perumda = csv_rows(client.get(compliance_url(board_data, "csv")))

    yes, no = indonesian("Yes", "No")
    assert header == indonesian(*COMPLIANCE_HEADERS)
    assert sosial == [
        "'=Dinas Sosial",
        "Dinsos",
        label_id(AgencyKind.DINAS),
        "",
        yes,
        "1",
        "0",
        "0",
        "0",
        "0",
        "0",
        "1",
        no,
        "0",
        "2024-05-01 10:00",
        "2024-05-02 08:00",
        yes,
    ]
    assert perumda[0] == "Perumda Pasar"
    assert (perumda[4], perumda[6], perumda[11], perumda[12], perumda[16]) == (no, "1", "", "", no)


def test_compliance_excel_for_leadership(client, board_data):
    client.force_login(make_leader())

    response = client.get(compliance_url(board_data, "xlsx"))

    header, sosial, _perumda = xlsx_rows(response)
    assert header == indonesian(*COMPLIANCE_HEADERS)
    assert sosial[0] == "'=Dinas Sosial"
    assert (sosial[5], sosial[10], sosial[11]) == (1, 0, 1)
    assert sosial[14:16] == [datetime.datetime(2024, 5, 1, 10, 0), datetime.datetime(2024, 5, 2, 8)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+6281234", "'+6281234"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Dinas Sosial", "Dinas Sosial"),
        ("a=b", "a=b"),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_cell_neutralises_formulas_only_at_the_start_of_text(value, expected):
    assert escape_cell(value) == expected


def test_excel_escapes_every_formula_prefix(client):
    edition = make_edition()
    agency = make_agency("Dinas Sosial")
    for n, prefix in enumerate(["=", "+", "-", "@"]):
        innovation = Innovation.objects.get(pk=make_innovation(agency).pk)
        innovation.name = f"{prefix}cmd{n}"
        innovation.save(update_fields=["name"])
        make_proposal(edition, agency=agency, innovation=innovation, status=S.SUBMITTED)
    client.force_login(make_organiser())

    rows = xlsx_rows(client.get(proposals_url(edition, "xlsx")))[1:]

    assert [row[5] for row in rows] == ["'=cmd0", "'+cmd1", "'-cmd2", "'@cmd3"]


# --- Who may export --------------------------------------------------------------------------


def test_leadership_cannot_export_proposals(client, exported):
    edition, _proposal = exported
    client.force_login(make_leader())
    assert client.get(proposals_url(edition, "csv")).status_code == 403


@pytest.mark.parametrize("kind", ["user", "operator"])
def test_others_cannot_export(client, exported, kind):
    edition, proposal = exported
    user = make_user() if kind == "user" else make_operator(proposal.agency)
    client.force_login(user)
    assert client.get(proposals_url(edition, "xlsx")).status_code == 403
    assert client.get(compliance_url(edition, "csv")).status_code == 403


def test_anonymous_export_goes_to_login(client, exported):
    edition, _proposal = exported
    url = proposals_url(edition, "csv")
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")


def test_unknown_format_is_404(client, exported):
    edition, _proposal = exported
    client.force_login(make_organiser())
    assert client.get(f"/penyelenggara/ekspor/{edition.slug}/usulan.pdf").status_code == 404
