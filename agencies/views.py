from django.views.generic import ListView

from agencies.enums import AgencyKind
from agencies.permissions import OrganiserRequiredMixin
from agencies.selectors import agencies_with_operator_counts


class AgencyDirectoryView(OrganiserRequiredMixin, ListView):
    """The organiser's list of agencies: kind, obligation, and who can be reached."""

    template_name = "agencies/agency_list.html"
    context_object_name = "agencies"

    def get_queryset(self):
        queryset = agencies_with_operator_counts()
        kind = self.request.GET.get("kind")
        if kind in AgencyKind.values:
            queryset = queryset.filter(kind=kind)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = AgencyKind.choices
        context["selected_kind"] = self.request.GET.get("kind", "")
        return context
