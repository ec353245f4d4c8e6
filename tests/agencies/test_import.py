"""The import of agencies and people from one workbook: preview, confirm, and what never happens
(a write before the confirmation, a 500 on bad input, a change to an account the organiser may
not manage)."""

import base64
import io
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import translation
from openpyxl import Workbook, load_workbook

from agencies import imports
from agencies.enums import AgencyKind, MembershipRole
from agencies.import_workbook import MAX_ROWS, ImportFileError, write_template
from agencies.imports import apply_import, plan_import
from agencies.models import Agency, Membership
from agencies.views import IMPORT_SESSION_KEY
from audit.models import AuditEvent
from innovations.compliance import compliance_board
from tests.factories import make_agency, make_edition, make_operator, make_organiser, make_user

pytestmark = pytest.mark.django_db
URL = "/penyelenggara/instansi/impor/"
CONFIRM = "/penyelenggara/instansi/impor/konfirmasi/"
TEMPLATE = "/penyelenggara/instansi/impor/templat.xlsx"
SITE = "http://testserver/"

AGENCY_HEADERS = ["Nama", "Singkatan", "Jenis", "Induk", "Wajib ikut", "Aktif"]
PEOPLE_HEADERS = ["Nama", "Email", "Peran", "Instansi", "Peran di instansi", "Aktif"]
GOOD_AGENCIES = [
    ["Dinas Kesehatan", "Dinkes", "Dinas", "", "ya", "ya"],  # the Indonesian label
    ["Puskesmas Tipar", "PKM Tipar", "puskesmas", "Dinkes", "tidak", "ya"],  # parent: short name
    ["RSUD Al-Mulk", "", "City hospital (RSUD)", "Dinas Kesehatan", "tidak", ""],  # English
]
GOOD_PEOPLE = [
    ["Siti Rahayu", "Siti@Example.go.id", "operator", "Dinkes", "", "ya"],
    ["Rina Wati", "rina@example.go.id", "Operator SKPD", "PKM Tipar", "Kepala instansi", "ya"],
    ["Budi Santoso", "budi@example.go.id", "Juri, pimpinan", "", "", "ya"],
    ["Nonaktif", "off@example.go.id", "judge", "", "", "tidak"],
]


def workbook(
    agencies=GOOD_AGENCIES,
    people=GOOD_PEOPLE,
    *,
    agency_headers=AGENCY_HEADERS,
    people_headers=PEOPLE_HEADERS,
    sheets=("Instansi", "Pengguna"),
) -> bytes:
    book = Workbook()
    first = book.active
    first.title = sheets[0]
    first.append(agency_headers)
    for row in agencies:
        first.append(row)
    if len(sheets) > 1:
        second = book.create_sheet(sheets[1])
        second.append(people_headers)
        for row in people:
            second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="impor.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def actions(rows):
    return [(row.number, row.action) for row in rows]


