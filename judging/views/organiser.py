"""The organiser's stage pages (penyelenggara/penilaian/): stages, settings, criteria, panel,
opening and closing, assignments, reopened sheets, an entry's sheets."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import OrganiserRequiredMixin
from judging import charts, selectors
from judging.forms import (
    CriterionFormSet,
    ManualAssignForm,
    PanelForm,
    ReasonForm,
    StageCreateForm,
    StageSettingsForm,
)
from judging.services import (
    JudgingError,
    assign_judges,
    assign_manually,
    close_stage,
    create_stage,
    open_stage,
    reopen_score_sheet,
    set_criteria,
    set_panel,
    unassign,
    update_stage_settings,
)
from judging.validators import criteria_are_frozen, opening_problems
from judging.views.mixins import OrganiserStageMixin, error_messages


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
            error_messages(request, error)
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
            progress_chart=charts.progress_chart(stage, progress) if progress else None,
            assigned=sum(p.assigned for p in progress),
            submitted=sum(p.submitted for p in progress),
            entry_count=selectors.entry_count(stage),
            alerts=list(selectors.excluded_sheets_needing_reassignment(stage)),
            opening_problems=opening_problems(stage) if stage.opened_at is None else [],
            frozen=criteria_are_frozen(stage),
            events=selectors.stage_events(stage),
            shortlists=selectors.shortlists_of(stage),
            tracks=selectors.tracks_of(stage.edition),
        )
        return context


class StageSettingsView(OrganiserStageMixin, TemplateView):
    template_name = "judging/stage_settings.html"

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=StageSettingsForm(instance=self.stage))
        )

    def post(self, request, *args, **kwargs):
        form = StageSettingsForm(request.POST, instance=selectors.stages().get(pk=self.stage.pk))
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
        form = PanelForm(initial={"judges": selectors.panel_judge_ids(self.stage)})
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
            error_messages(request, error)
        else:
            messages.success(request, _("The stage is open. The judges were told by e-mail."))
        return self.back()


class StageCloseView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        try:
            close_stage(self.stage, by=request.user)
        except JudgingError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The stage is closed and its results computed."))
        return self.back()


class AssignmentsView(OrganiserStageMixin, TemplateView):
    """Entries and their judges: run the automatic assignment, adjust by hand."""

    template_name = "judging/assignments.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.assignment_table(self.stage)
        judges = selectors.panel_judges(self.stage)
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
            error_messages(request, error)
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
        judges = selectors.panel_judges(self.stage)
        entries = list(selectors.entries_of(self.stage))
        form = ManualAssignForm(request.POST, judges=judges, entries=entries)
        if form.is_valid():
            judge = next(j for j in judges if j.pk == form.cleaned_data["judge"])
            entry = next(e for e in entries if e.proposal_id == form.cleaned_data["proposal"])
            try:
                assign_manually(self.stage, judge=judge, proposal=entry.proposal, by=request.user)
            except JudgingError as error:
                error_messages(request, error)
            else:
                messages.success(request, _("Assignment added."))
        else:
            messages.error(request, _("Choose a judge and an entry."))
        return self.back("judging:assignments")


class UnassignView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        assignment = selectors.assignment_of(self.stage, kwargs["assignment_id"])
        try:
            unassign(assignment, by=request.user)
        except JudgingError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("Assignment removed."))
        return self.back("judging:assignments")


class ReopenSheetView(OrganiserStageMixin, View):
    def post(self, request, *args, **kwargs):
        sheet = selectors.sheet_of(self.stage, kwargs["sheet_id"])
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for reopening the sheet."))
        else:
            try:
                reopen_score_sheet(sheet, by=request.user, reason=form.cleaned_data["reason"])
            except JudgingError as error:
                error_messages(request, error)
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
        result = selectors.entry_with_track(self.stage, self.kwargs["proposal_id"])
        context.update(
            result=result,
            sheets=selectors.sheets_of_entry(self.stage, result.proposal_id),
            criteria=selectors.criteria_of(self.stage),
            reason_form=ReasonForm(),
        )
        return context
