"""The agency operator's pages: dashboard, proposals, editor, submission, files.

Every proposal page starts from `proposals_visible_to(user)` (outside it: 404); acting on a
proposal needs an operator of its agency (otherwise 403). Writes go through the services.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import ListView, TemplateView, View

from agencies.permissions import RoleRequiredMixin
from agencies.selectors import operator_agencies
from common.downloads import file_response
from innovations.checklist import format_wib, submission_checklist
from innovations.enums import ProposalStatus as S
from innovations.forms import (
    AttachmentUploadForm,
    CopyProposalForm,
    InnovationForm,
    NewProposalForm,
    ProposalDraftForm,
    WithdrawForm,
)
from innovations.selectors import (
    attachments_visible_to,
    for_display,
    open_edition,
    operator_editions,
    operator_proposals,
    operator_summary,
    proposal_body,
    proposals_visible_to,
)
from innovations.services import (
    TRANSITIONS,
    WorkflowError,
    copy_proposal,
    create_proposal,
    is_agency_operator,
    save_proposal_edits,
    submit_proposal,
    withdraw_proposal,
)


class OperatorRequiredMixin(RoleRequiredMixin):
    """An active operator of at least one active agency."""

    def has_role(self, user) -> bool:
        return operator_agencies(user).exists()


def remaining_parts(deadline, now) -> dict | None:
    """Days, hours, minutes and seconds until `deadline`; None once it has passed."""
    left = deadline - now
    if left <= datetime.timedelta(0):
        return None
    seconds = int(left.total_seconds())
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return {"days": days, "hours": hours, "minutes": minutes, "seconds": seconds}


def remaining_text(parts: dict) -> str:
    """ "12 days 3 hours 4 minutes left", for the server-rendered countdown."""
    pieces = []
    if parts["days"]:
        pieces.append(ngettext("%d day", "%d days", parts["days"]) % parts["days"])
    if parts["days"] or parts["hours"]:
        pieces.append(ngettext("%d hour", "%d hours", parts["hours"]) % parts["hours"])
    pieces.append(ngettext("%d minute", "%d minutes", parts["minutes"]) % parts["minutes"])
    return " ".join(pieces)


def countdown_context(edition, now) -> dict:
    if edition is None:
        return {}
    parts = remaining_parts(edition.submission_closes_at, now)
    return {
        "closes_wib": format_wib(edition.submission_closes_at),
        "remaining": parts,
        "remaining_text": remaining_text(parts) if parts else "",
        "server_now": now,
    }


class OperatorDashboardView(OperatorRequiredMixin, TemplateView):
    """The operator's start: the open edition and its deadline, the agency's proposals there,
    the obligation ("1 of 1 required proposals submitted") and the organiser's latest note."""

    template_name = "innovations/operator_dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        summary = operator_summary(self.request.user, now=now)
        context["summary"] = summary
        context["countdown"] = countdown_context(summary.edition, now)
        return context


class ProposalListView(OperatorRequiredMixin, ListView):
    """Every proposal of the operator's agencies, in every edition."""

    template_name = "innovations/proposal_list.html"
    context_object_name = "proposals"
    paginate_by = 50

    def get_queryset(self):
        queryset = operator_proposals(self.request.user).order_by(
            "-edition__submission_opens_at", "agency__name", "innovation_acronym", "pk"
        )
        edition = self.request.GET.get("edition")
        if edition:
            queryset = queryset.filter(edition__slug=edition)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["editions"] = operator_editions(self.request.user)
        context["selected_edition"] = self.request.GET.get("edition", "")
        return context


