"""Forms that round-trip: every date and time field renders in the form a browser accepts (ISO),
shows its saved value, and a form opened with saved data and sent back unchanged changes nothing. In
Indonesian, where Django's own format (`10-02-2027 16.00.00`) was rejected by the browser and a
re-saved form lost its date."""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from common import widgets
from innovations.models import Proposal
from judging.models import FinalResult, Shortlist, Stage
from judging.services import close_stage, confirm_final_result
from tests.factories import (
    make_agency,
    make_innovation,
    make_operator,
    make_organiser,
    make_proposal,
)
from tests.html_forms import form_with
from tests.judging.finals.helpers import finals
from tests.judging.helpers import scenario, score

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))
FORM_MODULES = [
    "agencies.admin",
    "audit.forms",
    "innovations.forms",
    "judging.forms",
    "public.forms",
]
TEMPORAL = {
    forms.DateTimeField: widgets.DateTimeInput,
    forms.DateField: widgets.DateInput,
    forms.TimeField: widgets.TimeInput,
}


def project_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module_name:
                yield form


def test_every_date_and_time_field_of_every_form_renders_iso():
    checked, wrong = [], []
    for form in project_forms():
        for name, field in form.base_fields.items():
            kind = next((k for k in TEMPORAL if isinstance(field, k)), None)
            if kind is None:
                continue
            checked.append(f"{form.__name__}.{name}")
            if not isinstance(field.widget, TEMPORAL[kind]):
                wrong.append(f"{form.__name__}.{name}: {type(field.widget).__name__}")

    assert wrong == []
    assert sorted(checked) == [
        "AuditFilterForm.date_from",
        "AuditFilterForm.date_to",
        "EditionCreateForm.submission_closes_at",
        "EditionCreateForm.submission_opens_at",
        "EditionCreateForm.verification_closes_at",
        "FinalConfirmForm.decree_date",
        "InnovationForm.started_on",
        "KijbForm.forwarded_on",
        "ShortlistForm.decree_date",
        "SlotForm.day",
        "SlotForm.start",
        "StageSettingsForm.closes_at",
    ]


def test_stage_settings_show_the_deadline_and_re_saving_them_changes_nothing(client):
    organiser = make_organiser()
    stage, _judges, _proposals = scenario(organiser, judges=1, proposals=1, open_it=False)
    Stage.objects.filter(pk=stage.pk).update(
        closes_at=datetime.datetime(2027, 2, 10, 16, 0, tzinfo=WIB)
    )
    before = Stage.objects.filter(pk=stage.pk).values().get()
    client.force_login(organiser)
    url = reverse("judging:stage_settings", kwargs={"stage_id": stage.pk})

    form = form_with(client.get(url).content.decode(), "closes_at")
    response = client.post(url, form.data())

    assert form.value("closes_at") == "2027-02-10T16:00"
    assert response.status_code == 302
    assert Stage.objects.filter(pk=stage.pk).values().get() == before


def test_the_shortlist_and_the_final_result_show_their_decree_dates_and_keep_them(client):
    organiser = make_organiser()
    edition, desk, _interview, _entries, _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    shortlist = Shortlist.objects.get(stage=desk)
    client.force_login(organiser)
    shortlist_url = reverse(
        "judging:shortlist", kwargs={"stage_id": desk.pk, "track_id": shortlist.track_id}
    )
    final_url = reverse("judging:final", kwargs={"edition_id": edition.pk})

    shortlist_form = form_with(client.get(shortlist_url).content.decode(), "decree_date")
    final_page = client.get(final_url).content.decode()
    confirm = form_with(final_page, "decree_number")
    kijb = form_with(final_page, "forwarded_on")
    client.post(reverse("judging:final_confirm", kwargs={"edition_id": edition.pk}), confirm.data())

    assert shortlist_form.value("decree_date") == "2021-05-31"
    assert confirm.value("decree_date") == "2021-04-06"
    assert kijb.value("forwarded_on") == timezone.localdate().isoformat()
    result = FinalResult.objects.get(edition=edition)
    assert (result.decree_number, result.decree_date) == ("9/Kep", datetime.date(2021, 4, 6))


def test_the_editor_shows_the_start_date_and_saving_it_unchanged_changes_nothing(client):
    agency = make_agency()
    operator = make_operator(agency)
    innovation = make_innovation(agency, started_on=datetime.date(2019, 5, 1))
    proposal = make_proposal(agency=agency, innovation=innovation, created_by=operator)
    fields = ["name", "acronym", "expansion", "started_on", "form", "is_digital", "stage"]
    before_innovation = type(innovation).objects.filter(pk=innovation.pk).values(*fields).get()
    before_answers = sorted(proposal.answers.values_list("section_id", "text"))
    client.force_login(operator)
    url = reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk})

    form = form_with(client.get(url).content.decode(), "innovation-started_on")
    response = client.post(url, form.data(press=("action", "save")))

    assert form.value("innovation-started_on") == "2019-05-01"
    assert response.status_code == 302
    assert type(innovation).objects.filter(pk=innovation.pk).values(*fields).get() == (
        before_innovation
    )
    assert sorted(
        Proposal.objects.get(pk=proposal.pk).answers.values_list("section_id", "text")
    ) == (before_answers)


def test_the_audit_filter_shows_the_dates_it_filters_by(client):
    organiser = make_organiser()
    stage, (judge,), (proposal,) = scenario(organiser, judges=1, proposals=1)
    score(stage, judge, proposal, (8, 7))
    close_stage(stage, by=organiser)
    client.force_login(organiser)

    page = client.get(
        reverse("audit:log"), {"date_from": "2027-01-05", "date_to": "2027-01-31"}
    ).content.decode()

    form = form_with(page, "date_from")
    assert (form.value("date_from"), form.value("date_to")) == ("2027-01-05", "2027-01-31")
