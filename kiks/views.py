from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.views.generic import TemplateView


def healthz(request):
    """For load balancers and benchmarks: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


class DashboardView(LoginRequiredMixin, TemplateView):
    """Where everybody lands after signing in: links to what their roles allow."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["memberships"] = (
            self.request.user.memberships.active().select_related("agency").order_by("agency__name")
        )
        return context