def counts():
    User = get_user_model()
    return (
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        User.groups.through.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def english(client):
    """The organiser reads the portal in English (the language switcher's cookie), and the
    test compares messages in English."""
    client.cookies["kiks_language"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def organiser():
    return make_organiser("organisasi")


# --- the good file ---------------------------------------------------------------------------


def test_good_file_previews_then_creates_agencies_people_and_invites(
    client, organiser, django_capture_on_commit_callbacks
):
    client.force_login(organiser)
    before = counts()

    response = client.post(URL, {"workbook": upload(workbook())})

    plan = response.context["plan"]
    assert actions(plan.agencies) == [(2, "create"), (3, "create"), (4, "create")]
    assert actions(plan.people) == [(2, "create"), (3, "create"), (4, "create"), (5, "create")]
    assert counts() == before  # the preview writes nothing
    assert [row.changes for row in plan.agencies] == [
        ["jenis: Dinas", "wajib ikut: ya"],
        ["jenis: Puskesmas", "induk: Dinas Kesehatan", "wajib ikut: tidak"],
        ["jenis: Rumah sakit daerah (RSUD)", "induk: Dinas Kesehatan", "wajib ikut: tidak"],
    ]
    assert plan.people[1].changes == [
        "nama pengguna: rina@example.go.id",
        "peran: operator",
        "instansi: Puskesmas Tipar (head)",
    ]
    assert plan.people[3].changes == [
        "nama pengguna: off@example.go.id",
        "peran: judge",
        "aktif: tidak",
    ]
    body = response.content.decode()
    assert body.count('data-action="create"') == 7
    assert 'name="digest"' in body

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"digest": plan.digest})
    assert (response.status_code, response["Location"]) == (302, "/penyelenggara/instansi/")

    dinkes = Agency.objects.get(name="Dinas Kesehatan")
    got = {
        a.name: (
            a.short_name,
            a.kind,
            a.parent.name if a.parent else None,
            a.is_obligated,
            a.is_active,
        )
        for a in Agency.objects.select_related("parent")
    }
    assert got == {
        "Dinas Kesehatan": ("Dinkes", AgencyKind.DINAS, None, True, True),
        "Puskesmas Tipar": ("PKM Tipar", AgencyKind.PUSKESMAS, "Dinas Kesehatan", False, True),
        "RSUD Al-Mulk": ("", AgencyKind.RSUD, "Dinas Kesehatan", False, True),
    }
    assert dinkes.slug == "dinkes"
    User = get_user_model()
    people = {
        u.username: (
            u.get_full_name(),
            u.email,
            u.is_active,
            u.has_usable_password(),
            sorted(u.groups.values_list("name", flat=True)),
            sorted((m.agency.short_name, m.role) for m in u.memberships.all()),
        )
        for u in User.objects.exclude(pk=organiser.pk)
    }
    assert people == {
        "siti@example.go.id": (
            "Siti Rahayu",
            "Siti@Example.go.id",
            True,
            False,
            ["operator"],
            [("Dinkes", "operator")],
        ),
        "rina@example.go.id": (
            "Rina Wati",
            "rina@example.go.id",
            True,
            False,
            ["operator"],
            [("PKM Tipar", "head")],
        ),
        "budi@example.go.id": (
            "Budi Santoso",
            "budi@example.go.id",
            True,
            False,
            ["judge", "leadership"],
            [],
        ),
        "off@example.go.id": ("Nonaktif", "off@example.go.id", False, False, ["judge"], []),
    }
    # One audit event per agency, one per new account (its roles).
    events = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert events == ["agency.create"] * 3 + ["user.roles"] * 4
    assert IMPORT_SESSION_KEY not in client.session
    # The set-password e-mail: one per new active account, with a link that works.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Siti@Example.go.id",
        "budi@example.go.id",
        "rina@example.go.id",
    ]
    message = next(m for m in mail.outbox if m.to == ["rina@example.go.id"])
    assert "rina@example.go.id" in message.body  # the username
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    client.logout()
    landing = client.get(link, follow=True)
    assert landing.context["validlink"] is True
    assert "new_password1" in landing.context["form"].fields


def test_imported_operators_make_the_agencies_reachable_on_the_compliance_board(organiser):
    edition = make_edition()
    plan = plan_import(workbook(), organiser)
    apply_import(plan, organiser, site_url=SITE)
    board = compliance_board(edition)
    rows = {row.agency.name: row.is_reachable for row in board.rows()}
    # Puskesmas Tipar's operator makes it reachable; Dinkes has its own. RSUD (a unit, not
    # obligated) is shown within Dinkes.
    assert rows == {"Dinas Kesehatan": True}
    summary = board.summary()
    assert (summary.obligated, summary.unreachable, summary.remindable) == (1, 0, 1)


def test_reimporting_the_same_file_changes_nothing(organiser):
    content = workbook()
    apply_import(plan_import(content, organiser), organiser, site_url=SITE)
    mail.outbox.clear()
    before = counts()
    snapshot = list(get_user_model().objects.order_by("pk").values())

    plan = plan_import(content, organiser)
    assert {row.action for row in (*plan.agencies, *plan.people)} == {"unchanged"}
    assert plan.accepted == 0
    result = apply_import(plan, organiser, site_url=SITE)

    assert counts() == before
    assert list(get_user_model().objects.order_by("pk").values()) == snapshot
    assert (result.invited, mail.outbox) == ([], [])


