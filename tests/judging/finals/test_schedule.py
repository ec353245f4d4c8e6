"""The interview schedule at any stage size: a fixed number of queries, a select of the entries on
a small stage, a typed number or acronym and a bounded list of entries without a slot on a large
one."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innovations.enums import InnovationForm, InnovationStage, ProposalStatus
from innovations.models import Innovation, Proposal
from judging import selectors
from judging.enums import StageKind
from judging.models import InterviewSlot, Stage, StageResult
from judging.services import create_stage, schedule_slot
from tests.factories import make_agency, make_edition, make_organiser, make_track

pytestmark = pytest.mark.django_db
WIB = datetime.timezone(datetime.timedelta(hours=7))
SHOWN = selectors.UNSCHEDULED_SHOWN
SELECT_UP_TO = selectors.SCHEDULE_SELECT_UP_TO


def _stage(count, *, acronyms=(), agency="Dinas Uji Jadwal"):
    """An interview stage (after a desk stage) with `count` entries, bulk-created; the first
    acronyms are `acronyms`, the others ENT0001, ENT0002... Returns (organiser, stage, proposals
    by number)."""
    organiser = make_organiser()
    edition = make_edition(open_now=False)
    track = make_track(edition)
    agency = make_agency(name=agency)
    desk = Stage.objects.create(edition=edition, kind=StageKind.DESK, order=1)
    stage = create_stage(edition=edition, kind=StageKind.INTERVIEW, by=organiser)
    names = list(acronyms) + [f"ENT{n:04d}" for n in range(len(acronyms) + 1, count + 1)]
    innovations = Innovation.objects.bulk_create(
        Innovation(
            agency=agency,
            name=f"Inovasi jadwal {n} {stage.pk}",
            acronym=acronym,
            slug=f"inovasi-jadwal-{stage.pk}-{n}",
            started_on=datetime.date(2020, 1, 15),
            form=InnovationForm.PUBLIC_SERVICE,
            stage=InnovationStage.IMPLEMENTATION,
        )
        for n, acronym in enumerate(names)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            edition=edition,
            track=track,
            innovation=innovation,
            agency=agency,
            innovation_name=innovation.name,
            innovation_acronym=innovation.acronym,
            status=ProposalStatus.VERIFIED,
            submitted_at=timezone.now(),
        )
        for innovation in innovations
    )
    StageResult.objects.bulk_create(
        StageResult(stage=desk, proposal=p, decision="shortlisted") for p in proposals
    )
    StageResult.objects.bulk_create(StageResult(stage=stage, proposal=p) for p in proposals)
    return organiser, stage, sorted(proposals, key=lambda p: p.pk)


def _slot(stage, proposal, organiser, number):
    return schedule_slot(
        stage,
        proposal=proposal,
        starts_at=datetime.datetime(2031, 6, 7, 9, 0, tzinfo=WIB)
        + datetime.timedelta(minutes=25 * number),
        place="Aula",
        by=organiser,
        notify=False,
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _post(client, stage, **fields):
    data = {
        "proposal": "",
        "day": "2031-06-08",
        "start": "10:00",
        "presentation_minutes": "7",
        "interview_minutes": "13",
        "place": "Ruang Rapat Wali Kota",
        "video_link": "",
    }
    data.update(fields)
    return client.post(reverse("judging:schedule", kwargs={"stage_id": stage.pk}), data)


def test_query_count_does_not_grow_with_the_entries(client):
    """Small stage (a select) and large stage (a typed entry), each with two slots: the same
    number of queries on the schedule and on its print."""
    counts = {}
    for size in (3, SELECT_UP_TO + 30):
        organiser, stage, proposals = _stage(size, agency=f"Dinas {size}")
        _slot(stage, proposals[0], organiser, 0)
        _slot(stage, proposals[-1], organiser, 1)
        client.force_login(organiser)
        page, response = _queries(
            client, reverse("judging:schedule", kwargs={"stage_id": stage.pk})
        )
        printed, _response = _queries(
            client, reverse("judging:schedule_print", kwargs={"stage_id": stage.pk})
        )
        counts[size] = (page, printed, response.context["form"].typed)
    small, large = counts[3], counts[SELECT_UP_TO + 30]
    assert (small[2], large[2]) == (False, True)
    assert small[:2] == large[:2]


def test_small_stage_keeps_the_select_of_every_entry(client):
    organiser, stage, proposals = _stage(3, acronyms=("CCC", "AAA", "BBB"))
    _slot(stage, proposals[2], organiser, 0)
    client.force_login(organiser)
    response = client.get(reverse("judging:schedule", kwargs={"stage_id": stage.pk}))
    form = response.context["form"]
    assert not form.typed
    # Every entry, the one with a slot too (choosing it changes its slot), by acronym.
    assert [label for _pk, label in form.fields["proposal"].choices] == [
        "AAA · Dinas Uji Jadwal",
        "BBB · Dinas Uji Jadwal",
        "CCC · Dinas Uji Jadwal",
    ]
    schedule = response.context["schedule"]
    assert [e.proposal.innovation.acronym for e in schedule.unscheduled] == ["AAA", "CCC"]
    assert (schedule.entries_count, schedule.unscheduled_count, schedule.unscheduled_more) == (
        3,
        2,
        0,
    )
    content = response.content.decode()
    assert '<select name="proposal"' in content
    assert "Without a slot (2 entries):" in content
    assert "more</span>" not in content


def test_large_stage_types_the_entry_and_bounds_the_unscheduled_list(client):
    size = SELECT_UP_TO + 30
    organiser, stage, proposals = _stage(size)
    for number, proposal in enumerate(proposals[:3]):
        _slot(stage, proposal, organiser, number)
    client.force_login(organiser)
    for name in ("judging:schedule", "judging:schedule_print"):
        response = client.get(reverse(name, kwargs={"stage_id": stage.pk}))
        schedule = response.context["schedule"]
        assert schedule.choices is None
        assert (schedule.entries_count, schedule.unscheduled_count) == (size, size - 3)
        # The first ones without a slot, by number; the rest is a count.
        assert [e.proposal_id for e in schedule.unscheduled] == [
            p.pk for p in proposals[3 : 3 + SHOWN]
        ]
        assert schedule.unscheduled_more == size - 3 - SHOWN
        content = response.content.decode()
        assert f"Without a slot ({size - 3} entries):" in content
        assert f"and {size - 3 - SHOWN} more" in content
        assert re.search(rf"#{proposals[3].pk}\b", content)
        assert not re.search(rf"#{proposals[3 + SHOWN].pk}\b", content)
        assert len(response.context["slots"]) == 3
    page = client.get(reverse("judging:schedule", kwargs={"stage_id": stage.pk}))
    assert page.context["form"].typed
    content = page.content.decode()
    assert '<select name="proposal"' not in content
    assert 'type="text" name="proposal"' in content
    assert content.count("<option") < 20  # no select of the entries anywhere


def test_typed_acronym_or_number_schedules_that_entry(client, mailoutbox):
    organiser, stage, proposals = _stage(SELECT_UP_TO + 5, acronyms=("SiKAP", "LAPOR"))
    client.force_login(organiser)
    # The acronym, in any case, with spaces around.
    response = _post(client, stage, proposal="  sikap ")
    assert response.status_code == 302
    slot = InterviewSlot.objects.get(stage=stage)
    assert slot.proposal_id == proposals[0].pk
    assert slot.place == "Ruang Rapat Wali Kota"
    assert timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M") == "2031-06-08 10:00"
    # The number, with or without "#".
    target = proposals[40]
    response = _post(client, stage, proposal=f"#{target.pk}", start="11:00")
    assert response.status_code == 302
    assert InterviewSlot.objects.filter(stage=stage, proposal=target).exists()
    # Typing an entry that has a slot changes its slot.
    response = _post(client, stage, proposal=str(target.pk), start="13:30")
    assert response.status_code == 302
    assert InterviewSlot.objects.filter(stage=stage).count() == 2
    changed = InterviewSlot.objects.get(stage=stage, proposal=target)
    assert timezone.localtime(changed.starts_at).strftime("%H:%M") == "13:30"


def test_unknown_or_ambiguous_entry_is_an_error_keeping_what_was_typed(client):
    organiser, stage, proposals = _stage(SELECT_UP_TO + 5, acronyms=("KEMBAR", "kembar"))
    client.force_login(organiser)
    for typed in ("TIDAKADA", "999999999", "#"):
        response = _post(client, stage, proposal=typed, video_link="https://meet.example/abc")
        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors["proposal"] == [
            f"No entry of this stage has the number or acronym “{typed}”."
        ]
        content = response.content.decode()
        assert f'value="{typed}"' in content
        assert 'value="Ruang Rapat Wali Kota"' in content
        assert 'value="2031-06-08"' in content
        assert 'value="https://meet.example/abc"' in content
    # An acronym two entries share: the error names both, with their numbers.
    response = _post(client, stage, proposal="Kembar")
    assert response.status_code == 400
    assert response.context["form"].errors["proposal"] == [
        f"Several entries of this stage match “Kembar”: #{proposals[0].pk} KEMBAR (Dinas Uji "
        f"Jadwal), #{proposals[1].pk} kembar (Dinas Uji Jadwal). Type the number of the one "
        "you mean."
    ]
    # An entry of another stage is unknown here.
    _organiser, _other, others = _stage(2, agency="Dinas Lain")
    response = _post(client, stage, proposal=str(others[0].pk))
    assert response.status_code == 400
    assert "proposal" in response.context["form"].errors
    assert not InterviewSlot.objects.exists()
    # Its number, then, schedules it.
    assert _post(client, stage, proposal=f"#{proposals[1].pk}").status_code == 302
    assert InterviewSlot.objects.get().proposal_id == proposals[1].pk


def test_overlap_is_still_refused_through_the_typed_entry(client):
    organiser, stage, proposals = _stage(SELECT_UP_TO + 5, acronyms=("SATU", "DUA"))
    client.force_login(organiser)
    assert _post(client, stage, proposal="SATU").status_code == 302
    response = _post(client, stage, proposal="DUA", start="10:10")
    assert response.status_code == 400
    errors = response.context["form"].non_field_errors()
    assert errors[0].startswith("This slot overlaps the slot of SATU")
    assert 'value="DUA"' in response.content.decode()
    assert InterviewSlot.objects.count() == 1
