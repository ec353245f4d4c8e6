"""What the judging pages share: who may read results, the stage or edition of the URL, and how
a refused action becomes messages."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property

from agencies.permissions import (
    JudgeRequiredMixin,
    OrganiserRequiredMixin,
    RoleRequiredMixin,
    is_judge,
    is_organiser,
)
from innovations.models import Edition
from judging import selectors
from judging.models import Stage
from judging.services import JudgingError


def error_messages(request, error: JudgingError) -> None:
    for message in error.messages:
        messages.error(request, message)


class ResultsReaderRequiredMixin(RoleRequiredMixin):
    """The organiser, and leadership (read only)."""

    def has_role(self, user) -> bool:
        return is_organiser(user) or user.has_perm("judging.view_results")


class JudgeStageMixin(JudgeRequiredMixin):
    """The stage, only among those the judge sits on (else 404); loaded on first use, so after
    the role check."""

    @cached_property
    def stage(self) -> Stage:
        return get_object_or_404(
            selectors.stages_judged_by(self.request.user), pk=self.kwargs["stage_id"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage"] = self.stage
        return context


class OrganiserStageMixin(OrganiserRequiredMixin):
    """The stage of the URL (else 404); loaded on first use, so after the role check."""

    @cached_property
    def stage(self) -> Stage:
        return get_object_or_404(selectors.stages(), pk=self.kwargs["stage_id"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage"] = self.stage
        return context

    def back(self, name="judging:stage_detail"):
        return redirect(name, stage_id=self.stage.pk)


class PanelOrOrganiserMixin(RoleRequiredMixin):
    def has_role(self, user) -> bool:
        return is_judge(user) or is_organiser(user)


class EditionMixin:
    @cached_property
    def edition(self) -> Edition:
        return get_object_or_404(Edition, pk=self.kwargs["edition_id"])

    def back(self):
        return redirect("judging:final", edition_id=self.edition.pk)
