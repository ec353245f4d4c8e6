"""The outbox's worker: the background task that delivers queued e-mail.

Every message the portal sends is first an Email row of django-post-office (common.mail, and
Django's own mails through EMAIL_BACKEND = post_office's backend), written in the transaction of
the change that causes it. Once that transaction commits, `wake` enqueues `deliver` on the task
queue (django-tasks; in production its database backend, run by `manage.py db_worker`). `deliver`
hands every due message to post_office's `send_queued`, which sends it through
POST_OFFICE["BACKENDS"]["default"] (SMTP with EMAIL_TIMEOUT), records each attempt as a Log row,
and requeues a failed message RETRY_INTERVAL later until MAX_RETRIES is spent. While messages
wait for a retry, `deliver` enqueues itself again for the earliest of them (run_after), so a mail
server that comes back gets every waiting message without anyone doing anything.

One worker process delivers at a time (docs/deployment.md): two running `deliver` together
could send a message twice.
"""

import logging

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks import task

# _send_bulk: what send_queued runs on each batch, given our own list (version pinned).
from post_office.mail import _send_bulk, get_queued, send_queued
from post_office.models import STATUS, Email

logger = logging.getLogger("kiks.mail")

# Batches of post_office's BATCH_SIZE; a run stops after this many and enqueues the next one.
MAX_BATCHES = 20


def next_attempt_at():
    """When the earliest message waiting for a retry is due, or None if none waits (an expired
    message never leaves: post_office skips it)."""
    now = timezone.now()
    return (
        Email.objects.filter(status__in=[STATUS.queued, STATUS.requeued])
        .filter(Q(expires_at__gt=now) | Q(expires_at=None))
        .aggregate(at=Min("scheduled_time"))["at"]
    )


@task()
def deliver(email_ids: list[int] | None = None) -> dict:
    """Send the messages that are due: those of `email_ids` (the ones a commit just queued), or
    all of them; then schedule the next run for the first message still waiting.

    Returns the counts {"sent", "failed", "requeued"} (kept on the task's result row).
    Never raises for a mail server that is down: post_office records the failure on the
    message and its Log, and requeues it.
    """
    totals = {"sent": 0, "failed": 0, "requeued": 0}
    if email_ids is not None:
        _add(totals, _send_bulk(_due(email_ids), uses_multiprocessing=False))
    else:
        for _ in range(MAX_BATCHES):
            if not get_queued().exists():
                break
            _add(totals, send_queued())
    forget_delivered()
    schedule_retry()
    return totals


def forget_delivered() -> int:
    """Delete the messages sent with `forget` (common.mail) once sent, or expired unsent: their
    address, body and attempts. Returns how many messages went."""
    from common.mail import FORGET_HEADER

    now = timezone.now()
    done = Q(status=STATUS.sent) | Q(expires_at__lte=now)
    deleted, _ = Email.objects.filter(done, headers__has_key=FORGET_HEADER).delete()
    return deleted


def _due(email_ids: list[int]) -> list[Email]:
    """The messages of `email_ids` still waiting and due now, as post_office's get_queued picks
    them (status queued or requeued, scheduled time passed, not expired)."""
    now = timezone.now()
    return list(
        Email.objects.filter(id__in=email_ids, status__in=[STATUS.queued, STATUS.requeued])
        .filter(Q(scheduled_time__lte=now) | Q(scheduled_time=None))
        .filter(Q(expires_at__gt=now) | Q(expires_at=None))
        .prefetch_related("attachments")
    )


def _add(totals: dict, counts: tuple[int, int, int]) -> None:
    for key, count in zip(("sent", "failed", "requeued"), counts, strict=True):
        totals[key] += count


def schedule_retry() -> None:
    """Enqueue `deliver` for the earliest message still waiting, if the queue can defer tasks
    (the database backend can; the immediate one of the tests cannot, and they run it again
    themselves) and no run is pending already."""
    backend = deliver.get_backend()
    if not backend.supports_defer:
        return
    due = next_attempt_at()
    if due is None:
        if get_queued().exists():
            due = timezone.now()
        else:
            return
    if _run_pending(due):
        return
    deliver.using(run_after=max(due, timezone.now())).enqueue()


def _run_pending(due) -> bool:
    """A `deliver` run waits in the database queue that starts no later than `due` (one without
    run_after is stored with the latest date there is, and starts as soon as a worker is free)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    return (
        DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=deliver.module_path)
        .filter(Q(run_after__lte=due) | Q(run_after=get_date_max()))
        .exists()
    )


def wake(sender=None, emails=(), **kwargs) -> None:
    """post_office's `email_queued` signal: deliver `emails` once the sender's transaction commits.

    The message rows are already in that transaction; a queue that cannot be reached after the
    commit loses nothing (the rows wait for the next run) and never fails the request.
    """
    ids = [email.pk for email in emails if email.pk is not None]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids), robust=True)


def _enqueue(ids: list[int]) -> None:
    try:
        deliver.enqueue(email_ids=ids)
    except Exception:
        logger.exception("Could not enqueue the outbox delivery; the messages stay queued")
