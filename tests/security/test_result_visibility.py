"""The results rule (judging.selectors.visibility) over time: a leader on the panel reads no
result while the stage is open, whatever its visibility setting, and reads them once it closes;
leadership outside the panel reads them throughout."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from judging import selectors
from judging.enums import ScoreVisibility
from judging.models import Stage
from tests.security.scenario import SENTINELS, build_scenario

pytestmark = pytest.mark.django_db

TOTAL = {SENTINELS["judge_total"], SENTINELS["judge_total"].replace(".", ",")}


def _ranking(user, stage_pk):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("judging:ranking", kwargs={"stage_id": stage_pk}))
    body = response.content.decode()
    return response.status_code, any(text in body for text in TOTAL)


@pytest.mark.parametrize("visibility", ScoreVisibility.values)
def test_a_leader_on_the_panel_reads_the_results_only_once_the_stage_is_closed(visibility):
    scenario = build_scenario()
    users, values = scenario["users"], scenario["values"]
    Stage.objects.filter(pk=values["stage"]).update(score_visibility=visibility)
    stage = Stage.objects.get(pk=values["stage"])

    open_codes = {actor: _ranking(users[actor], stage.pk) for actor in ("org", "leader", "lead_j")}
    open_rule = (
        selectors.stage_results_visible_to(users["lead_j"], stage),
        selectors.edition_results_visible_to(users["lead_j"], stage.edition),
    )
    Stage.objects.filter(pk=stage.pk).update(closed_at=timezone.now())
    stage.refresh_from_db()
    closed_codes = {
        actor: _ranking(users[actor], stage.pk) for actor in ("org", "leader", "lead_j")
    }
    closed_rule = (
        selectors.stage_results_visible_to(users["lead_j"], stage),
        selectors.edition_results_visible_to(users["lead_j"], stage.edition),
    )

    assert open_codes == {"org": (200, True), "leader": (200, True), "lead_j": (403, False)}
    assert open_rule == (False, False)
    assert closed_codes == {"org": (200, True), "leader": (200, True), "lead_j": (200, True)}
    assert closed_rule == (True, True)


def test_judges_and_agencies_never_read_results():
    scenario = build_scenario()
    users, values = scenario["users"], scenario["values"]
    stage = Stage.objects.get(pk=values["stage"])
    readers = {
        actor: selectors.stage_results_visible_to(users[actor], stage)
        for actor in ("op_a", "judge", "j_out", "j_conf")
    }
    assert readers == {"op_a": False, "judge": False, "j_out": False, "j_conf": False}


def test_the_leadership_card_lists_only_the_rankings_its_reader_may_open():
    """judging/_dashboard_cards.html lists selectors.result_stages_for(user). (The edition
    overview still links every opened stage's ranking; the page itself refuses, 403.)"""
    scenario = build_scenario()
    users, values = scenario["users"], scenario["values"]
    listed = {
        actor: values["stage"] in [stage.pk for stage in selectors.result_stages_for(users[actor])]
        for actor in ("leader", "lead_j")
    }
    Stage.objects.filter(pk=values["stage"]).update(closed_at=timezone.now())
    after_close = values["stage"] in [s.pk for s in selectors.result_stages_for(users["lead_j"])]
    assert (listed, after_close) == ({"leader": True, "lead_j": False}, True)