def test_a_changed_row_is_an_update_that_lists_its_changes(organiser):
    apply_import(plan_import(workbook(), organiser), organiser, site_url=SITE)
    agencies = [list(GOOD_AGENCIES[0]), *GOOD_AGENCIES[1:]]
    agencies[0][2] = "badan"
    people = [list(GOOD_PEOPLE[0]), *GOOD_PEOPLE[1:]]
    people[0][2], people[0][5] = "judge", "tidak"  # no longer an operator, inactive

    plan = plan_import(workbook(agencies, people), organiser)

    assert actions(plan.agencies) == [(2, "update"), (3, "unchanged"), (4, "unchanged")]
    assert plan.agencies[0].changes == ["jenis: Dinas → Badan"]
    assert actions(plan.people) == [
        (2, "update"),
        (3, "unchanged"),
        (4, "unchanged"),
        (5, "unchanged"),
    ]
    assert plan.people[0].changes == [
        "aktif: ya → tidak",
        "peran: operator → judge",
        "instansi: Dinas Kesehatan (operator → member)",
    ]
    events = AuditEvent.objects.count()
    apply_import(plan, organiser, site_url=SITE)
    siti = get_user_model().objects.get(username="siti@example.go.id")
    assert (siti.is_active, list(siti.groups.values_list("name", flat=True))) == (False, ["judge"])
    assert list(siti.memberships.values_list("agency__short_name", "role", "is_active")) == [
        ("Dinkes", "member", True)
    ]
    assert Agency.objects.get(name="Dinas Kesehatan").kind == AgencyKind.BADAN
    actions_written = list(
        AuditEvent.objects.order_by("pk").values_list("action", "object_repr")[events:]
    )
    assert actions_written == [
        ("agency.update", "Dinas Kesehatan"),
        ("user.roles", "siti@example.go.id"),
    ]


def test_an_existing_account_is_matched_by_email_whatever_the_case(organiser):
    dinkes = make_agency("Dinas Kesehatan", short_name="Dinkes")
    existing = make_operator(
        dinkes, "siti", email="SITI@example.go.id", first_name="Siti", last_name="Rahayu"
    )
    plan = plan_import(workbook(GOOD_AGENCIES[:1], GOOD_PEOPLE[:1]), organiser)
    assert actions(plan.agencies) == [(2, "unchanged")]
    assert actions(plan.people) == [(2, "unchanged")]
    assert plan.people[0].target == existing


# --- refused rows ----------------------------------------------------------------------------


def test_bad_rows_are_refused_with_their_reasons(organiser):
    staff = make_organiser("panitia", email="panitia@example.go.id")
    make_user("boss", email="boss@example.go.id", is_superuser=True)
    agencies = [
        ["Dinas Kesehatan", "Dinkes", "dinas", "", "ya", "ya"],
        ["Dinas Kesehatan", "Dinkes 2", "dinas", "", "ya", "ya"],  # 3: duplicate of 2
        ["Dinas Aneh", "", "kementerian", "", "ya", "ya"],  # 4: unknown kind
        ["Unit X", "", "uptd", "Dinas Tak Ada", "tidak", "ya"],  # 5: unknown parent
        ["Unit A", "", "uptd", "Unit B", "tidak", "ya"],  # 6: a cycle with 7
        ["Unit B", "", "uptd", "Unit A", "tidak", "ya"],  # 7
        ["Unit C", "", "uptd", "Unit A", "tidak", "ya"],  # 8: its parent is refused
        ["Dinas Sosial", "", "dinas", "", "mungkin", "ya"],  # 9: not yes or no
        ["", "Tanpa", "dinas", "", "ya", "ya"],  # 10: no name
    ]
    people = [
        ["Tanpa Surel", "bukan-email", "operator", "Dinas Sosial", "", "ya"],  # 2
        ["A", "dup@example.go.id", "judge", "", "", "ya"],  # 3: duplicate of 4
        ["B", "DUP@example.go.id", "judge", "", "", "ya"],  # 4
        ["Panitia", "panitia@example.go.id", "judge", "", "", "ya"],  # 5: an organiser
        ["Bos", "boss@example.go.id", "judge", "", "", "ya"],  # 6: a superuser
        ["Op", "op@example.go.id", "operator", "", "", "ya"],  # 7: operator without agency
        ["Op", "op2@example.go.id", "operator", "Unit X", "", "ya"],  # 8: refused agency
        ["Op", "op3@example.go.id", "organiser", "", "", "ya"],  # 9: not an importable role
        ["Op", "op4@example.go.id", "operator", "Dinkes", "", "ya"],  # 10: fine
    ]
    with translation.override("en"):
        plan = plan_import(workbook(agencies, people), organiser)

    assert {row.number: row.codes for row in plan.agencies} == {
        2: ["duplicate"],
        3: ["duplicate"],
        4: ["unknown_kind"],
        5: ["unknown_parent"],
        6: ["parent_cycle"],
        7: ["parent_cycle"],
        8: ["parent_refused"],
        9: ["bad_boolean"],
        10: ["missing_name"],
    }
    assert {row.number: row.codes for row in plan.people} == {
        2: ["bad_email"],
        3: ["duplicate"],
        4: ["duplicate"],
        5: ["not_manageable"],
        6: ["not_manageable"],
        7: ["operator_needs_agency"],
        8: ["agency_refused"],
        9: ["unknown_role"],
        10: ["agency_refused"],  # Dinkes (row 2) is refused
    }
    reasons = {row.number: row.reasons[0].message for row in plan.agencies}
    assert reasons[3] == (
        "“Dinas Kesehatan” (column nama) appears more than once in the file: rows 2, 3."
    )
    assert reasons[4] == "Unknown kind “kementerian”."
    assert reasons[6] == "The parent agencies form a cycle: Unit A → Unit B → Unit A."
    assert plan.people[3].reasons[0].message == (
        "This account belongs to an organiser, a superuser or staff: it cannot be managed by "
        "this import."
    )
    assert plan.accepted == 0
    before = counts()
    apply_import(plan, organiser, site_url=SITE)
    assert counts() == before
    assert staff.groups.get().name == "organiser"