class ProposalCreateView(OperatorRequiredMixin, TemplateView):
    """ "New proposal": an existing innovation of the agency, or a new one, into the open
    edition; or a copy of a proposal of an earlier edition."""

    template_name = "innovations/proposal_create.html"

    def dispatch(self, request, *args, **kwargs):
        self.edition = open_edition()
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        agencies = operator_agencies(self.request.user).order_by("name")
        form = NewProposalForm(data, agencies=agencies, edition=self.edition)
        chosen = None
        if data is not None and form.is_valid():
            chosen = form.cleaned_data["agency"]
        elif form.fields["agency"].initial:
            chosen = agencies.get(pk=form.fields["agency"].initial)
        innovation_form = InnovationForm(data, prefix="new", agency=chosen)
        return form, innovation_form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edition"] = self.edition
        if self.edition is not None:
            context.setdefault("form", None)
            if context["form"] is None:
                context["form"], context["innovation_form"] = self.forms()
            context["copyable"] = (
                operator_proposals(self.request.user)
                .filter(edition__submission_opens_at__lt=self.edition.submission_opens_at)
                .exclude(innovation__proposals__edition=self.edition)
                .order_by("-edition__submission_opens_at", "innovation_acronym")
            )
        return context

    def post(self, request, *args, **kwargs):
        if self.edition is None:
            messages.error(request, _("No edition takes proposals now."))
            return redirect("innovations:operator_dashboard")
        form, innovation_form = self.forms(request.POST)
        errors = []
        if form.is_valid():
            innovation = form.cleaned_data["innovation"]
            try:
                if innovation is not None:
                    proposal = create_proposal(
                        edition=self.edition,
                        track=form.cleaned_data["track"],
                        innovation=innovation,
                        by=request.user,
                    )
                elif innovation_form.is_valid():
                    new = innovation_form.service_fields()
                    new["sdgs"] = innovation_form.sdg_list()
                    proposal = create_proposal(
                        edition=self.edition,
                        track=form.cleaned_data["track"],
                        agency=form.cleaned_data["agency"],
                        new_innovation=new,
                        by=request.user,
                    )
                else:
                    proposal = None
            except WorkflowError as error:
                proposal, errors = None, error.messages
            if proposal is not None:
                messages.success(
                    request, _("Draft created. Fill in the sections; save whenever you like.")
                )
                return redirect("innovations:proposal_edit", pk=proposal.pk)
        context = self.get_context_data(form=form, innovation_form=innovation_form, errors=errors)
        return self.render_to_response(context)


class ProposalMixin(LoginRequiredMixin):
    """Loads `self.proposal` from the proposals the user may see: anything else is a 404."""

    def get_proposal(self):
        queryset = for_display(proposals_visible_to(self.request.user))
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def require_operator(self, proposal):
        """Visible is not enough to act: only an operator of the proposal's agency may."""
        if not is_agency_operator(self.request.user, proposal.agency_id):
            raise PermissionDenied

    def proposal_context(self, proposal, now=None) -> dict:
        now = now or timezone.now()
        can_act = is_agency_operator(self.request.user, proposal.agency_id)
        checklist = submission_checklist(proposal, now=now)
        return {
            "proposal": proposal,
            "body": proposal_body(proposal),
            "checklist": checklist,
            "open_items": [item for item in checklist if not item.ok],
            "history": list(proposal.status_changes.all()),
            "can_act": can_act,
            "can_edit": can_act and proposal.is_editable_by_agency,
            "can_submit": can_act and (proposal.status, S.SUBMITTED) in TRANSITIONS,
            "can_withdraw": can_act and (proposal.status, S.WITHDRAWN) in TRANSITIONS,
            "can_copy": can_act and self.copy_target(proposal) is not None,
            "copy_target": self.copy_target(proposal),
            "closes_wib": format_wib(proposal.edition.submission_closes_at),
            "max_photo": settings.KIKS_MAX_PHOTO_BYTES,
            "max_pdf": settings.KIKS_MAX_PDF_BYTES,
        }

    @staticmethod
    def copy_target(proposal):
        """The open edition, when it is later than the proposal's and the innovation is not in
        it yet."""
        target = getattr(proposal, "_copy_target", False)
        if target is False:
            target = open_edition()
            if (
                target is None
                or target.submission_opens_at <= proposal.edition.submission_opens_at
                or proposal.innovation.proposals.filter(edition=target).exists()
            ):
                target = None
            proposal._copy_target = target
        return target


class ProposalDetailView(ProposalMixin, TemplateView):
    """A proposal's page: status, what still blocks submission, the text, the history."""

    template_name = "innovations/proposal_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        context.update(self.proposal_context(proposal))
        context["withdraw_form"] = WithdrawForm()
        return context


class ProposalPreviewView(ProposalMixin, TemplateView):
    """The proposal exactly as judges will read it."""

    template_name = "innovations/proposal_preview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.get_proposal()
        context.update(proposal=proposal, body=proposal_body(proposal))
        return context


class ProposalPrintView(ProposalPreviewView):
    """A printable (A4) copy, with the status history."""

    template_name = "innovations/proposal_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = list(context["proposal"].status_changes.all())
        context["printed_at"] = timezone.now()
        return context


