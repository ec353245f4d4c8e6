"""Typed links are http(s) only: refused when typed (form, model, service) with the typed text
kept, and a bad value already stored (written around the rules with .update()) is shown as text,
never as a link, on every page that shows it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from common.links import is_web_url, safe_url
from innovations.models import Proposal
from innovations.services import WorkflowError, save_proposal_draft
from judging.models import InterviewSlot
from judging.services import JudgingError, schedule_slot
from public.models import Announcement
from tests.factories import make_agency, make_edition, make_operator, make_proposal
from tests.innovations.utils import editor_data
from tests.judging.finals.test_schedule import WIB, _slot, _stage
from tests.security.scenario import build_scenario

# The editor's message in the portal's language (msgid "Enter an address starting with http://
# or https://.").
ID_MESSAGE = "Masukkan alamat yang diawali http:// atau https://."

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "\x01javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\nscript:alert(1)",
    "//evil.example/x",
    "ftp://video.example/a.mp4",
    "https://",
    "youtube.com/watch?v=abc",
]
GOOD = ["https://www.youtube.com/watch?v=abc", "http://drive.google.com/file/d/1/view"]


@pytest.mark.parametrize("value", HOSTILE)
def test_only_http_and_https_are_links(value):
    assert (is_web_url(value), safe_url(value)) == (False, "")


@pytest.mark.parametrize("value", GOOD)
def test_web_addresses_are_links(value):
    assert (is_web_url(value), safe_url(value)) == (True, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_the_model_refuses_a_bad_video_link(value):
    proposal = make_proposal(make_edition())
    proposal.video_url = value
    with pytest.raises(ValidationError) as error:
        proposal.full_clean()
    assert "video_url" in error.value.message_dict


# What the editor's form answers (a space before the value is stripped by the form, so the
# address behind it is what is judged).
TYPED = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "data:text/html,<b>x</b>",
    "vbscript:msgbox(1)",
    "\x01https://www.youtube.com/watch?v=abc",
    "//evil.example/x",
]


@pytest.mark.parametrize("typed", TYPED)
def test_the_editor_refuses_a_bad_link_and_keeps_what_was_typed(client, typed):
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(make_edition(), agency=agency, complete=False, video_url="")
    client.force_login(operator)

    with translation.override("en"):
        response = client.post(
            reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}),
            editor_data(proposal, video_url=typed),
            HTTP_ACCEPT_LANGUAGE="en",
        )

    assert response.status_code == 200
    form = response.context["draft_form"]
    assert form.errors["video_url"] == [ID_MESSAGE]
    # The box shows what was typed (escaped), not the stored value.
    assert form["video_url"].value() == typed
    assert Proposal.objects.get(pk=proposal.pk).video_url == ""


@pytest.mark.parametrize("value", ["javascript:alert(1)", "//evil.example/x", "data:,x"])
def test_the_draft_service_refuses_a_bad_link(value):
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(make_edition(), agency=agency, complete=False, video_url="")
    with translation.override("en"), pytest.raises(WorkflowError) as error:
        save_proposal_draft(proposal, by=operator, video_url=value)
    assert error.value.messages == ["The video link must start with http:// or https://."]
    assert Proposal.objects.get(pk=proposal.pk).video_url == ""


def test_the_schedule_refuses_a_bad_video_call_link():
    organiser, stage, proposals = _stage(1)
    with translation.override("en"), pytest.raises(JudgingError) as error:
        schedule_slot(
            stage,
            proposal=proposals[0],
            starts_at=datetime.datetime(2031, 6, 7, 9, 0, tzinfo=WIB),
            place="",
            video_link="javascript:alert(1)",
            by=organiser,
            notify=False,
        )
    assert "The video-call link must start with http:// or https://." in error.value.messages
    assert not InterviewSlot.objects.filter(stage=stage).exists()


BAD = "javascript:alert('kiks-link')"
BAD_ESCAPED = "javascript:alert(&#x27;kiks-link&#x27;)"
LINK = re.compile(r"""<a\b[^>]*href\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def _shown_as_text(html: str) -> bool:
    return BAD_ESCAPED in html and not LINK.search(html)


def test_a_stored_bad_video_link_is_text_on_every_page_that_shows_it():
    scenario = build_scenario()
    users, values = scenario["users"], scenario["values"]
    Proposal.objects.filter(pk=values["proposal"]).update(video_url=BAD)
    pages = [
        ("org", reverse("innovations:organiser_review", kwargs={"pk": values["proposal"]})),
        ("op_a", reverse("innovations:proposal_detail", kwargs={"pk": values["proposal"]})),
        ("op_a", reverse("innovations:proposal_preview", kwargs={"pk": values["proposal"]})),
        ("leader", reverse("innovations:proposal_detail", kwargs={"pk": values["proposal"]})),
        (
            "judge",
            reverse(
                "judging:sheet",
                kwargs={"stage_id": values["stage"], "proposal_id": values["proposal"]},
            ),
        ),
        ("anon", reverse("public:innovation", kwargs={"slug": values["innovation_slug"]})),
    ]
    shown = {}
    for actor, url in pages:
        client = Client()
        if users[actor] is not None:
            client.force_login(users[actor])
        response = client.get(url)
        assert response.status_code == 200, url
        shown[url] = _shown_as_text(response.content.decode())
    assert shown == {url: True for _actor, url in pages}


def test_a_stored_bad_video_link_is_text_on_the_blind_judge_page():
    scenario = build_scenario()
    values = scenario["values"]
    Proposal.objects.filter(pk=values["proposal"]).update(video_url=BAD)
    from judging.models import Stage

    Stage.objects.filter(pk=values["stage"]).update(show_agency=False)
    client = Client()
    client.force_login(scenario["users"]["judge"])
    url = reverse(
        "judging:sheet", kwargs={"stage_id": values["stage"], "proposal_id": values["proposal"]}
    )
    html = client.get(url).content.decode()
    assert _shown_as_text(html)


def test_a_stored_bad_video_call_link_is_text_on_the_schedule():
    organiser, stage, proposals = _stage(1)
    slot = _slot(stage, proposals[0], organiser, 0)
    InterviewSlot.objects.filter(pk=slot.pk).update(video_link=BAD)
    client = Client()
    client.force_login(organiser)
    html = client.get(reverse("judging:schedule", kwargs={"stage_id": stage.pk})).content.decode()
    assert _shown_as_text(html)


def test_a_stored_bad_announcement_link_is_no_link_on_the_home_page():
    announcement = Announcement.objects.create(
        title="Pengumuman uji tautan", link="https://kiks.example/ok", is_published=True
    )
    Announcement.objects.filter(pk=announcement.pk).update(link=BAD)
    html = Client().get(reverse("home")).content.decode()
    assert "Pengumuman uji tautan" in html
    assert not LINK.search(html)
    assert "kiks-link" not in html


def test_a_good_link_stays_a_link():
    scenario = build_scenario()
    values = scenario["values"]
    Proposal.objects.filter(pk=values["proposal"]).update(video_url=GOOD[0])
    client = Client()
    client.force_login(scenario["users"]["op_a"])
    html = client.get(
        reverse("innovations:proposal_detail", kwargs={"pk": values["proposal"]})
    ).content.decode()
    assert f'<a href="{GOOD[0]}"' in html