def test_a_username_that_belongs_to_an_organiser_is_refused(organiser):
    people_headers = [*PEOPLE_HEADERS, "Nama pengguna"]
    people = [
        ["Saya", "new@example.go.id", "judge", "", "", "ya", "organisasi"],
        ["Lain", "new2@example.go.id", "judge", "", "", "ya", "siapa"],
    ]
    make_user("siapa", email="siapa@example.go.id")
    plan = plan_import(workbook([], people, people_headers=people_headers), organiser)
    assert {row.number: row.codes for row in plan.people} == {
        2: ["not_manageable"],
        3: ["username_taken"],
    }


def test_refused_rows_are_skipped_and_the_rest_applied(client, organiser, english):
    people = [*GOOD_PEOPLE[:1], ["X", "x@example.go.id", "operator", "Nowhere", "", "ya"]]
    client.force_login(organiser)
    with translation.override("en"):
        response = client.post(URL, {"workbook": upload(workbook(GOOD_AGENCIES[:1], people))})
        body = response.content.decode()
        assert 'data-action="refused"' in body
        assert "Unknown agency “Nowhere”." in body
        response = client.post(CONFIRM, {"digest": response.context["plan"].digest}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Import done. Agencies: 1 created, 0 updated, 0 unchanged. People: 1 created, "
        "0 updated, 0 unchanged. Refused rows skipped: 1. E-mails to set a password: 1.",
        "Refused rows, skipped: Pengguna 3 (X): Unknown agency “Nowhere”.",
    ]
    assert list(get_user_model().objects.filter(email__startswith="x@")) == []
    assert get_user_model().objects.filter(username="siti@example.go.id").exists()


# --- bad files -------------------------------------------------------------------------------


def test_a_file_that_is_not_a_workbook_is_refused_with_the_form_kept(client, organiser, english):
    client.force_login(organiser)
    with translation.override("en"):
        response = client.post(URL, {"workbook": upload(b"nama,email\nA,b@c.d\n", "data.csv")})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "workbook": ["The file is not an Excel workbook (.xlsx)."]
    }
    assert 'id="import-upload"' in response.content.decode()
    assert "plan" not in response.context
    assert IMPORT_SESSION_KEY not in client.session


def test_a_file_over_the_size_cap_is_refused_by_the_form(client, organiser, english):
    client.force_login(organiser)
    with translation.override("en"):
        response = client.post(URL, {"workbook": upload(b"PK" + b"0" * (1024 * 1024))})
    assert response.context["form"].errors == {
        "workbook": ["The file is too large: at most 1024 kB."]
    }
    assert IMPORT_SESSION_KEY not in client.session


