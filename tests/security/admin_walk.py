"""The admin as every role sees it: the demo data, plus one row of each registered model the demo
does not fill, and one signed-in client per role."""

import io

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from innovations.models import Agency, ComplianceReminder, Edition, Proposal
from public.models import FavouriteVote
from tests.factories import make_vote_window

# The role -> the demo account that plays it (None: anonymous).
ROLES = {
    "anonymous": None,
    "operator": "operator.dinsos",
    "judge": "juri2",
    "leadership": "walikota",
    "organiser": "organisasi",
    "superuser": "admin",
}
VIEWS = ("changelist", "add", "change", "delete", "history")


def build_admin_world() -> None:
    """The demo, and one row of every registered model it leaves empty."""
    call_command("load_demo", stdout=io.StringIO())
    access = {"user_agent": "pytest", "ip_address": "10.0.0.9", "username": "orang",
              "http_accept": "*/*", "path_info": "/masuk/"}  # fmt: skip
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    edition = Edition.objects.order_by("pk").first()
    ComplianceReminder.objects.create(
        edition=edition, agency=Agency.objects.order_by("pk").first(), recipients="a@b.test"
    )
    make_vote_window(edition)
    proposal = Proposal.objects.filter(edition=edition).order_by("pk").first()
    FavouriteVote.objects.create(track=proposal.track, proposal=proposal, voter_hash="0" * 64)
    _outbox_rows()


def _outbox_rows() -> None:
    """A queued message with an attempt, a template, an attachment and a finished task run."""
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from post_office.models import Attachment, Email, EmailTemplate, Log

    from common.outbox import deliver

    email = Email.objects.create(
        from_email="kiks@localhost", to=["a@b.test"], subject="Uji", message="Isi"
    )
    Log.objects.create(email=email, status=1, message="refused", exception_type="OSError")
    EmailTemplate.objects.create(name="uji", subject="Uji", content="Isi")
    attachment = Attachment(name="uji.txt")
    attachment.file.save("uji.txt", ContentFile(b"uji"), save=True)
    attachment.emails.add(email)
    if not DBTaskResult.objects.exists():
        DBTaskResult.objects.create(
            task_path=deliver.module_path,
            args_kwargs={"args": [], "kwargs": {}},
            status="SUCCESSFUL",
            backend_name="default",
            queue_name="default",
            run_after=timezone.now(),
        )


def admin_urls(model, obj=None) -> dict[str, str]:
    """The five admin pages of `model`, on `obj` (default: its first row)."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    obj = obj or model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} row to open: add one in build_admin_world"
    return {
        "changelist": reverse(f"{info}_changelist"),
        "add": reverse(f"{info}_add"),
        "change": reverse(f"{info}_change", args=[obj.pk]),
        "delete": reverse(f"{info}_delete", args=[obj.pk]),
        "history": reverse(f"{info}_history", args=[obj.pk]),
    }


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def user(role):
    username = ROLES[role]
    return None if username is None else get_user_model().objects.get(username=username)
