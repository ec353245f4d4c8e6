"""Judging pages. Judges under penilaian/, the organiser under penyelenggara/penilaian/.

Views are thin: they load through judging.selectors (outside it: 404), call one service on POST,
turn a JudgingError into messages or form errors, and redirect.
"""

from django.contrib import messages
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import (
    JudgeRequiredMixin,
    OrganiserRequiredMixin,
    RoleRequiredMixin,
    is_organiser,
)
from innovations.models import Attachment, Track
from judging import ranking_display, selectors
from judging.enums import Decision, RankBy, SheetStatus, TieBreak
from judging.forms import (
    CriterionFormSet,
    DeclarationForm,
    EntryConflictForm,
    ManualAssignForm,
    PanelForm,
    ReasonForm,
    ScoreSheetForm,
    ShortlistForm,
    StageCreateForm,
    StageSettingsForm,
)
from judging.models import (
    Assignment,
    Conflict,
    ConflictDeclaration,
    ScoreSheet,
    Shortlist,
    Stage,
    StageResult,
)
from judging.services import (
    PLEDGE_TEXT,
    JudgingError,
    assign_judges,
    assign_manually,
    change_shortlist,
    close_stage,
    compute_stage_results,
    confirm_shortlist,
    create_stage,
    criteria_are_frozen,
    cut_of,
    declare_conflicts,
    open_stage,
    opening_problems,
    reopen_score_sheet,
    save_score_sheet,
    set_criteria,
    set_panel,
    submit_score_sheet,
    unassign,
    update_stage_settings,
)


def _error_messages(request, error: JudgingError) -> None:
    for message in error.messages:
        messages.error(request, message)


class ResultsReaderRequiredMixin(RoleRequiredMixin):
    """The organiser, and leadership (read only)."""

    def has_role(self, user) -> bool:
        return is_organiser(user) or user.has_perm("judging.view_results")


# --- judges -------------------------------------------------------------------------------------


class JudgeHomeView(JudgeRequiredMixin, TemplateView):
    """The stages the judge sits on, with progress."""

    template_name = "judging/judge_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = list(selectors.stages_for_judge(self.request.user))
        return context