@pytest.mark.parametrize("size", [2, 30])
def test_the_plan_reads_a_fixed_number_of_queries(organiser, django_assert_num_queries, size):
    agencies = [
        [f"Dinas {n}", f"D{n}", "dinas", "D0" if n else "", "ya", "ya"] for n in range(size)
    ]
    people = [[f"O {n}", f"o{n}@example.go.id", "operator", f"D{n}", "", "ya"] for n in range(size)]
    make_agency("Dinas 0", short_name="D0")
    make_operator(Agency.objects.get(name="Dinas 0"), email="o0@example.go.id")
    content = workbook(agencies, people)
    # agencies; accounts by e-mail and by username; manageable ones; their groups; memberships;
    # the actor's tier (manageable_users)
    with django_assert_num_queries(7):
        plan = plan_import(content, organiser)
    assert plan.counts("agencies")["create"] == size - 1


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", "not_xlsx", "The file is not an Excel workbook (.xlsx)."),
        (
            _zip({"hello.txt": b"hi"}),
            "unreadable",
            "The workbook could not be read: it is damaged or not an .xlsx file.",
        ),
        (
            _zip({"big.xml": b"0" * (41 * 1024 * 1024)}),
            "too_large",
            "The workbook unpacks to more than 40 MB: it cannot be imported.",
        ),
        (workbook(sheets=("Instansi",)), "no_sheet", "The workbook has no sheet “Pengguna”."),
        (
            workbook(agency_headers=["Nama", "Jenis"]),
            "no_columns",
            "The sheet “Instansi” lacks the columns: singkatan, induk, wajib ikut, aktif.",
        ),
        (workbook([], []), "empty", "The workbook holds no rows to import."),
    ],
    ids=["empty", "zip", "zip-bomb", "sheet", "headers", "no-rows"],
)
def test_files_that_cannot_be_imported(organiser, content, code, message):
    with translation.override("en"), pytest.raises(ImportFileError) as raised:
        plan_import(content, organiser)
    assert (raised.value.code, raised.value.messages) == (code, [message])


def test_an_xml_entity_bomb_in_a_sheet_is_refused(organiser):
    """A "billion laughs" sheet: expat refuses the amplification, and that is one message."""
    entities = '<!ENTITY l0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            archive.writestr(info, sheet if info.filename == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(ImportFileError) as raised:
        plan_import(buffer.getvalue(), organiser)
    assert raised.value.code == "unreadable"


def test_a_sheet_over_the_row_cap_is_refused(organiser):
    agencies = [[f"Unit {n}", "", "uptd", "", "tidak", "ya"] for n in range(MAX_ROWS + 1)]
    with translation.override("en"), pytest.raises(ImportFileError) as raised:
        plan_import(workbook(agencies, []), organiser)
    assert raised.value.messages == ["The sheet “Instansi” has more than 5000 rows."]


def test_english_headers_and_sheet_names_are_accepted(organiser):
    content = workbook(
        GOOD_AGENCIES,
        GOOD_PEOPLE,
        agency_headers=["Name", "Short name", "Kind", "Parent", "Obligated", "Active"],
        people_headers=["Name", "E-mail", "Role", "Agency", "Membership role", "Active"],
        sheets=("Agencies", "People"),
    )
    plan = plan_import(content, organiser)
    assert [row.action for row in (*plan.agencies, *plan.people)] == ["create"] * 7


# --- confirm ---------------------------------------------------------------------------------


def test_confirm_with_another_workbook_than_the_preview_is_refused(client, organiser, english):
    client.force_login(organiser)
    first = client.post(URL, {"workbook": upload(workbook())}).context["plan"]
    # Another tab uploads another workbook: the session now holds that one.
    client.post(URL, {"workbook": upload(workbook(GOOD_AGENCIES[:1], []))})
    before = counts()
    with translation.override("en"):
        response = client.post(CONFIRM, {"digest": first.digest}, follow=True)
    assert counts() == before
    assert [str(m) for m in response.context["messages"]] == [
        "The workbook is not the one the preview showed: nothing was imported. Check the new "
        "preview and confirm again."
    ]
    assert response.redirect_chain == [(URL, 302)]


