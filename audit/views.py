from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from post_office.models import Email

from audit.forms import AuditFilterForm, OutboxFilterForm, ResendForm
from audit.selectors import (
    OUTBOX_STATUSES,
    audit_events,
    changes_of,
    known_actions,
    known_object_types,
    outbox_counts,
    outbox_messages,
)
from audit.services import resend_email

# The organiser desk's permission (agencies.models.Role's group holds it).
RUN_COMPETITION = "agencies.run_competition"


class AuditLogView(PermissionRequiredMixin, ListView):
    """The append-only audit log for the organiser: filter by action, object type, actor and
    dates (WIB), 50 events a page. Read only: nothing here writes.

    Whoever may view audit events (the organiser group, superusers); anonymous visitors go to
    the login page, anyone else gets 403.
    """

    permission_required = "audit.view_auditevent"
    template_name = "audit/event_list.html"
    context_object_name = "events"
    paginate_by = 50

    def get_form(self) -> AuditFilterForm:
        if not hasattr(self, "_form"):
            self._form = AuditFilterForm(
                self.request.GET or None,
                actions=known_actions(),
                object_types=known_object_types(),
            )
        return self._form

    def get_queryset(self):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            return audit_events(**form.cleaned_data)
        return audit_events()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        query = {key: value for key, value in self.request.GET.items() if key != "page" and value}
        context.update(
            form=form,
            query=urlencode(query),
            rows=[(event, changes_of(event)) for event in context["events"]],
        )
        return context


class OutboxView(PermissionRequiredMixin, ListView):
    """The e-mail outbox for the organiser: what was sent, what waits for the worker or a retry,
    what failed, with the attempts and the last error, 50 messages a page; each message can be
    sent again (OutboxResendView). Bodies are not shown (they hold sign-in and vote links).

    The organiser desk (agencies.run_competition: the organiser group, superusers); anonymous
    visitors go to the login page, anyone else gets 403.
    """

    permission_required = RUN_COMPETITION
    template_name = "audit/outbox.html"
    context_object_name = "emails"
    paginate_by = 50

    def get_form(self) -> OutboxFilterForm:
        if not hasattr(self, "_form"):
            self._form = OutboxFilterForm(self.request.GET or None)
        return self._form

    def get_queryset(self):
        form = self.get_form()
        status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
        return outbox_messages(status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = {key: value for key, value in self.request.GET.items() if key != "page" and value}
        context.update(form=self.get_form(), query=urlencode(query), counts=outbox_counts())
        return context


class OutboxResendView(PermissionRequiredMixin, View):
    """The resend button of the outbox (POST `email`: the message's id): queues the message
    again (audit.services.resend_email, audited) and returns to the outbox page."""

    permission_required = RUN_COMPETITION
    http_method_names = ["post"]

    def post(self, request):
        form = ResendForm(request.POST)
        # Back to the page the button was on, with its filter.
        back = reverse("audit:outbox")
        status = request.POST.get("status", "")
        if status in OUTBOX_STATUSES:
            back += "?" + urlencode({"status": status})
        if not form.is_valid():
            messages.error(request, _("Choose a message to send again."))
            return redirect(back)
        try:
            email = resend_email(form.cleaned_data["email"], by=request.user)
        except Email.DoesNotExist:
            messages.error(request, _("That message is not in the outbox."))
            return redirect(back)
        messages.success(
            request,
            _("Message #%(id)s is queued again; the worker sends it shortly.") % {"id": email.pk},
        )
        return redirect(back)
