"""The `common` app: no models; registered so that its modules sit with the other apps."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"

    def ready(self):
        from post_office.signals import email_queued

        from common.outbox import wake

        # Every queued message, common.mail's and Django's own (EMAIL_BACKEND), wakes the worker.
        email_queued.connect(wake, dispatch_uid="kiks.outbox.wake")
