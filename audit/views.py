from urllib.parse import urlencode

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView

from audit.forms import AuditFilterForm
from audit.selectors import audit_events, changes_of, known_actions, known_object_types


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
