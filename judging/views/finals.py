"""The finals' pages: the interview schedule, the consensus note, the final result with its
weights, confirmation, publication, awards and KIJB forwarding."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import OrganiserRequiredMixin, is_organiser
from judging import selectors
from judging.forms import (
    AwardForm,
    ConsensusForm,
    FinalConfirmForm,
    KijbForm,
    SlotForm,
    WeightsForm,
)
from judging.models import StageResult
from judging.services import (
    JudgingError,
    cancel_slot,
    compute_final_results,
    confirm_final_result,
    forward_to_kijb,
    give_award,
    publish_final_result,
    record_consensus_note,
    remove_award,
    schedule_slot,
    set_stage_weights,
    withdraw_kijb,
)
from judging.validators import confirmation_problems, weight_problems
from judging.views.mixins import (
    EditionMixin,
    OrganiserStageMixin,
    PanelOrOrganiserMixin,
    ResultsReaderRequiredMixin,
    error_messages,
)


class ScheduleView(OrganiserStageMixin, TemplateView):
    """The stage's interview schedule: the slots in time order, the entries still without one
    (a count and the first few), and the form to give or change a slot (choosing an entry that
    has one changes it): a select of the entries on a small stage, else the typed entry's number
    or acronym. A fixed number of queries whatever the number of entries."""

    template_name = "judging/schedule.html"

    @cached_property
    def schedule(self) -> selectors.Schedule:
        return selectors.schedule(self.stage)

    def slot_form(self, data=None) -> SlotForm:
        return SlotForm(data, stage=self.stage, choices=self.schedule.choices)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.slot_form()))

    def post(self, request, *args, **kwargs):
        form = self.slot_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                schedule_slot(
                    self.stage,
                    proposal=form.proposal,
                    starts_at=form.starts_at(),
                    presentation_minutes=data["presentation_minutes"],
                    interview_minutes=data["interview_minutes"],
                    place=data["place"],
                    video_link=data["video_link"],
                    by=request.user,
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Slot saved; the agency was told by e-mail."))
                return redirect("judging:schedule", stage_id=self.stage.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_schedule_context(self.schedule))
        return context


def _schedule_context(schedule) -> dict:
    return {
        "schedule": schedule,
        "slots": schedule.slots,
        "unscheduled": schedule.unscheduled,
    }


class SchedulePrintView(ResultsReaderRequiredMixin, TemplateView):
    """The schedule on one printed page: the slots, and the entries without one (a count and the
    first few)."""

    template_name = "judging/schedule_print.html"
    shows_scores = False  # times and places only

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(selectors.stages(), pk=kwargs["stage_id"])
        context.update(
            _schedule_context(selectors.schedule(stage)),
            stage=stage,
            panel=selectors.panel_of(stage),
            printed_at=timezone.now(),
        )
        return context


class SlotCancelView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        slot = selectors.slot_of(self.stage, kwargs["slot_id"])
        try:
            cancel_slot(slot, by=request.user)
        except JudgingError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Slot cancelled; the agency was told by e-mail."))
        return redirect("judging:schedule", stage_id=self.stage.pk)


class ConsensusView(PanelOrOrganiserMixin, TemplateView):
    """The panel's consensus note on one entry (panel members and the organiser)."""

    template_name = "judging/consensus.html"

    @cached_property
    def result(self) -> StageResult:
        stage = get_object_or_404(selectors.stages(), pk=self.kwargs["stage_id"])
        result = selectors.consensus_entry(stage, self.kwargs["proposal_id"])
        if not selectors.can_write_consensus(self.request.user, stage, result.proposal):
            raise Http404
        return result

    @cached_property
    def locked(self) -> bool:
        """Read only: the results are published, or the stage is closed and the reader is not the
        organiser (who corrects a closed stage's note with a reason)."""
        stage = self.result.stage
        published = selectors.published_result(stage.edition) is not None
        return published or (stage.is_closed and not is_organiser(self.request.user))

    def form(self, data=None):
        if self.locked:
            return None
        return ConsensusForm(
            data,
            initial={"text": self.result.consensus_note},
            correcting=self.result.stage.is_closed,
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form is None:
            messages.error(request, _("This consensus note is locked."))
            return redirect(request.path)
        if form.is_valid():
            try:
                record_consensus_note(
                    self.result.stage,
                    proposal=self.result.proposal,
                    text=form.cleaned_data["text"],
                    reason=form.cleaned_data.get("reason", ""),
                    by=request.user,
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Consensus note saved."))
                return redirect(request.path)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(result=self.result, stage=self.result.stage, locked=self.locked)
        return context


class FinalView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    """The edition's final ranking per track (each stage's score times its weight), the weights,
    confirmation with the decree, publication, awards and KIJB forwarding."""

    template_name = "judging/final.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.edition
        stages = selectors.stages_of(edition)
        rows = selectors.final_rows(edition)
        for row in rows:
            row.scores = [row.stage_scores.get(str(stage.pk)) for stage in stages]
            row.kijb_from = selectors.kijb_eligible_from(row.proposal.innovation)
        result = selectors.final_result_of(edition)
        can_run = is_organiser(self.request.user)
        context.update(
            edition=edition,
            stages=stages,
            groups=selectors.final_tracks(rows),
            result=result,
            can_run=can_run,
            problems=confirmation_problems(edition),
            weights_problems=weight_problems(stages),
        )
        if can_run:
            context.update(
                weights_form=kwargs.get("weights_form") or WeightsForm(stages=stages),
                confirm_form=FinalConfirmForm(
                    initial={
                        "decree_number": result.decree_number if result else "",
                        "decree_date": result.decree_date if result else None,
                    }
                ),
                award_form=AwardForm(rows=rows),
                kijb_form=KijbForm(rows=rows, initial={"forwarded_on": timezone.localdate()}),
            )
        return context


class FinalActionView(OrganiserRequiredMixin, EditionMixin, View):
    """Base of the final page's POST actions: run `act`, report, go back."""

    success = ""

    def act(self, request):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            done = self.act(request)
        except JudgingError as error:
            error_messages(request, error)
        else:
            if done is not False:
                messages.success(request, self.success)
        return self.back()


class FinalWeightsView(FinalActionView):
    def act(self, request):
        self.success = _("Weights saved; the final ranking is recomputed.")
        stages = selectors.stages_of(self.edition)
        form = WeightsForm(request.POST, stages=stages)
        if not form.is_valid():
            messages.error(request, _("Give every stage a weight between 0 and 100."))
            return False
        set_stage_weights(self.edition, weights=form.weights(), by=request.user)
        return True


class FinalRecomputeView(FinalActionView):
    def act(self, request):
        self.success = _("Final ranking recomputed.")
        if selectors.has_final_result(self.edition):
            raise JudgingError(_("The final result is confirmed: it is no longer recomputed."))
        compute_final_results(self.edition)


class FinalConfirmView(FinalActionView):
    def act(self, request):
        self.success = _("Final result confirmed with the decree.")
        form = FinalConfirmForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the decree number and date."))
            return False
        confirm_final_result(
            self.edition,
            decree_number=form.cleaned_data["decree_number"],
            decree_date=form.cleaned_data["decree_date"],
            by=request.user,
        )


class FinalPublishView(FinalActionView):
    def act(self, request):
        self.success = _(
            "Results published: the public pages and the agencies' feedback show them."
        )
        publish_final_result(self.edition, by=request.user)


class AwardGiveView(FinalActionView):
    def act(self, request):
        self.success = _("Award given.")
        rows = selectors.final_rows(self.edition)
        form = AwardForm(request.POST, rows=rows)
        if not form.is_valid():
            messages.error(request, _("Choose a finalist and an award."))
            return False
        give_award(
            self.edition,
            proposal=selectors.finalist_of(self.edition, form.cleaned_data["proposal"]),
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            by=request.user,
        )


class AwardRemoveView(FinalActionView):
    def act(self, request):
        self.success = _("Award removed.")
        award = selectors.award_of(self.edition, self.kwargs["award_id"])
        remove_award(award, by=request.user)


class KijbForwardView(FinalActionView):
    def act(self, request):
        self.success = _("Marked as forwarded to KIJB.")
        rows = selectors.final_rows(self.edition)
        form = KijbForm(request.POST, rows=rows)
        if not form.is_valid():
            messages.error(request, _("Choose a finalist and the date of forwarding."))
            return False
        forward_to_kijb(
            selectors.finalist_of(self.edition, form.cleaned_data["proposal"]),
            forwarded_on=form.cleaned_data["forwarded_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )


class KijbWithdrawView(FinalActionView):
    def act(self, request):
        self.success = _("KIJB forwarding withdrawn.")
        nomination = selectors.nomination_of(self.edition, self.kwargs["nomination_id"])
        withdraw_kijb(nomination, by=request.user)
