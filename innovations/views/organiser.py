"""The organiser's desk (Bagian Organisasi): review queue, proposal review and decisions,
compliance board and reminders, exports. Leadership reads the board; only organisers act."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, TemplateView, View

from agencies.enums import AgencyKind
from agencies.models import Agency
from agencies.permissions import (
    DashboardReaderRequiredMixin,
    OrganiserRequiredMixin,
    is_organiser,
)
from common.exports import csv_response, xlsx_response
from innovations.compliance import (
    PAGE_SIZE,
    STATUS_MET,
    STATUS_MISSING,
    BoardFilters,
    compliance_board,
    deadline_wib,
    send_compliance_reminders,
)
from innovations.enums import ProposalStatus as S
from innovations.exports import compliance_table, proposals_table
from innovations.models import Edition, Proposal
from innovations.review import (
    DECISIONS,
    QUEUE_STATUSES,
    DecisionForm,
    apply_decision,
    attachment_url,
    default_edition,
    next_in_queue,
    possible_duplicates,
    proposal_for_review,
    proposal_summary,
    review_queue,
    reviewer_checklist,
    section_answers,
)
from innovations.services import WorkflowError

ALL = "all"


class EditionChoiceMixin:
    """The edition a page is about: `?edition=<slug>`, else the one in verification, else the
    newest. One query for the chooser's list, which also yields the chosen edition."""

    def get_editions(self):
        if not hasattr(self, "_editions"):
            self._editions = list(Edition.objects.all())
        return self._editions

    def get_edition(self):
        editions = self.get_editions()
        slug = self.request.GET.get("edition")
        if slug:
            for edition in editions:
                if edition.slug == slug:
                    return edition
            raise Http404(_("No such edition."))
        return default_edition(editions)


# --- Review queue and decisions --------------------------------------------------------------


