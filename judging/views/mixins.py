"""What the judging pages share: who may read results, the stage or edition of the URL, and how
a refused action becomes messages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
    """The organiser, and leadership (read only). A page that shows scores (`shows_scores`) is
    also refused (403) to a reader the stage's or edition's results are hidden from:
    judging.selectors.visibility, e.g. a leader who sits on the stage's panel while it is open."""

    shows_scores = True

    def has_role(self, user) -> bool:
        return is_organiser(user) or user.has_perm("judging.view_results")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        # The organiser reads every result (no query spent); a reader, through the rule.
        if (
            self.shows_scores
            and user.is_authenticated
            and not is_organiser(user)
            and self.has_role(user)
            and not self.results_visible(user, kwargs)
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def results_visible(user, kwargs) -> bool:
        if "stage_id" in kwargs:
            stage = get_object_or_404(selectors.stages(), pk=kwargs["stage_id"])
            return selectors.stage_results_visible_to(user, stage)
        edition = get_object_or_404(Edition, pk=kwargs["edition_id"])
        return selectors.edition_results_visible_to(user, edition)


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
