"""The agency's side of the finals: the presentation upload before its slot, and the feedback
once the result is published."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import RoleRequiredMixin, is_organiser
from innovations.selectors import proposals_visible_to
from innovations.services import is_agency_operator
from judging import selectors
from judging.forms import PresentationForm
from judging.services import JudgingError, upload_presentation
from judging.views.mixins import error_messages


class PresentationUploadView(RoleRequiredMixin, View):
    """An operator uploads the slides of a shortlisted entry before its slot."""

    def has_role(self, user) -> bool:
        return True

    def post(self, request, slot_id):
        slot = next((s for s in selectors.agency_slots(request.user) if s.pk == slot_id), None)
        if slot is None:
            raise Http404
        form = PresentationForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, _("Choose the PDF file of your presentation."))
        else:
            try:
                upload_presentation(
                    slot.proposal, uploaded_file=form.cleaned_data["file"], by=request.user
                )
            except JudgingError as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Presentation uploaded."))
        return redirect("dashboard")


class FeedbackView(RoleRequiredMixin, TemplateView):
    """For an agency, once the edition's final result is published: its proposal's scores per
    criterion and the judges' comments without their names, and the panel's consensus notes."""

    template_name = "judging/feedback.html"

    def has_role(self, user) -> bool:
        return True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = get_object_or_404(
            proposals_visible_to(self.request.user).select_related(
                "edition", "innovation", "agency", "track"
            ),
            pk=kwargs["proposal_id"],
        )
        if not (
            is_agency_operator(self.request.user, proposal.agency_id)
            or is_organiser(self.request.user)
        ):
            raise PermissionDenied
        feedback = selectors.proposal_feedback(proposal)
        if feedback is None:
            raise Http404
        final = selectors.final_rows(proposal.edition)
        context.update(
            proposal=proposal,
            feedback=feedback,
            final=next((row for row in final if row.proposal_id == proposal.pk), None),
        )
        return context