def test_confirm_with_a_workbook_altered_in_the_session_is_refused(client, organiser):
    client.force_login(organiser)
    plan = client.post(URL, {"workbook": upload(workbook())}).context["plan"]
    session = client.session
    session[IMPORT_SESSION_KEY]["content"] = base64.b64encode(workbook([], GOOD_PEOPLE)).decode()
    session.save()
    before = counts()
    client.post(CONFIRM, {"digest": plan.digest})
    assert counts() == before


def test_confirm_after_the_data_changed_shows_the_new_preview_and_writes_nothing(
    client, organiser, english
):
    client.force_login(organiser)
    plan = client.post(URL, {"workbook": upload(workbook())}).context["plan"]
    make_agency("Dinas Kesehatan", short_name="Dinkes", kind=AgencyKind.BADAN)
    before = counts()
    with translation.override("en"):
        response = client.post(CONFIRM, {"digest": plan.digest})
    assert counts() == before
    assert [str(m) for m in response.context["messages"]] == [
        "The data changed since the preview: nothing was imported. Here is the new preview; "
        "confirm again to apply it."
    ]
    fresh = response.context["plan"]
    assert actions(fresh.agencies) == [(2, "update"), (3, "create"), (4, "create")]
    assert fresh.agencies[0].changes == ["jenis: Badan → Dinas"]
    # Confirmed again, the new preview is applied.
    response = client.post(CONFIRM, {"digest": plan.digest})
    assert response.status_code == 302
    assert Agency.objects.get(name="Dinas Kesehatan").kind == AgencyKind.DINAS
    assert Agency.objects.count() == 3


def test_confirm_without_a_preview_imports_nothing(client, organiser, english):
    client.force_login(organiser)
    with translation.override("en"):
        response = client.post(CONFIRM, {"digest": "0" * 64}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "There is nothing to import: upload the workbook again."
    ]


@pytest.mark.parametrize("where", ["_invite", "_update_person"])
def test_an_error_at_the_last_row_rolls_everything_back(organiser, monkeypatch, where):
    """The last row is a new account (its invitation fails) or a changed one (its update
    fails): every agency and account before it is rolled back with it."""
    people = GOOD_PEOPLE[:3]  # the last one active: it is invited
    if where == "_update_person":
        make_user("late", email="late@example.go.id")
        people = [*GOOD_PEOPLE, ["Terakhir", "late@example.go.id", "judge", "", "", "ya"]]
    plan = plan_import(workbook(GOOD_AGENCIES, people), organiser)
    last = plan.people[-1]
    assert last.action == ("update" if where == "_update_person" else "create")
    real = getattr(imports, where)

    def failing(subject, *args):
        if (
            getattr(subject, "number", None) == last.number
            or getattr(subject, "username", None) == last.values["username"]
        ):
            raise RuntimeError("injected")
        return real(subject, *args)

    monkeypatch.setattr(imports, where, failing)
    before = counts()
    with pytest.raises(RuntimeError, match="injected"):
        apply_import(plan, organiser, site_url=SITE)
    assert counts() == before
    assert mail.outbox == []


# --- the template ----------------------------------------------------------------------------


def test_the_template_has_both_sheets_the_choices_and_imports_as_is(client, organiser):
    client.force_login(organiser)
    response = client.get(TEMPLATE)
    assert response["Content-Disposition"] == (
        'attachment; filename="templat-impor-instansi-pengguna.xlsx"'
    )
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Instansi", "Pengguna", "Pilihan"]
    assert [c.value for c in book["Instansi"][1]] == [
        "nama",
        "singkatan",
        "jenis",
        "induk",
        "wajib ikut",
        "aktif",
    ]
    assert [c.value for c in book["Pengguna"][1]] == [
        "nama",
        "email",
        "nama pengguna",
        "peran",
        "instansi",
        "peran di instansi",
        "aktif",
    ]
    choices = book["Pilihan"]
    assert [choices.cell(row=r, column=1).value for r in range(2, 13)] == list(AgencyKind.values)
    assert choices["B3"].value == "Inspektorat"
    assert [choices.cell(row=r, column=4).value for r in range(2, 5)] == [
        "operator",
        "judge",
        "leadership",
    ]
    assert [choices.cell(row=r, column=7).value for r in range(2, 5)] == list(MembershipRole.values)
    validations = {
        str(v.sqref): v.formula1 for v in book["Instansi"].data_validations.dataValidation
    }
    assert validations["C2:C5001"] == "Pilihan!$A$2:$A$12"
    plan = plan_import(content, organiser)
    assert [row.action for row in (*plan.agencies, *plan.people)] == ["create"] * 4