class ProposalEditView(ProposalMixin, TemplateView):
    """The editor: innovation fields, track, video, sections with live word counts, files.

    One form for all of it, so nothing typed is lost: every button (save, upload, remove a file,
    submit) is one call of `save_proposal_edits`, which first saves the texts, then does the
    button's own work. Boxes that fail a check (a date that is no date) are shown again as typed,
    with the error; the rest is saved.
    """

    template_name = "innovations/proposal_edit.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = self.get_proposal()
        self.require_operator(self.proposal)
        return super().dispatch(request, *args, **kwargs)

    def build_forms(self, proposal, data=None, files=None):
        return {
            "innovation_form": InnovationForm(
                data, prefix="innovation", instance=proposal.innovation, agency=proposal.agency
            ),
            "draft_form": ProposalDraftForm(data, proposal=proposal),
            "upload_form": AttachmentUploadForm(data, files, proposal=proposal),
        }

    def get(self, request, *args, **kwargs):
        if not self.proposal.is_editable_by_agency:
            messages.info(
                request,
                _("This proposal is “%(status)s” and can no longer be changed.")
                % {"status": self.proposal.get_status_display()},
            )
            return redirect("innovations:proposal_detail", pk=self.proposal.pk)
        # The proposal was just loaded (with everything the page shows) by dispatch.
        forms = self.build_forms(self.proposal)
        return self.render_to_response(self.editor_context(forms, proposal=self.proposal))

    def editor_context(self, forms, *, proposal=None, **extra):
        """The page's context; after a POST changed things the proposal is read again."""
        proposal = proposal or self.reload()
        context = self.get_context_data(**self.proposal_context(proposal))
        context.update(forms)
        context.update(extra)
        return context

    def reload(self):
        return self.get_proposal()

    def post(self, request, *args, **kwargs):
        """One service call whatever the button: save what was typed, plus the button's own
        work (remove a file, upload one, submit). What was typed is shown again on any error."""
        proposal = self.proposal
        forms = self.build_forms(proposal, request.POST, request.FILES)
        # Both forms are checked (every box gets its error), then the valid boxes are saved.
        fields_ok = all([forms["innovation_form"].is_valid(), forms["draft_form"].is_valid()])
        action = request.POST.get("action", "save")
        remove = request.POST.get("remove")
        has_file = forms["upload_form"].has_file
        upload, upload_errors = self.upload_request(forms["upload_form"], action)
        try:
            outcome = save_proposal_edits(
                proposal,
                by=request.user,
                draft=self.draft_changes(forms),
                remove=self.attachment_to_remove(proposal, remove),
                upload=upload,
                submit=action == "submit" and fields_ok and not upload_errors,
            )
        except WorkflowError as error:
            # Typically: submitted from another tab meanwhile. Show the typed text again.
            return self.render_to_response(
                self.editor_context(forms, errors=error.messages, not_saved=True), status=409
            )
        if outcome.removed is not None:
            messages.success(
                request, _("“%(name)s” removed.") % {"name": outcome.removed.original_name}
            )
        if outcome.attached is not None:
            messages.success(
                request, _("“%(name)s” attached.") % {"name": outcome.attached.original_name}
            )
            forms["upload_form"] = AttachmentUploadForm(proposal=proposal)
        if outcome.submitted:
            messages.success(
                request,
                _(
                    "Proposal submitted. It is now read-only until the organiser asks for "
                    "changes; the agency's operators receive an e-mail."
                ),
            )
            return redirect("innovations:proposal_detail", pk=proposal.pk)
        upload_errors += outcome.upload_errors
        if outcome.remove_errors or upload_errors or outcome.submit_errors or not fields_ok:
            return self.render_with_errors(
                forms,
                errors=list(outcome.remove_errors),
                upload_errors=upload_errors,
                submit_errors=outcome.submit_errors,
                fields_ok=fields_ok,
            )
        if action in ("save", "submit"):
            messages.success(
                request,
                _("Draft saved at %(time)s WIB.")
                % {"time": timezone.localtime().strftime("%H:%M:%S")},
            )
        anchor = "#files" if (remove or has_file) else ""
        return HttpResponseRedirect(
            reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}) + anchor
        )

    @staticmethod
    def draft_changes(forms) -> dict:
        """What the draft service saves: the boxes that passed their checks (None: unchanged).
        Call after the forms were validated."""
        innovation_form, draft_form = forms["innovation_form"], forms["draft_form"]
        innovation_ok = innovation_form.is_valid()
        return {
            "answers": draft_form.valid_answers(),
            "video_url": draft_form.valid_value("video_url"),
            "track": draft_form.valid_value("track"),
            "innovation_fields": innovation_form.service_fields() if innovation_ok else None,
            "sdgs": innovation_form.sdg_list() if innovation_ok else None,
        }

    @staticmethod
    def attachment_to_remove(proposal, remove):
        """The file whose Remove button was pressed. The button's value is a file's id; anything
        else (a forged post) matches no file."""
        if not remove or not remove.isdecimal():
            return None
        return proposal.attachments.filter(pk=remove).first()

    @staticmethod
    def upload_request(upload_form, action) -> tuple[dict | None, list[str]]:
        """(the upload service's arguments or None, the form's errors). A chosen file is
        uploaded whatever the button; the upload button without a file is an error."""
        if not upload_form.has_file:
            return None, [_("Choose a file to upload.")] if action == "upload" else []
        if not upload_form.is_valid():
            return None, [e for errs in upload_form.errors.values() for e in errs]
        cleaned = upload_form.cleaned_data
        return {
            "kind": cleaned["kind"],
            "uploaded_file": cleaned["file"],
            "section": cleaned["section"],
            "caption": cleaned["caption"],
        }, []

    def render_with_errors(self, forms, *, errors, upload_errors, submit_errors, fields_ok):
        """The editor again after a partial refusal: the texts were saved."""
        if not fields_ok:
            errors.append(
                _(
                    "Some fields need correcting (marked below); they were not saved. "
                    "Everything else was saved."
                )
            )
        if not upload_errors and forms["upload_form"].has_file is False:
            forms["upload_form"] = AttachmentUploadForm(proposal=self.proposal)
        return self.render_to_response(
            self.editor_context(
                forms,
                errors=errors,
                upload_errors=upload_errors,
                submit_errors=submit_errors,
                saved=True,
            )
        )


