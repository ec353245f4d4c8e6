"""The judge's pages (penilaian/): the stages they sit on, the declaration and pledge, their
entries, the score sheet, a conflict found while scoring, the attachments."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import JudgeRequiredMixin
from common.downloads import file_response
from common.params import page_number
from judging import selectors
from judging.enums import SheetStatus, StageKind
from judging.forms import DeclarationForm, EntryConflictForm, ScoreSheetForm
from judging.services import (
    PLEDGE_TEXT,
    JudgingError,
    declare_conflicts,
    save_score_sheet,
    submit_score_sheet,
)
from judging.views.mixins import JudgeStageMixin, error_messages


class JudgeHomeView(JudgeRequiredMixin, TemplateView):
    """The stages the judge sits on, with progress."""

    template_name = "judging/judge_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["stages"] = stages = list(selectors.stages_for_judge(self.request.user))
        # Slots exist only in interview stages: no query for a judge who sits on none still open.
        interviewing = any(s.kind == StageKind.INTERVIEW and not s.is_closed for s in stages)
        context["slots"] = (
            selectors.upcoming_slots_for_judge(self.request.user, timezone.now())
            if interviewing
            else []
        )
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
            page = min(page_number(self.request.GET.get("page")), pages)
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
            slots=(
                selectors.slots_for_judge(self.request.user, self.stage)
                if self.declared and self.stage.kind == StageKind.INTERVIEW
                else []
            ),
        )
        return context


class DeclarationView(JudgeStageMixin, TemplateView):
    """Before any proposal: the list of entries (agency, innovation), conflicts with reasons,
    "no other conflicts", and the integrity pledge."""

    template_name = "judging/declaration.html"

    def _form(self, data=None):
        user = self.request.user
        entries = selectors.declaration_entries(self.stage)
        automatic = selectors.automatic_conflict_ids(user, self.stage.edition)
        declared = selectors.declared_proposal_ids(user)
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
        context["declaration"] = selectors.declaration_of(self.stage, self.request.user)
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
        context.update(
            assignment=self.assignment,
            sheet=self.sheet,
            proposal=proposal,
            body=selectors.entry_body(proposal.pk),
            others=selectors.other_sheets_visible_to(self.stage, self.sheet),
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
            error_messages(request, error)
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
        attachment = selectors.attachment_for_judge(request.user, attachment_id)
        return file_response(
            attachment.file,
            content_type=attachment.content_type,
            filename=attachment.original_name,
        )