def test_the_pages_are_the_organisers_only(client):
    operator = make_operator(make_agency())
    client.force_login(operator)
    assert [
        client.get(URL).status_code,
        client.get(TEMPLATE).status_code,
        client.post(CONFIRM).status_code,
    ] == [403, 403, 403]
    assert not Group.objects.get(name="organiser").user_set.filter(pk=operator.pk).exists()


def test_write_template_writes_a_workbook():
    buffer = io.BytesIO()
    write_template(buffer)
    assert buffer.getvalue()[:2] == b"PK"


# --- the demo city ---------------------------------------------------------------------------


def test_the_demo_agencies_and_40_operators_from_one_workbook(
    client, django_capture_on_commit_callbacks
):
    """The demo's 42 agencies (2 reachable by e-mail) and an operator for each of the other 40,
    with one bad row: the preview refuses that row only; once confirmed, every agency is
    reachable and the board can remind every agency not yet compliant."""
    from agencies.selectors import agencies_with_operator_counts
    from demo import agencies as demo
    from innovations.compliance import reachable_operators

    demo.load()
    edition = make_edition()
    board = compliance_board(edition)
    assert board.summary().unreachable == 29  # of the 31 obligated agencies
    short = {slug: short_name for slug, _n, short_name, _k, _p, _o in demo.AGENCIES}
    agency_rows = [
        [
            name,
            short_name,
            str(kind),
            short[parent] if parent else "",
            "ya" if ob else "tidak",
            "ya",
        ]
        for _slug, name, short_name, kind, parent, ob in demo.AGENCIES
    ]
    staffed = set(reachable_operators().values_list("agency__slug", flat=True))
    assert staffed == {"dispusipda", "dinsos"}
    people_rows = [
        [
            f"Operator {short_name}",
            f"operator.{slug}@sukabumikota.go.id",
            "operator",
            short_name,
            "operator",
            "ya",
        ]
        for slug, _name, short_name, *_rest in demo.AGENCIES
        if slug not in staffed
    ]
    people_rows.insert(7, ["Salah Ketik", "operator.salah@", "operator", "Dinkes", "", "ya"])
    assert (len(agency_rows), len(people_rows)) == (42, 41)
    client.force_login(get_user_model().objects.get(username="organisasi"))

    response = client.post(URL, {"workbook": upload(workbook(agency_rows, people_rows))})

    assert response.context["agency_counts"] == {
        "create": 0,
        "update": 0,
        "unchanged": 42,
        "refused": 0,
    }
    assert response.context["people_counts"] == {
        "create": 40,
        "update": 0,
        "unchanged": 0,
        "refused": 1,
    }
    refused = response.context["plan"].refused
    assert [(row.number, row.codes) for row in refused] == [(9, ["bad_email"])]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRM, {"digest": response.context["plan"].digest})

    counts_by_agency = {a.slug: a.operator_count for a in agencies_with_operator_counts()}
    assert counts_by_agency == {slug: 1 for slug, *_rest in demo.AGENCIES}
    reachable = set(reachable_operators().values_list("agency__slug", flat=True))
    assert reachable == {slug for slug, *_rest in demo.AGENCIES}
    summary = board.summary()
    assert (summary.obligated, summary.unreachable, summary.remindable) == (31, 0, 31)
    assert len(mail.outbox) == 40


def test_the_import_is_linked_from_the_dashboard_and_the_directory(client, organiser):
    client.force_login(organiser)
    link = f'href="{URL}"'
    assert link in client.get("/dasbor/").content.decode()
    assert link in client.get("/penyelenggara/instansi/").content.decode()
    page = client.get(URL).content.decode()
    assert f'href="{TEMPLATE}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_the_compliance_board_offers_the_import_when_agencies_are_unreachable(client, organiser):
    make_edition()
    make_agency("Dinas Sosial")  # obligated, no operator
    client.force_login(organiser)
    body = client.get("/penyelenggara/kepatuhan/").content.decode()
    assert f'href="{URL}"' in body