class ProposalActionView(ProposalMixin, View):
    """Base of the POST-only buttons of the proposal page."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        proposal = self.get_proposal()
        self.require_operator(proposal)
        return self.act(proposal)


class ProposalSubmitView(ProposalActionView):
    def act(self, proposal):
        try:
            submit_proposal(proposal, by=self.request.user)
        except WorkflowError as error:
            # The page again, with every reason at once above the checklist.
            proposal = self.get_proposal()
            context = self.proposal_context(proposal)
            context.update(submit_errors=error.messages, withdraw_form=WithdrawForm())
            return TemplateResponse(self.request, ProposalDetailView.template_name, context)
        messages.success(
            self.request,
            _(
                "Proposal submitted. It is now read-only until the organiser asks for changes; "
                "the agency's operators receive an e-mail."
            ),
        )
        return redirect("innovations:proposal_detail", pk=proposal.pk)


class ProposalWithdrawView(ProposalActionView):
    def act(self, proposal):
        form = WithdrawForm(self.request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            withdraw_proposal(proposal, by=self.request.user, note=note)
        except WorkflowError as error:
            for message in error.messages:
                messages.error(self.request, message)
        else:
            messages.success(self.request, _("Proposal withdrawn."))
        return redirect("innovations:proposal_detail", pk=proposal.pk)


class ProposalCopyView(ProposalMixin, TemplateView):
    """Copy a proposal of an earlier edition into a new draft of the open edition."""

    template_name = "innovations/proposal_copy.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.proposal = self.get_proposal()
        self.require_operator(self.proposal)
        self.target = self.copy_target(self.proposal)
        if self.target is None:
            messages.error(
                request,
                _(
                    "This proposal cannot be copied: no later edition is open, or the innovation "
                    "is already entered in it."
                ),
            )
            return redirect("innovations:proposal_detail", pk=self.proposal.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(proposal=self.proposal, target=self.target)
        context.setdefault("form", CopyProposalForm(edition=self.target))
        return context

    def post(self, request, *args, **kwargs):
        form = CopyProposalForm(request.POST, edition=self.target)
        errors = []
        if form.is_valid():
            try:
                copy = copy_proposal(
                    self.proposal,
                    edition=self.target,
                    track=form.cleaned_data["track"],
                    by=request.user,
                )
            except WorkflowError as error:
                errors = error.messages
            else:
                messages.success(
                    request,
                    _("Copied into a new draft of %(edition)s. Bring it up to date and submit it.")
                    % {"edition": self.target.name},
                )
                return redirect("innovations:proposal_edit", pk=copy.pk)
        return self.render_to_response(self.get_context_data(form=form, errors=errors))


class AttachmentView(LoginRequiredMixin, View):
    """A proposal's file, only for those who may see it (404 otherwise, 302 to log in when
    anonymous). PDFs download; images show inline; the browser must not guess the type."""

    thumbnail = False

    def get(self, request, pk):
        attachment = get_object_or_404(attachments_visible_to(request.user), pk=pk)
        stored = attachment.file
        content_type = attachment.content_type
        if self.thumbnail:
            if attachment.thumbnail:
                stored, content_type = attachment.thumbnail, "image/webp"
            elif not attachment.is_image:
                raise Http404
        return file_response(stored, content_type=content_type, filename=attachment.original_name)
