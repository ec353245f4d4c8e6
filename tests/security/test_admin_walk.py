"""Every registered admin model, as every role: the changelist, add, change, delete and history
pages answer as the table below says. A model registered without a row fails the test until one
is added. The tables are (organiser, superuser), each the five pages in VIEWS order; "edit" and
"view" are a change page with and without a save button. Anonymous visitors, operators, judges
and leadership are not staff: every admin page sends them to the admin's log-in page."""

import pytest
from django.test import Client

from tests.security.admin_walk import (
    ROLES,
    VIEWS,
    admin_urls,
    build_admin_world,
    registered_models,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _database_task_queue(settings):
    """The task runs' admin reads them through their backend: production's database queue, not
    the suite's immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# model -> ((organiser: changelist, add, change, delete, history), (superuser: the same)),
# on the model's first row.
EXPECTED = {
    "agencies.Agency": ((200, 200, "edit", 403, 200), (200, 200, "edit", 200, 200)),
    "agencies.Membership": ((200, 200, "view", 403, 200), (200, 200, "edit", 200, 200)),
    "audit.AuditEvent": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "auth.Group": ((200, 403, "view", 403, 200), (200, 200, "edit", 200, 200)),
    "auth.User": ((200, 200, "view", 403, 200), (200, 200, "edit", 200, 200)),
    "axes.AccessAttempt": ((403, 403, 403, 403, 403), (200, 403, "edit", 200, 200)),
    "axes.AccessFailureLog": ((403, 403, 403, 403, 403), (200, 403, "edit", 200, 200)),
    "axes.AccessLog": ((403, 403, 403, 403, 403), (200, 403, "edit", 200, 200)),
    # The task queue's runs and post_office's outbox: superusers only (no role holds them).
    "django_tasks_database.DBTaskResult": ((403, 403, 403, 403, 403), (200, 403, "view", 403, 200)),
    "innovations.Attachment": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "innovations.ComplianceReminder": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "innovations.Edition": ((200, 200, "edit", 403, 200), (200, 200, "edit", 200, 200)),
    "innovations.Innovation": ((200, 403, "edit", 403, 200), (200, 200, "edit", 200, 200)),
    "innovations.Proposal": ((200, 403, "view", 403, 200), (200, 403, "edit", 200, 200)),
    "innovations.ProposalStatusChange": (
        (200, 403, "view", 403, 200),
        (200, 403, "view", 403, 200),
    ),
    "innovations.SectionAnswer": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "innovations.SectionTemplate": ((200, 200, "view", 403, 200), (200, 200, "view", 403, 200)),
    "innovations.SustainableDevelopmentGoal": (
        (403, 403, 403, 403, 403),
        (200, 403, "view", 403, 200),
    ),
    "innovations.Track": ((200, 200, "edit", 200, 200), (200, 200, "edit", 200, 200)),
    "judging.Assignment": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.Award": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.Conflict": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.ConflictDeclaration": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.ExternalRecognition": ((200, 200, "edit", 200, 200), (200, 200, "edit", 200, 200)),
    "judging.FinalEntry": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.FinalResult": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.InterviewSlot": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.KijbNomination": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.ScoreSheet": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.Shortlist": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.ShortlistChange": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.Stage": ((200, 403, "edit", 403, 200), (200, 200, "edit", 200, 200)),
    "judging.StageEvent": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "judging.StageResult": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "post_office.Attachment": ((403, 403, 403, 403, 403), (200, 200, "edit", 200, 200)),
    "post_office.Email": ((403, 403, 403, 403, 403), (200, 403, "edit", 200, 200)),
    "post_office.EmailTemplate": ((403, 403, 403, 403, 403), (200, 200, "edit", 200, 200)),
    "post_office.Log": ((403, 403, 403, 403, 403), (200, 200, "edit", 200, 200)),
    "public.Announcement": ((200, 200, "edit", 200, 200), (200, 200, "edit", 200, 200)),
    "public.FavouriteVote": ((200, 403, "view", 403, 200), (200, 403, "view", 403, 200)),
    "public.FavouriteVoteWindow": ((200, 200, "edit", 403, 200), (200, 200, "edit", 200, 200)),
}

# Particular rows of a model, by username for auth.User and member username for Membership:
# -> (organiser, superuser) outcomes of (change, delete, history).
EXPECTED_ROWS = {
    ("auth.User", "admin"): (("view", 403, 200), ("edit", 200, 200)),  # a superuser
    ("auth.User", "organisasi"): (("edit", 403, 200), ("edit", 200, 200)),  # the organiser's own
    ("auth.User", "operator.dinsos"): (("edit", 403, 200), ("edit", 200, 200)),  # an operator
    ("agencies.Membership", "admin"): (("view", 403, 200), ("edit", 200, 200)),
    ("agencies.Membership", "operator.dinsos"): (("edit", 200, 200), ("edit", 200, 200)),
}
NOT_STAFF = ("anonymous", "operator", "judge", "leadership")


def _outcome(view, response):
    if view == "change" and response.status_code == 200:
        return "edit" if b'name="_save"' in response.content else "view"
    return response.status_code


def _row(label, username):
    from django.apps import apps

    model = apps.get_model(label)
    field = "username" if label == "auth.User" else "user__username"
    return model, model._default_manager.get(**{field: username})


def _clients():
    clients = {}
    for role in ROLES:
        client = Client()
        if user(role) is not None:
            client.force_login(user(role))
        clients[role] = client
    return clients


def test_every_admin_page_answers_every_role_as_the_table_says():
    build_admin_world()
    models = registered_models()
    assert sorted(EXPECTED) == [model._meta.label for model in models]
    clients = _clients()
    seen, wanted, requests = {}, {}, 0
    for model in models:
        urls = admin_urls(model)
        expected = dict(zip(("organiser", "superuser"), EXPECTED[model._meta.label], strict=True))
        for role, client in clients.items():
            outcomes = []
            for view in VIEWS:
                response = client.get(urls[view])
                requests += 1
                if role in NOT_STAFF:
                    location = response.get("Location", "")
                    outcomes.append(302 if location.startswith("/admin/login/") else location)
                else:
                    outcomes.append(_outcome(view, response))
            seen[(model._meta.label, role)] = tuple(outcomes)
            wanted[(model._meta.label, role)] = expected.get(role, (302,) * 5)
    assert seen == wanted
    assert requests == len(models) * len(VIEWS) * len(ROLES)


def test_particular_accounts_and_memberships_as_the_organiser_and_superuser_see_them():
    build_admin_world()
    clients = _clients()
    seen, wanted = {}, {}
    for (label, username), expected in EXPECTED_ROWS.items():
        model, obj = _row(label, username)
        urls = admin_urls(model, obj)
        for role, outcomes in zip(("organiser", "superuser"), expected, strict=True):
            seen[(label, username, role)] = tuple(
                _outcome(view, clients[role].get(urls[view]))
                for view in ("change", "delete", "history")
            )
            wanted[(label, username, role)] = outcomes
    assert seen == wanted
