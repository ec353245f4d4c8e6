"""The organiser's audit log page: who may read it, filters, pagination, constant cost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record
from tests.factories import (
    make_agency,
    make_judge,
    make_leader,
    make_operator,
    make_organiser,
    make_user,
)

pytestmark = pytest.mark.django_db
URL = "/penyelenggara/audit/"
WIB = datetime.timezone(datetime.timedelta(hours=7))


def _event(action, obj, *, by=None, at=None, **extra):
    event = record(action, obj, by=by, **extra)
    if at is not None:
        # Arrange only: the log is append-only, so the time is set through a fresh insert.
        AuditEvent.objects.filter(pk=event.pk)._raw_delete(AuditEvent.objects.db)
        event.pk = None
        event.at = at
        event.save()
    return event


def test_audit_log_url_is_under_the_organiser_path():
    assert reverse("audit:log") == URL


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", (302, f"/accounts/login/?next={URL}")),
        ("operator", (403, None)),
        ("judge", (403, None)),
        ("leader", (403, None)),
        ("plain", (403, None)),
    ],
)
def test_audit_log_is_refused_to_everyone_but_the_organiser(client, who, expected):
    users = {
        "operator": lambda: make_operator(make_agency()),
        "judge": make_judge,
        "leader": make_leader,
        "plain": make_user,
    }
    if who in users:
        client.force_login(users[who]())

    response = client.get(URL)

    assert (response.status_code, response.get("Location")) == expected


def test_organiser_reads_events_newest_first_with_before_and_after(client):
    organiser = make_organiser("org.audit")
    agency = make_agency("Dinas Audit")
    old = _event("proposal.status", agency, by=organiser, at=timezone.now() - datetime.timedelta(1))
    new = _event(
        "user.roles",
        organiser,
        by=organiser,
        before={"groups": []},
        after={"groups": ["organiser"]},
        note="Naik peran",
    )
    client.force_login(organiser)

    response = client.get(URL)

    assert response.status_code == 200
    assert [event.pk for event in response.context["events"]] == [new.pk, old.pk]
    assert response.context["rows"][0][1] == [("groups", [], ["organiser"])]
    page = response.content.decode()
    assert "Naik peran" in page
    assert "<code>user.roles</code>" in page


@pytest.fixture
def log():
    organiser = make_organiser("org.penyaring")
    other = make_organiser("operator.lain")
    agency = make_agency("Dinas Filter")
    now = timezone.now().astimezone(WIB)
    events = {
        "today_status": _event("proposal.status", agency, by=organiser, at=now),
        "today_roles": _event("user.roles", other, by=other, at=now),
        "week_ago": _event(
            "scoresheet.submit", agency, by=organiser, at=now - datetime.timedelta(days=7)
        ),
    }
    return organiser, events, now


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": "user.roles"}, ["today_roles"]),
        ({"object_type": "agencies.agency"}, ["today_status", "week_ago"]),
        ({"actor": "PENYARING"}, ["today_status", "week_ago"]),
        ({"date_from": "TODAY"}, ["today_status", "today_roles"]),
        ({"date_to": "WEEK_AGO"}, ["week_ago"]),
        ({"date_from": "WEEK_AGO", "date_to": "WEEK_AGO", "action": "scoresheet.submit"},
         ["week_ago"]),
    ],
)  # fmt: skip
def test_organiser_filters_the_log(client, log, query, expected):
    organiser, events, now = log
    days = {"TODAY": now.date(), "WEEK_AGO": (now - datetime.timedelta(days=7)).date()}
    query = {key: str(days.get(value, value)) for key, value in query.items()}
    client.force_login(organiser)

    response = client.get(URL, query)

    assert response.status_code == 200
    assert sorted(e.pk for e in response.context["events"]) == sorted(
        events[name].pk for name in expected
    )


def test_reversed_dates_explain_themselves_and_show_everything(client, log):
    organiser, events, now = log
    client.force_login(organiser)

    response = client.get(URL, {"date_from": "2030-01-02", "date_to": "2030-01-01"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The start date must not be after the end date."
    ]
    assert len(response.context["events"]) == 3


def test_an_unknown_action_is_a_form_error_not_a_500(client, log):
    organiser, _events, _now = log
    client.force_login(organiser)

    response = client.get(URL, {"action": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assert "action" in response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_log_is_paginated_by_fifty_and_keeps_the_filters(client):
    organiser = make_organiser()
    agency = make_agency()
    for _ in range(51):
        record("proposal.status", agency, by=organiser)
    client.force_login(organiser)

    first = client.get(URL, {"action": "proposal.status"})
    second = client.get(URL, {"action": "proposal.status", "page": 2})

    assert (len(first.context["events"]), len(second.context["events"])) == (50, 1)
    assert 'href="?action=proposal.status&amp;page=2"' in first.content.decode()


@pytest.mark.parametrize("rows", [1, 60])
def test_audit_log_query_count_does_not_grow(client, django_assert_num_queries, rows):
    organiser = make_organiser()
    agency = make_agency()
    for n in range(rows):
        record(
            "proposal.status", agency, by=organiser, before={"status": "draft"},
            after={"status": str(n)},
        )  # fmt: skip
    client.force_login(organiser)

    # session, user, two permission reads (role check), distinct actions, distinct object
    # types, count, the page of events, the user's groups (navigation)
    with django_assert_num_queries(9):
        response = client.get(URL, {"action": "proposal.status"})

    assert response.status_code == 200
