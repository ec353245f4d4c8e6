"""Pages of the finals: the interview schedule, the consensus notes, the final result with awards
and KIJB forwarding, the minutes (berita acara), the selection export, the KIJB forwarding pack,
and the agency's side (slot, slides, feedback).

Thin like judging.views: load through selectors (outside: 404), one service per POST, a
JudgingError becomes messages or form errors, then redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import OrganiserRequiredMixin, RoleRequiredMixin, is_judge, is_organiser
from innovations.models import Edition, Proposal
from innovations.selectors import proposals_visible_to
from innovations.services import is_agency_operator
from judging import final_selectors, selectors
from judging.exports import selection_response
from judging.finals import (
    can_write_consensus,
    cancel_slot,
    compute_final_results,
    confirm_final_result,
    confirmation_problems,
    forward_to_kijb,
    give_award,
    kijb_eligible_from,
    publish_final_result,
    record_consensus_note,
    remove_award,
    schedule_slot,
    set_stage_weights,
    upload_presentation,
    weight_problems,
    withdraw_kijb,
)
from judging.forms import (
    AwardForm,
    ConsensusForm,
    FinalConfirmForm,
    KijbForm,
    PresentationForm,
    SlotForm,
    WeightsForm,
)
from judging.models import (
    Award,
    FinalResult,
    InterviewSlot,
    KijbNomination,
    Stage,
    StageResult,
)
from judging.services import JudgingError
from judging.views import OrganiserStageMixin, ResultsReaderRequiredMixin, _error_messages

# --- schedule -----------------------------------------------------------------------------------


class ScheduleView(OrganiserStageMixin, TemplateView):
    """The stage's interview schedule: the slots in time order, the entries still without one
    (a count and the first few), and the form to give or change a slot (choosing an entry that
    has one changes it): a select of the entries on a small stage, else the typed entry's number
    or acronym. A fixed number of queries whatever the number of entries."""

    template_name = "judging/schedule.html"

    @cached_property
    def schedule(self) -> final_selectors.Schedule:
        return final_selectors.schedule(self.stage)

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(Stage.objects.select_related("edition"), pk=kwargs["stage_id"])
        context.update(
            _schedule_context(final_selectors.schedule(stage)),
            stage=stage,
            panel=list(stage.panel.select_related("judge").order_by("judge__username")),
            printed_at=timezone.now(),
        )
        return context


class SlotCancelView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        slot = get_object_or_404(InterviewSlot, pk=kwargs["slot_id"], stage=self.stage)
        try:
            cancel_slot(slot, by=request.user)
        except JudgingError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Slot cancelled; the agency was told by e-mail."))
        return redirect("judging:schedule", stage_id=self.stage.pk)


# --- consensus note -----------------------------------------------------------------------------


class PanelOrOrganiserMixin(RoleRequiredMixin):
    def has_role(self, user) -> bool:
        return is_judge(user) or is_organiser(user)


class ConsensusView(PanelOrOrganiserMixin, TemplateView):
    """The panel's consensus note on one entry (panel members and the organiser)."""

    template_name = "judging/consensus.html"

    @cached_property
    def result(self) -> StageResult:
        stage = get_object_or_404(
            Stage.objects.select_related("edition"), pk=self.kwargs["stage_id"]
        )
        result = get_object_or_404(
            StageResult.objects.select_related(
                "stage__edition", "proposal__innovation", "proposal__agency", "consensus_by"
            ),
            stage=stage,
            proposal_id=self.kwargs["proposal_id"],
        )
        if not can_write_consensus(self.request.user, stage, result.proposal):
            raise Http404
        return result

    def get(self, request, *args, **kwargs):
        form = ConsensusForm(initial={"text": self.result.consensus_note})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = ConsensusForm(request.POST)
        if form.is_valid():
            try:
                record_consensus_note(
                    self.result.stage,
                    proposal=self.result.proposal,
                    text=form.cleaned_data["text"],
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
        context.update(result=self.result, stage=self.result.stage)
        return context


# --- final result -------------------------------------------------------------------------------


class EditionMixin:
    @cached_property
    def edition(self) -> Edition:
        return get_object_or_404(Edition, pk=self.kwargs["edition_id"])

    def back(self):
        return redirect("judging:final", edition_id=self.edition.pk)


class FinalView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    """The edition's final ranking per track (each stage's score times its weight), the weights,
    confirmation with the decree, publication, awards and KIJB forwarding."""

    template_name = "judging/final.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.edition
        stages = list(Stage.objects.filter(edition=edition).order_by("order"))
        rows = final_selectors.final_rows(edition)
        for row in rows:
            row.scores = [row.stage_scores.get(str(stage.pk)) for stage in stages]
            row.kijb_from = kijb_eligible_from(row.proposal.innovation)
        result = (
            FinalResult.objects.filter(edition=edition)
            .select_related("confirmed_by", "published_by")
            .first()
        )
        can_run = is_organiser(self.request.user)
        context.update(
            edition=edition,
            stages=stages,
            groups=final_selectors.final_tracks(rows),
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
            _error_messages(request, error)
        else:
            if done is not False:
                messages.success(request, self.success)
        return self.back()


class FinalWeightsView(FinalActionView):
    def act(self, request):
        self.success = _("Weights saved; the final ranking is recomputed.")
        stages = list(Stage.objects.filter(edition=self.edition).order_by("order"))
        form = WeightsForm(request.POST, stages=stages)
        if not form.is_valid():
            messages.error(request, _("Give every stage a weight between 0 and 100."))
            return False
        set_stage_weights(self.edition, weights=form.weights(), by=request.user)
        return True


class FinalRecomputeView(FinalActionView):
    def act(self, request):
        self.success = _("Final ranking recomputed.")
        if FinalResult.objects.filter(edition=self.edition).exists():
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


def _finalist(edition, proposal_id) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("innovation"),
        pk=proposal_id,
        final_entry__edition=edition,
    )


class AwardGiveView(FinalActionView):
    def act(self, request):
        self.success = _("Award given.")
        rows = final_selectors.final_rows(self.edition)
        form = AwardForm(request.POST, rows=rows)
        if not form.is_valid():
            messages.error(request, _("Choose a finalist and an award."))
            return False
        give_award(
            self.edition,
            proposal=_finalist(self.edition, form.cleaned_data["proposal"]),
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            by=request.user,
        )


class AwardRemoveView(FinalActionView):
    def act(self, request):
        self.success = _("Award removed.")
        award = get_object_or_404(Award, pk=self.kwargs["award_id"], edition=self.edition)
        remove_award(award, by=request.user)


class KijbForwardView(FinalActionView):
    def act(self, request):
        self.success = _("Marked as forwarded to KIJB.")
        rows = final_selectors.final_rows(self.edition)
        form = KijbForm(request.POST, rows=rows)
        if not form.is_valid():
            messages.error(request, _("Choose a finalist and the date of forwarding."))
            return False
        forward_to_kijb(
            _finalist(self.edition, form.cleaned_data["proposal"]),
            forwarded_on=form.cleaned_data["forwarded_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )


class KijbWithdrawView(FinalActionView):
    def act(self, request):
        self.success = _("KIJB forwarding withdrawn.")
        nomination = get_object_or_404(
            KijbNomination, pk=self.kwargs["nomination_id"], proposal__edition=self.edition
        )
        withdraw_kijb(nomination, by=request.user)


# --- documents ----------------------------------------------------------------------------------


class MinutesView(ResultsReaderRequiredMixin, TemplateView):
    """Berita acara of a stage: edition, stage, date, panel, ranking with scores, decision,
    decree, signature lines. Prints on A4."""

    template_name = "judging/minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(Stage.objects.select_related("edition"), pk=kwargs["stage_id"])
        rows = selectors.ranking_rows(stage)
        panel = list(stage.panel.select_related("judge").order_by("judge__username"))
        shortlists = list(stage.shortlists.select_related("track").order_by("track__order"))
        context.update(
            stage=stage,
            groups=selectors.tracks_of_ranking(rows, rank_by=stage.rank_by),
            panel=panel,
            shortlists=shortlists,
            decrees=sorted({s.decree_ref for s in shortlists}),
            printed_at=timezone.now(),
        )
        return context


class FinalMinutesView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    """Berita acara of the final result: the final ranking, awards, KIJB, decree, signatures."""

    template_name = "judging/final_minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stages = list(Stage.objects.filter(edition=self.edition).order_by("order"))
        rows = final_selectors.final_rows(self.edition)
        for row in rows:
            row.scores = [row.stage_scores.get(str(stage.pk)) for stage in stages]
        last = stages[-1] if stages else None
        context.update(
            edition=self.edition,
            stages=stages,
            groups=final_selectors.final_tracks(rows),
            result=FinalResult.objects.filter(edition=self.edition).first(),
            panel=list(last.panel.select_related("judge").order_by("judge__username"))
            if last
            else [],
            printed_at=timezone.now(),
        )
        return context


class SelectionExportView(ResultsReaderRequiredMixin, EditionMixin, View):
    def get(self, request, *args, **kwargs):
        return selection_response(self.edition)


PACK_OBJECTS = ("answer_objects", "attachment_objects")


def forwarding_pack(edition) -> list[dict]:
    """Every forwarded innovation of the edition: identity, proposal sections, attachments list,
    results per stage and final result. A fixed number of queries."""
    from innovations.models import Attachment, SectionAnswer

    nominations = list(
        KijbNomination.objects.filter(proposal__edition=edition)
        .select_related("proposal__innovation", "proposal__agency", "proposal__track")
        .order_by("proposal__innovation__acronym")
    )
    ids = [n.proposal_id for n in nominations]
    answers: dict[int, list] = {}
    for answer in (
        SectionAnswer.objects.filter(proposal_id__in=ids)
        .select_related("section")
        .order_by("section__order", "section_id")
    ):
        answers.setdefault(answer.proposal_id, []).append(answer)
    files: dict[int, list] = {}
    for attachment in Attachment.objects.filter(proposal_id__in=ids).order_by("kind", "pk"):
        files.setdefault(attachment.proposal_id, []).append(attachment)
    results: dict[int, list] = {}
    for result in (
        StageResult.objects.filter(proposal_id__in=ids)
        .select_related("stage")
        .order_by("stage__order")
    ):
        results.setdefault(result.proposal_id, []).append(result)
    finals = {
        e.proposal_id: e for e in final_selectors.final_rows(edition) if e.proposal_id in set(ids)
    }
    pack = []
    for nomination in nominations:
        proposal = nomination.proposal
        innovation = proposal.innovation
        final = finals.get(proposal.pk)
        pack.append(
            {
                "innovation": {
                    "name": innovation.name,
                    "acronym": innovation.acronym,
                    "expansion": innovation.expansion,
                    "started_on": innovation.started_on.isoformat(),
                    "form": innovation.get_form_display(),
                    "digital": innovation.is_digital,
                },
                "agency": proposal.agency.name,
                "track": proposal.track.name,
                "forwarded_on": nomination.forwarded_on.isoformat(),
                "note": nomination.note,
                "video_url": proposal.video_url,
                "sections": [
                    {"title": a.section.title, "text": a.text, "words": a.word_count}
                    for a in answers.get(proposal.pk, [])
                ],
                "attachments": [
                    {
                        "kind": f.get_kind_display(),
                        "name": f.original_name,
                        "size": f.size,
                        "content_type": f.content_type,
                    }
                    for f in files.get(proposal.pk, [])
                ],
                "results": [
                    {
                        "stage": r.stage.get_kind_display(),
                        "mean": str(r.mean) if r.mean is not None else None,
                        "rank": r.rank,
                        "decision": r.get_decision_display(),
                        "decree": r.decree_ref,
                    }
                    for r in results.get(proposal.pk, [])
                ],
                "final": {
                    "score": str(final.score) if final and final.score is not None else None,
                    "rank": final.rank if final else None,
                    "awards": [a.label for a in final.proposal.awards.all()] if final else [],
                },
                "answer_objects": answers.get(proposal.pk, []),
                "attachment_objects": files.get(proposal.pk, []),
            }
        )
    return pack


class ForwardingPackView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    template_name = "judging/kijb_pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            edition=self.edition,
            pack=forwarding_pack(self.edition),
            result=FinalResult.objects.filter(edition=self.edition).first(),
            printed_at=timezone.now(),
        )
        return context


class ForwardingPackJsonView(ResultsReaderRequiredMixin, EditionMixin, View):
    def get(self, request, *args, **kwargs):
        result = FinalResult.objects.filter(edition=self.edition).first()
        items = [
            {key: value for key, value in item.items() if key not in PACK_OBJECTS}
            for item in forwarding_pack(self.edition)
        ]
        response = JsonResponse(
            {
                "edition": self.edition.name,
                "decree": result.decree_ref if result else None,
                "innovations": items,
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = f'attachment; filename="kijb-{self.edition.slug}.json"'
        return response


# --- the agency's side --------------------------------------------------------------------------


class PresentationUploadView(RoleRequiredMixin, View):
    """An operator uploads the slides of a shortlisted entry before its slot."""

    def has_role(self, user) -> bool:
        return True

    def post(self, request, slot_id):
        slot = next(
            (s for s in final_selectors.agency_slots(request.user) if s.pk == slot_id), None
        )
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
                _error_messages(request, error)
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
        feedback = final_selectors.proposal_feedback(proposal)
        if feedback is None:
            raise Http404
        final = final_selectors.final_rows(proposal.edition)
        context.update(
            proposal=proposal,
            feedback=feedback,
            final=next((row for row in final if row.proposal_id == proposal.pk), None),
        )
        return context