class ReviewQueueView(OrganiserRequiredMixin, EditionChoiceMixin, ListView):
    """Handed-in proposals of an edition, oldest first, each with its checklist summary."""

    template_name = "innovations/organiser/queue.html"
    context_object_name = "proposals"
    paginate_by = 25  # oldest first: the organiser works from the top

    def get_filters(self):
        if not hasattr(self, "_filters"):
            edition = self.get_edition()
            tracks = list(edition.tracks.all()) if edition else []
            status = self.request.GET.get("status", S.SUBMITTED)
            if status != ALL and status not in QUEUE_STATUSES:
                status = S.SUBMITTED
            track = self.request.GET.get("track", "")
            track_ids = {str(t.pk) for t in tracks}
            kind = self.request.GET.get("kind", "")
            self._filters = {
                "edition": edition,
                "tracks": tracks,
                "status": status,
                "track": track if track in track_ids else "",
                "kind": kind if kind in AgencyKind.values else "",
            }
        return self._filters

    def get_queryset(self):
        filters = self.get_filters()
        if filters["edition"] is None:
            return Proposal.objects.none()
        return review_queue(
            filters["edition"],
            user=self.request.user,
            status=None if filters["status"] == ALL else filters["status"],
            track_id=filters["track"] or None,
            kind=filters["kind"] or None,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filters = self.get_filters()
        now = timezone.now()
        rows = []
        for proposal in context["proposals"]:
            checklist = reviewer_checklist(proposal, now=now)
            problems = [item.problem for item in checklist if not item.ok]
            rows.append((proposal, problems, len(checklist)))
        query = {
            key: value
            for key, value in (
                ("edition", filters["edition"].slug if filters["edition"] else ""),
                ("status", filters["status"]),
                ("track", filters["track"]),
                ("kind", filters["kind"]),
            )
            if value
        }
        context.update(
            filters,
            rows=rows,
            editions=self.get_editions(),
            statuses=[(s.value, s.label) for s in QUEUE_STATUSES],
            all_statuses=ALL,
            kinds=AgencyKind.choices,
            page_query=urlencode(query),
            in_verification=filters["edition"].is_in_verification(now)
            if filters["edition"]
            else False,
        )
        return context


class ProposalReviewMixin(OrganiserRequiredMixin):
    """The review page: the proposal's text beside its checklist, duplicates, decisions, history."""

    template_name = "innovations/organiser/review.html"

    def get_proposal(self):
        try:
            return proposal_for_review(self.kwargs["pk"], user=self.request.user)
        except Proposal.DoesNotExist as exc:
            raise Http404(_("No such proposal.")) from exc

    def review_context(self, proposal, *, bound=None, unsent_note=""):
        """Everything the page shows. `bound`: the decision form that was refused, kept as typed."""
        now = timezone.now()
        forms = {
            key: DecisionForm(
                decision=decision,
                initial={"expected_status": proposal.status},
                prefix=key,
            )
            for key, decision in DECISIONS.items()
        }
        if bound is not None:
            forms[bound.decision.key] = bound
        attachments = [(a, attachment_url(a)) for a in proposal.attachments.all()]
        return {
            "proposal": proposal,
            "sections": section_answers(proposal),
            "checklist": reviewer_checklist(proposal, now=now),
            "attachments": attachments,
            "duplicates": possible_duplicates(proposal),
            "summary": proposal_summary(proposal),
            "decisions": [
                (
                    decision,
                    forms[key],
                    reverse(f"innovations:organiser_{key}", kwargs={"pk": proposal.pk}),
                )
                for key, decision in DECISIONS.items()
            ],
            "history": list(proposal.status_changes.all()),
            "can_decide": proposal.status == S.SUBMITTED,
            "in_verification": proposal.edition.is_in_verification(now),
            "unsent_note": unsent_note,
        }


class ProposalReviewView(ProposalReviewMixin, TemplateView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.review_context(self.get_proposal()))
        return context


class DecisionView(ProposalReviewMixin, TemplateView):
    """POST only: verify, request changes or reject, through the workflow service.

    The form carries the status the organiser saw: if another organiser decided meanwhile, the
    service refuses and the page comes back with the message and the note as typed.
    """

    decision_key = ""
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        decision = DECISIONS[self.decision_key]
        proposal = self.get_proposal()
        form = DecisionForm(request.POST, decision=decision, prefix=decision.key)
        if not form.is_valid():
            return self.render_to_response(self.review_context(proposal, bound=form))
        note = form.cleaned_data["note"]
        try:
            apply_decision(
                proposal,
                decision,
                by=request.user,
                note=note,
                expected_status=form.cleaned_data["expected_status"],
            )
        except WorkflowError as error:
            for message in error.messages:
                messages.error(request, message)
            fresh = self.get_proposal()
            retry = DecisionForm(
                decision=decision,
                initial={"note": note, "expected_status": fresh.status},
                prefix=decision.key,
            )
            return self.render_to_response(
                self.review_context(fresh, bound=retry, unsent_note=note)
            )
        messages.success(
            request,
            _("“%(innovation)s” of %(agency)s: %(status)s.")
            % {
                "innovation": proposal.entry_title,
                "agency": proposal.agency.name,
                "status": proposal.get_status_display(),
            },
        )
        following = next_in_queue(proposal)
        if following is not None:
            messages.info(
                request,
                ngettext(
                    "Next in the queue: “%(innovation)s” of %(agency)s (%(count)d proposal waits).",
                    "Next in the queue: “%(innovation)s” of %(agency)s (%(count)d proposals wait).",
                    following.waiting,
                )
                % {
                    "innovation": following.entry_title,
                    "agency": following.agency.name,
                    "count": following.waiting,
                },
            )
            return redirect("innovations:organiser_review", pk=following.pk)
        messages.info(
            request,
            _("No proposal of %(edition)s waits for a decision any more.")
            % {"edition": proposal.edition.name},
        )
        return redirect(
            reverse("innovations:organiser_queue")
            + "?"
            + urlencode({"edition": proposal.edition.slug})
        )


class VerifyView(DecisionView):
    decision_key = "verify"


class RequestChangesView(DecisionView):
    decision_key = "request_changes"


class RejectView(DecisionView):
    decision_key = "reject"


# --- Compliance board and reminders ----------------------------------------------------------


class ComplianceBoardView(DashboardReaderRequiredMixin, EditionChoiceMixin, TemplateView):
    """Every obligated agency and how far it is; leadership reads it, organisers also act.

    The totals are the whole edition's; the lists are paginated (`page` for the obligated
    agencies, `others_page` for the others) and filtered by kind, compliance (`status`) and
    agency name (`q`). A fixed number of queries whatever the size (see `ComplianceBoard.page`).
    """

    template_name = "innovations/organiser/board.html"
    paginate_by = PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        edition = self.get_edition()
        filters = BoardFilters.from_query(self.request.GET)
        board = None
        if edition is not None:
            board = compliance_board(edition).page(
                filters,
                number=self.request.GET.get("page"),
                others_number=self.request.GET.get("others_page"),
                per_page=self.paginate_by,
            )
        now = timezone.now()
        context.update(
            edition=edition,
            editions=self.get_editions(),
            board=board,
            summary=board.summary if board else None,
            obligated_page=board.obligated if board else None,
            others_page=board.others if board else None,
            obligated=board.obligated.object_list if board else [],
            others=board.others.object_list if board else [],
            kinds=AgencyKind.choices,
            kind=filters.kind,
            status=filters.status,
            statuses=[
                (STATUS_MISSING, _("Only agencies not yet compliant")),
                (STATUS_MET, _("Only agencies that have met the obligation")),
            ],
            search=filters.search,
            only_missing=filters.status == STATUS_MISSING,
            shows_others=filters.shows_others,
            can_act=is_organiser(self.request.user),
            can_remind=edition is not None and now < edition.submission_closes_at,
            deadline=deadline_wib(edition) if edition else "",
        )
        return context


class SendReminderView(OrganiserRequiredMixin, View):
    """POST: remind every non-compliant agency, or the one in `agency`."""

    http_method_names = ["post"]

    def post(self, request, slug):
        edition = get_object_or_404(Edition, slug=slug)
        agencies = None
        chosen = request.POST.get("agency", "")
        if chosen:
            agencies = list(Agency.objects.filter(pk=chosen)) if chosen.isdigit() else []
            if not agencies:
                raise Http404(_("No such agency."))
        try:
            result = send_compliance_reminders(edition, by=request.user, agencies=agencies)
        except WorkflowError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if result.sent:
                messages.success(
                    request,
                    ngettext(
                        "A reminder was sent to %(count)d agency.",
                        "Reminders were sent to %(count)d agencies.",
                        len(result.sent),
                    )
                    % {"count": len(result.sent)},
                )
            if result.unreachable:
                messages.warning(
                    request,
                    _("No operator account with an e-mail address, so no reminder for: %(names)s.")
                    % {"names": ", ".join(agency.name for agency in result.unreachable)},
                )
            if not result.sent and not result.unreachable:
                messages.info(request, _("Every obligated agency has met the obligation."))
        return redirect(
            reverse("innovations:compliance_board") + "?" + urlencode({"edition": edition.slug})
        )


# --- Exports ---------------------------------------------------------------------------------


def _export(table, fmt):
    if fmt == "csv":
        return csv_response(table)
    return xlsx_response(table)


class ComplianceExportView(DashboardReaderRequiredMixin, View):
    """The board as Excel or CSV: leadership's copy to take away."""

    def get(self, request, slug, fmt):
        edition = get_object_or_404(Edition, slug=slug)
        return _export(compliance_table(compliance_board(edition)), fmt)


class ProposalsExportView(OrganiserRequiredMixin, View):
    """Every proposal of an edition, one row each, with section word counts."""

    def get(self, request, slug, fmt):
        edition = get_object_or_404(Edition, slug=slug)
        return _export(proposals_table(edition), fmt)
