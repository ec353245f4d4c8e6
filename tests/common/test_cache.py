"""common.cache: which writes renew the generation of the cached pages (public/apps.py declares
the models; the pages themselves are tested in tests/public/test_cache.py)."""

import pytest
from django.db.models.signals import m2m_changed, post_delete, post_save

from common.cache import bump, generation, renew_on
from innovations.models import Innovation, SustainableDevelopmentGoal
from public.apps import SHOWN_MODELS
from tests.factories import make_agency, make_innovation

pytestmark = pytest.mark.django_db


def test_every_shown_model_is_connected_for_writes_and_deletes():
    from django.apps import apps

    for label in SHOWN_MODELS:
        if label.count(".") == 2:
            continue
        model = apps.get_model(label)
        assert post_save.has_listeners(model), label
        assert post_delete.has_listeners(model), label
    assert m2m_changed.has_listeners(Innovation.sdgs.through)


def test_registering_a_label_twice_connects_it_once():
    before = (len(post_save.receivers), len(post_delete.receivers), len(m2m_changed.receivers))

    renew_on("innovations.SustainableDevelopmentGoal", "innovations.Innovation.sdgs")
    renew_on("innovations.SustainableDevelopmentGoal")

    after = (len(post_save.receivers), len(post_delete.receivers), len(m2m_changed.receivers))
    assert after == before


def test_a_write_and_an_sdg_change_renew_the_generation():
    innovation = make_innovation(make_agency())
    before = generation()

    innovation.sdgs.set([SustainableDevelopmentGoal.objects.get(number=4)])
    after_sdgs = generation()
    innovation.name = "Nama lain"
    innovation.save()

    assert before != after_sdgs != generation()


def test_bump_renews_now_and_again_after_commit(django_capture_on_commit_callbacks):
    before = generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bump()
        bumped = generation()

    assert (bumped != before, len(callbacks), generation() != bumped) == (True, 1, True)