class JudgeStageMixin(JudgeRequiredMixin):
    """The stage, only among those the judge sits on (else 404); loaded on first use, so after
    the role check."""

    @cached_property
    def stage(self) -> Stage:
        return get_object_or_404(
            Stage.objects.select_related("edition").filter(panel__judge=self.request.user),
            pk=self.kwargs["stage_id"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage"] = self.stage
        return context


# The judge's list of entries: a page at a time, everything / still to score / submitted.
JUDGE_PAGE_SIZE = 50
JUDGE_LIST_FILTERS = ("", "todo", "done")


class JudgeStageView(JudgeStageMixin, TemplateView):
    """The judge's entries of a stage, in the judge's own random order, with progress."""

    template_name = "judging/judge_stage.html"

    def get(self, request, *args, **kwargs):
        stage = self.stage
        self.declared = selectors.has_signed_declaration(request.user, stage)
        if not stage.is_closed and not self.declared:
            return redirect("judging:declare", stage_id=stage.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        assignments, scored, total, shown = [], 0, 0, 0
        show = self.request.GET.get("show")
        show = show if show in JUDGE_LIST_FILTERS else ""
        page, pages = 1, 1
        if self.stage.opened_at is not None and self.declared:
            queryset = selectors.assignments_for_judge(self.request.user, self.stage)
            total, scored = selectors.judge_progress(queryset)
            shown = {"": total, "todo": total - scored, "done": scored}[show]
            if show == "todo":
                queryset = queryset.exclude(sheet__status=SheetStatus.SUBMITTED)
            elif show == "done":
                queryset = queryset.filter(sheet__status=SheetStatus.SUBMITTED)
            # A national panel gives a judge hundreds of entries: a page at a time, in the
            # judge's own order (the number in the first column is the place in that order).
            pages = max(1, -(-shown // JUDGE_PAGE_SIZE))
            page = min(_positive_int(self.request.GET.get("page")) or 1, pages)
            offset = (page - 1) * JUDGE_PAGE_SIZE
            assignments = list(queryset[offset : offset + JUDGE_PAGE_SIZE])
            for number, assignment in enumerate(assignments, start=offset + 1):
                assignment.number = number
        context.update(
            declared=self.declared,
            assignments=assignments,
            scored=scored,
            total=total,
            todo=total - scored,
            shown=shown,
            show=show,
            page=page,
            pages=pages,
            percent=round(100 * scored / total) if total else 0,
        )
        return context


class DeclarationView(JudgeStageMixin, TemplateView):
    """Before any proposal: the list of entries (agency, innovation), conflicts with reasons,
    "no other conflicts", and the integrity pledge."""

    template_name = "judging/declaration.html"

    def _form(self, data=None):
        entries = list(
            StageResult.objects.filter(stage=self.stage)
            .select_related("proposal__innovation", "proposal__agency__parent")
            .order_by("proposal__agency__name", "proposal__innovation__acronym")
        )
        automatic = set(
            selectors.conflicted_proposals(self.request.user, self.stage.edition)
            .exclude(
                pk__in=Conflict.objects.filter(
                    judge=self.request.user, proposal__isnull=False
                ).values("proposal_id")
            )
            .values_list("pk", flat=True)
        )
        declared = set(
            Conflict.objects.filter(judge=self.request.user, proposal__isnull=False).values_list(
                "proposal_id", flat=True
            )
        )
        return DeclarationForm(data, entries=entries, automatic=automatic, declared=declared)

    def get(self, request, *args, **kwargs):
        if self.stage.is_closed:
            return redirect("judging:judge_stage", stage_id=self.stage.pk)
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                declare_conflicts(
                    self.stage,
                    judge=request.user,
                    conflicts=form.conflicts(),
                    pledge_text=str(PLEDGE_TEXT),
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Declaration recorded and pledge signed. Thank you."))
                return redirect("judging:judge_stage", stage_id=self.stage.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pledge_text"] = PLEDGE_TEXT
        context["declaration"] = ConflictDeclaration.objects.filter(
            stage=self.stage, judge=self.request.user
        ).first()
        return context


class ScoreSheetView(JudgeStageMixin, TemplateView):
    """One entry: the proposal as submitted, and the judge's score sheet (save draft, submit)."""

    template_name = "judging/score_sheet.html"

    def load(self):
        """The judge's visible assignment (else 404); None when the declaration comes first."""
        stage = self.stage
        if stage.is_open and not selectors.has_signed_declaration(self.request.user, stage):
            return None
        self.assignment = selectors.assignment_for_judge(
            self.request.user, stage, self.kwargs["proposal_id"]
        )
        if self.assignment is None:
            raise Http404
        self.sheet = self.assignment.sheet
        self.criteria = selectors.criteria_of(stage)
        return self.assignment

    def _form(self, data=None, locked=None):
        if locked is None:
            locked = self.sheet.is_submitted or not self.stage.is_open
        return ScoreSheetForm(
            data,
            criteria=self.criteria,
            scores=list(self.sheet.scores.all()),
            overall_comment=self.sheet.overall_comment,
            locked=locked,
        )

    def get(self, request, *args, **kwargs):
        if self.load() is None:
            return redirect("judging:declare", stage_id=self.stage.pk)
        return self.render_to_response(self.get_context_data(form=self._form()))

    def post(self, request, *args, **kwargs):
        if self.load() is None:
            return redirect("judging:declare", stage_id=self.stage.pk)
        submitting = "submit" in request.POST
        form = self._form(request.POST, locked=False)
        if form.is_valid() and (not submitting or form.require_all()):
            service = submit_score_sheet if submitting else save_score_sheet
            try:
                service(
                    self.sheet,
                    by=request.user,
                    scores=form.scores(),
                    overall_comment=form.cleaned_data["overall_comment"],
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
                if error.code == "already_submitted":
                    self.sheet.refresh_from_db()
            else:
                if submitting:
                    messages.success(request, _("Score sheet submitted. Thank you."))
                    return redirect("judging:judge_stage", stage_id=self.stage.pk)
                messages.success(request, _("Draft saved."))
                return redirect(request.path)
        # Whatever was typed stays in the form, even when the sheet turned out to be locked.
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.assignment.proposal
        visible_others = selectors.others_visible(self.stage, self.sheet)
        context.update(
            assignment=self.assignment,
            sheet=self.sheet,
            proposal=proposal,
            body=selectors.entry_body(proposal.pk),
            others=selectors.other_sheets(self.sheet) if visible_others else None,
            criteria=self.criteria,
            conflict_form=EntryConflictForm(),
            editable=self.stage.is_open and not self.sheet.is_submitted,
        )
        return context


class EntryConflictView(JudgeStageMixin, View):
    """Declare a conflict found while scoring: the sheet is excluded, the organiser alerted."""

    def post(self, request, *args, **kwargs):
        assignment = selectors.assignment_for_judge(
            request.user, self.stage, self.kwargs["proposal_id"]
        )
        if assignment is None:
            raise Http404
        form = EntryConflictForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for the conflict."))
            return redirect(
                "judging:sheet", stage_id=self.stage.pk, proposal_id=assignment.proposal_id
            )
        try:
            declare_conflicts(
                self.stage,
                judge=request.user,
                conflicts={assignment.proposal_id: form.cleaned_data["reason"]},
            )
        except JudgingError as error:
            _error_messages(request, error)
            return redirect(
                "judging:sheet", stage_id=self.stage.pk, proposal_id=assignment.proposal_id
            )
        messages.success(
            request,
            _(
                "Conflict recorded. The entry was removed from your list; the organiser will "
                "reassign it."
            ),
        )
        return redirect("judging:judge_stage", stage_id=self.stage.pk)


class AttachmentView(JudgeRequiredMixin, View):
    """An attachment of a proposal the judge may see (assigned, declared, no conflict)."""

    def get(self, request, attachment_id):
        attachment = get_object_or_404(
            Attachment.objects.filter(
                proposal__in=selectors.proposals_visible_to_judge(request.user)
            ),
            pk=attachment_id,
        )
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        inline = attachment.content_type in ("application/pdf", "image/png", "image/jpeg")
        response = FileResponse(
            handle,
            as_attachment=not inline,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- organiser ----------------------------------------------------------------------------------


class OrganiserStageMixin(OrganiserRequiredMixin):
    """The stage of the URL (else 404); loaded on first use, so after the role check."""

    @cached_property
    def stage(self) -> Stage:
        return get_object_or_404(
            Stage.objects.select_related("edition"), pk=self.kwargs["stage_id"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stage"] = self.stage
        return context

    def back(self, name="judging:stage_detail"):
        return redirect(name, stage_id=self.stage.pk)


class StageListView(OrganiserRequiredMixin, TemplateView):
    template_name = "judging/stage_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = list(selectors.stages_for_organiser())
        context["form"] = kwargs.get("form") or StageCreateForm()
        return context


class StageCreateView(OrganiserRequiredMixin, View):
    def post(self, request):
        form = StageCreateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an edition and a kind of stage."))
            return redirect("judging:stage_list")
        try:
            stage = create_stage(
                edition=form.cleaned_data["edition"],
                kind=form.cleaned_data["kind"],
                by=request.user,
            )
        except JudgingError as error:
            _error_messages(request, error)
            return redirect("judging:stage_list")
        messages.success(request, _("Stage created with its default criteria."))
        return redirect("judging:stage_detail", stage_id=stage.pk)


class StageDetailView(OrganiserStageMixin, TemplateView):
    """A stage at a glance: settings, criteria, panel progress, alerts, actions, history."""

    template_name = "judging/stage_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = self.stage
        progress = selectors.panel_progress(stage)
        context.update(
            criteria=selectors.criteria_of(stage),
            progress=progress,
            assigned=sum(p.assigned for p in progress),
            submitted=sum(p.submitted for p in progress),
            entry_count=stage.results.count(),
            alerts=list(selectors.excluded_sheets_needing_reassignment(stage)),
            opening_problems=opening_problems(stage) if stage.opened_at is None else [],
            frozen=criteria_are_frozen(stage),
            events=list(stage.events.select_related("by", "judge", "proposal__innovation")[:30]),
            shortlists=list(stage.shortlists.select_related("track", "confirmed_by")),
            tracks=list(Track.objects.filter(edition=stage.edition).order_by("order", "name")),
        )
        return context


class StageSettingsView(OrganiserStageMixin, TemplateView):
    template_name = "judging/stage_settings.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=StageSettingsForm(instance=self.stage))
        )

    def post(self, request, *args, **kwargs):
        form = StageSettingsForm(request.POST, instance=Stage.objects.get(pk=self.stage.pk))
        if form.is_valid():
            try:
                update_stage_settings(
                    self.stage,
                    by=request.user,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Settings saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CriteriaView(OrganiserStageMixin, TemplateView):
    """The stage's criteria: editable until scoring starts; weights must add up to 100."""

    template_name = "judging/criteria.html"

    def initial(self):
        return [
            {
                "id": c.pk,
                "name": c.name,
                "guidance": c.guidance,
                "weight": c.weight,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
            }
            for c in selectors.criteria_of(self.stage)
        ]

    def get(self, request, *args, **kwargs):
        formset = CriterionFormSet(initial=self.initial(), prefix="criteria")
        return self.render_to_response(self.get_context_data(formset=formset))

    def post(self, request, *args, **kwargs):
        formset = CriterionFormSet(request.POST, initial=self.initial(), prefix="criteria")
        if formset.is_valid():
            try:
                set_criteria(self.stage, criteria=formset.criteria(), by=request.user)
            except JudgingError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Criteria saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(formset=formset), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frozen"] = criteria_are_frozen(self.stage)
        if context["frozen"]:
            context["criteria"] = selectors.criteria_of(self.stage)
        return context


class PanelView(OrganiserStageMixin, TemplateView):
    template_name = "judging/panel.html"

    def get(self, request, *args, **kwargs):
        form = PanelForm(initial={"judges": list(self.stage.panel.values_list("judge", flat=True))})
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = PanelForm(request.POST)
        if form.is_valid():
            try:
                set_panel(self.stage, judges=form.cleaned_data["judges"], by=request.user)
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Panel saved."))
                return self.back()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StageOpenView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            open_stage(self.stage, by=request.user)
        except JudgingError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The stage is open. The judges were told by e-mail."))
        return self.back()


class StageCloseView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            close_stage(self.stage, by=request.user)
        except JudgingError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("The stage is closed and its results computed."))
        return self.back()


class AssignmentsView(OrganiserStageMixin, TemplateView):
    """Entries and their judges: run the automatic assignment, adjust by hand."""

    template_name = "judging/assignments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.assignment_table(self.stage)
        judges = [
            member.judge
            for member in self.stage.panel.select_related("judge").order_by("judge__username")
        ]
        context.update(
            rows=rows,
            judges=judges,
            manual_form=kwargs.get("manual_form")
            or ManualAssignForm(judges=judges, entries=[row["entry"] for row in rows]),
            loads=selectors.panel_progress(self.stage),
            missing_total=sum(row["missing"] for row in rows),
        )
        return context


class AutoAssignView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            report = assign_judges(self.stage, by=request.user)
        except JudgingError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request, _("%(count)d new assignments made.") % {"count": report.created}
            )
            if report.missing:
                messages.warning(
                    request,
                    _("Not enough judges free of conflict for: %(entries)s.")
                    % {"entries": ", ".join(report.missing)},
                )
        return self.back("judging:assignments")


class ManualAssignView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        judges = [
            member.judge
            for member in self.stage.panel.select_related("judge").order_by("judge__username")
        ]
        entries = list(
            StageResult.objects.filter(stage=self.stage).select_related(
                "proposal__innovation", "proposal__agency"
            )
        )
        form = ManualAssignForm(request.POST, judges=judges, entries=entries)
        if form.is_valid():
            judge = next(j for j in judges if j.pk == form.cleaned_data["judge"])
            entry = next(e for e in entries if e.proposal_id == form.cleaned_data["proposal"])
            try:
                assign_manually(self.stage, judge=judge, proposal=entry.proposal, by=request.user)
            except JudgingError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("Assignment added."))
        else:
            messages.error(request, _("Choose a judge and an entry."))
        return self.back("judging:assignments")


class UnassignView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        assignment = get_object_or_404(Assignment, pk=kwargs["assignment_id"], stage=self.stage)
        try:
            unassign(assignment, by=request.user)
        except JudgingError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Assignment removed."))
        return self.back("judging:assignments")


class ReopenSheetView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        sheet = get_object_or_404(
            ScoreSheet.objects.select_related("assignment"),
            pk=kwargs["sheet_id"],
            assignment__stage=self.stage,
        )
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for reopening the sheet."))
        else:
            try:
                reopen_score_sheet(sheet, by=request.user, reason=form.cleaned_data["reason"])
            except JudgingError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("Sheet reopened; the judge was told by e-mail."))
        return redirect(
            "judging:entry_detail",
            stage_id=self.stage.pk,
            proposal_id=sheet.assignment.proposal_id,
        )


class EntryDetailView(OrganiserStageMixin, TemplateView):
    """Every sheet of one entry with scores and comments: what the organiser defends."""

    template_name = "judging/entry_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        result = get_object_or_404(
            StageResult.objects.select_related(
                "proposal__innovation", "proposal__agency", "proposal__track"
            ),
            stage=self.stage,
            proposal_id=self.kwargs["proposal_id"],
        )
        context.update(
            result=result,
            sheets=selectors.sheets_of_entry(self.stage, result.proposal_id),
            criteria=selectors.criteria_of(self.stage),
            reason_form=ReasonForm(),
        )
        return context


# Judges listed on the ranking page unless the whole panel is asked for (?judges=all).
JUDGES_SHOWN = 25


def _positive_int(value) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


class RankingView(ResultsReaderRequiredMixin, TemplateView):
    """The stage's ranking per track: every judge's total, mean, median, spread, normalised score,
    rank, the tie-break rule, ties at the cut, and per-judge statistics."""

    template_name = "judging/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(Stage.objects.select_related("edition"), pk=kwargs["stage_id"])
        criteria = selectors.criteria_of(stage)
        # At most RANKING_PAGE_SIZE rows per track; ?track=<id>&page=<n> pages through one track.
        track_id = _positive_int(self.request.GET.get("track"))
        page = (_positive_int(self.request.GET.get("page")) or 1) if track_id else 1
        heaviest = max(criteria, key=lambda c: (c.weight, -c.order, -c.pk)) if criteria else None
        can_run = is_organiser(self.request.user)
        # A large panel: the judges furthest from the panel first, the whole list on request.
        all_judges = self.request.GET.get("judges") == "all"
        judge_stats = selectors.judge_statistics(stage, limit=None if all_judges else JUDGES_SHOWN)
        context.update(
            stage=stage,
            criteria=criteria,
            heaviest=heaviest,
            judge_stats=judge_stats,
            all_judges=all_judges,
            can_run=can_run,
            rank_by_normalised=stage.rank_by == RankBy.NORMALISED,
            TieBreak=TieBreak,
        )
        # The tracks' tables change only with a computation of the results or a change of what
        # they show (see ranking_display.groups_cache_key): rendered once, then read back.
        key = ranking_display.groups_cache_key(stage, track_id=track_id, page=page, link=can_run)
        html = cache.get(key) if key else None
        if html is None:
            groups = self.groups(stage, track_id=track_id, page=page, link=can_run)
            html = render_to_string(
                "judging/_ranking_groups.html", {**context, "groups": groups}, self.request
            )
            if key:
                cache.set(key, html, ranking_display.GROUPS_CACHE_SECONDS)
        context["groups_html"] = html
        return context

    @staticmethod
    def groups(stage, *, track_id, page, link):
        size = selectors.RANKING_PAGE_SIZE
        offset = (page - 1) * size
        rows = selectors.ranking_rows(stage, track_id=track_id, offset=offset, limit=size)
        shortlists = {
            shortlist.track_id: shortlist
            for shortlist in stage.shortlists.select_related("confirmed_by")
        }
        groups = selectors.tracks_of_ranking(rows, rank_by=stage.rank_by, offset=offset)
        for group in groups:
            group["shortlist"] = shortlists.get(group["track"].pk)
            entries = group["rows"][0].track_size
            group["page"] = page
            group["pages"] = -(-entries // size)
            group["entries"] = entries
            group["first"], group["last"] = offset + 1, offset + len(group["rows"])
        ranking_display.prepare_rows(groups, stage=stage, link=link)
        return groups


class RecomputeView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        compute_stage_results(self.stage)
        messages.success(request, _("Results recomputed."))
        return redirect("judging:ranking", stage_id=self.stage.pk)


class ShortlistView(OrganiserStageMixin, TemplateView):
    """Confirm a track's Top N with the decree letter, or change a confirmed one with a reason."""

    template_name = "judging/shortlist.html"

    def setup_track(self):
        self.track = get_object_or_404(
            Track, pk=self.kwargs["track_id"], edition=self.stage.edition
        )
        self.shortlist = (
            Shortlist.objects.filter(stage=self.stage, track=self.track)
            .prefetch_related("changes__by")
            .first()
        )
        self.rows = [
            row
            for row in selectors.ranking_rows(self.stage)
            if row.proposal.track_id == self.track.pk
        ]
        self.cut = cut_of(self.stage, self.track)

    def form(self, data=None):
        if self.shortlist:
            initial = {
                "proposals": [
                    row.proposal_id for row in self.rows if row.decision == Decision.SHORTLISTED
                ],
                "decree_number": self.shortlist.decree_number,
                "decree_date": self.shortlist.decree_date,
            }
        else:
            initial = {"proposals": self.cut.top}
        return ShortlistForm(data, rows=self.rows, initial=initial)

    def get(self, request, *args, **kwargs):
        self.setup_track()
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        self.setup_track()
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if self.shortlist is None:
                    confirm_shortlist(
                        self.stage,
                        track=self.track,
                        proposal_ids=data["proposals"],
                        decree_number=data["decree_number"],
                        decree_date=data["decree_date"],
                        reason=data["reason"],
                        by=request.user,
                    )
                    messages.success(request, _("Shortlist confirmed; the agencies were told."))
                else:
                    change_shortlist(
                        self.shortlist,
                        proposal_ids=data["proposals"],
                        reason=data["reason"],
                        decree_number=data["decree_number"],
                        decree_date=data["decree_date"],
                        by=request.user,
                    )
                    messages.success(request, _("Shortlist changed; the change is recorded."))
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return HttpResponseRedirect(
                    reverse("judging:ranking", kwargs={"stage_id": self.stage.pk})
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            track=self.track,
            shortlist=self.shortlist,
            rows=self.rows,
            cut=self.cut,
            changes=list(self.shortlist.changes.all()) if self.shortlist else [],
        )
        return context
