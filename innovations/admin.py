"""The Django admin of the innovations app: a working tool for Bagian Organisasi.

Statuses are never edited here directly: proposals move only through the workflow service, by
the actions "verify", "request changes" and "reject" (single, from the proposal's page, or bulk
from the list). Attachments open through the permission-checked download view.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from agencies.permissions import is_organiser
from innovations.enums import ProposalStatus as S
from innovations.models import (
    Attachment,
    ComplianceReminder,
    Edition,
    Innovation,
    Proposal,
    ProposalStatusChange,
    SectionAnswer,
    SectionTemplate,
    SustainableDevelopmentGoal,
    Track,
    agency_only_q,
)
from innovations.review import DECISIONS, BulkNoteForm, DecisionForm, apply_decision, attachment_url
from innovations.services import (
    WorkflowError,
    add_default_sections,
    edition_change_problems,
    save_edition,
    sync_entry_titles,
)


class HandedInOnlyAdminMixin:
    """Lists and pages of proposals and what hangs on them (answers, files, history) hold only
    what was handed in: a draft is the agency's own (`innovations.models.agency_only_q`), for
    organisers and superusers alike; a draft's page is a 404 here."""

    proposal_prefix = ""  # the path from the model to its proposal ("proposal__")

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(agency_only_q(self.proposal_prefix))


class ReadOnlyAdminMixin:
    """Shown, never written here: the row is the record of something that happened elsewhere."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _submissions_opened(edition) -> bool:
    return (
        edition is not None
        and edition.pk is not None
        and (edition.submission_opens_at <= timezone.now())
    )


def _attachment_link(attachment):
    url = attachment_url(attachment)
    if url is None:
        return attachment.original_name
    return format_html('<a href="{}">{}</a>', url, attachment.original_name)


# --- Editions, tracks, sections --------------------------------------------------------------


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "order", "shortlist_size", "winner_count", "description"]


class SectionTemplateInline(admin.StackedInline):
    """The edition's form. Frozen once submissions have opened: answers already follow it."""

    model = SectionTemplate
    extra = 0
    fields = [
        ("key", "order", "title"),
        "guidance",
        ("weight", "min_words", "max_words"),
        ("is_required", "evidence_required", "is_public"),
    ]

    def get_readonly_fields(self, request, obj=None):
        if _submissions_opened(obj):
            return [
                "key",
                "order",
                "title",
                "guidance",
                "weight",
                "min_words",
                "max_words",
                "is_required",
                "evidence_required",
                "is_public",
            ]
        return []

    def has_add_permission(self, request, obj=None):
        return not _submissions_opened(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _submissions_opened(obj) and super().has_delete_permission(request, obj)


class EditionAdminForm(forms.ModelForm):
    """The admin's edition form refuses what save_edition refuses, as form errors."""

    class Meta:
        model = Edition
        fields = [
            "year",
            "name",
            "slug",
            "submission_opens_at",
            "submission_closes_at",
            "verification_closes_at",
            "min_per_agency",
            "max_per_agency",
            "cap_counts_units",
            "min_months_in_operation",
            "is_published",
        ]

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the typed values
        for problem in edition_change_problems(self.instance):
            self.add_error(None, problem)


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = EditionAdminForm
    list_display = [
        "name",
        "year",
        "submission_opens_at",
        "submission_closes_at",
        "verification_closes_at",
        "proposal_count",
        "is_published",
    ]
    list_filter = ["year", "is_published"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TrackInline, SectionTemplateInline]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_proposal_count=Count("proposals"))

    @admin.display(description=gettext_lazy("proposals"), ordering="_proposal_count")
    def proposal_count(self, obj):
        return obj._proposal_count

    def save_model(self, request, obj, form, change):
        # Publishing or withdrawing an edition reorders the public registry: the service does it.
        save_edition(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and add_default_sections(form.instance):
            self.message_user(
                request,
                _("The edition got the default sections of the KIPP 2023 form."),
                messages.INFO,
            )


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "edition", "order", "shortlist_size", "winner_count"]
    list_filter = ["edition"]
    search_fields = ["name", "edition__name"]
    list_select_related = ["edition"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SectionTemplate)
class SectionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "order", "weight", "min_words", "max_words", "is_required"]
    list_filter = ["edition", "is_required", "evidence_required"]
    search_fields = ["title", "key", "edition__name"]
    list_select_related = ["edition"]
    ordering = ["edition", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "edition":
            # Only editions whose form can still change.
            kwargs["queryset"] = Edition.objects.filter(submission_opens_at__gt=timezone.now())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and _submissions_opened(obj.edition):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _submissions_opened(obj.edition):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "__str__"]


# --- Innovations and proposals ---------------------------------------------------------------


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "agency", "started_on", "form", "stage", "is_digital"]
    list_filter = ["agency__kind", "form", "stage", "is_digital"]
    search_fields = ["name", "acronym", "expansion", "agency__name", "agency__short_name"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    filter_horizontal = ["sdgs"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    prepopulated_fields = {"slug": ["acronym", "name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A correction reaches the proposals that can still change, never a handed-in one.
        sync_entry_titles(obj)


class SectionAnswerInline(admin.StackedInline):
    model = SectionAnswer
    extra = 0
    fields = ["section", "word_count", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) or super().has_view_permission(request, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["open", "kind", "section", "content_type", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section")

    @admin.display(description=gettext_lazy("file"))
    def open(self, obj):
        return _attachment_link(obj)


class StatusHistoryInline(admin.TabularInline):
    """The proposal's history, append-only: read here, written by the workflow service."""

    model = ProposalStatusChange
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("status history")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")


class TrackFilter(admin.SimpleListFilter):
    """Tracks named with their edition, in one query (the default filter asks per track)."""

    title = gettext_lazy("track")
    parameter_name = "track"

    def lookups(self, request, model_admin):
        tracks = Track.objects.select_related("edition").order_by("-edition__year", "order")
        return [(str(track.pk), f"{track.edition.name} · {track.name}") for track in tracks]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(track_id=self.value())
        return queryset


@admin.register(Proposal)
class ProposalAdmin(HandedInOnlyAdminMixin, admin.ModelAdmin):
    """Proposals are written by the agencies; here the organiser reads them and decides."""

    list_display = [
        "acronym",
        "innovation_name",
        "agency",
        "edition",
        "track_name",
        "status",
        "submitted_at",
        "status_changed_at",
    ]
    list_filter = ["edition", TrackFilter, "status", "agency__kind"]
    search_fields = [
        "innovation_name",
        "innovation_acronym",
        "innovation_expansion",
        "agency__name",
        "agency__short_name",
    ]
    list_select_related = ["innovation", "agency", "edition", "track"]
    date_hierarchy = "submitted_at"
    ordering = ["-submitted_at", "-pk"]
    fields = [
        "edition",
        "track",
        "innovation",
        "agency",
        "status",
        "video_url",
        "submitted_at",
        "status_changed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    # Every field is read-only: the status only moves through the actions, the rest is the
    # agency's to write on its own pages.
    readonly_fields = fields
    inlines = [SectionAnswerInline, AttachmentInline, StatusHistoryInline]
    actions = ["verify_selected", "request_changes_selected", "reject_selected"]
    change_form_template = "admin/innovations/proposal/change_form.html"

    @admin.display(description=gettext_lazy("acronym"), ordering="innovation_acronym")
    def acronym(self, obj):
        return obj.innovation_acronym

    @admin.display(description=gettext_lazy("track"), ordering="track__name")
    def track_name(self, obj):
        # Not the track's __str__, which names the edition again (one query per row).
        return obj.track.name

    def has_add_permission(self, request):
        return False

    def has_verify_permission(self, request):
        return is_organiser(request.user)

    # --- Single decisions, from the proposal's page ---

    def get_urls(self):
        return [
            path(
                "<path:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="innovations_proposal_decide",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        proposal = self.get_object(request, object_id)
        if proposal is not None and self.has_verify_permission(request):
            extra_context["decisions"] = [
                (decision, reverse("admin:innovations_proposal_decide", args=[proposal.pk, key]))
                for key, decision in DECISIONS.items()
            ]
            extra_context["can_decide"] = proposal.status == S.SUBMITTED
        if proposal is not None and proposal.status != S.DRAFT:
            extra_context["review_url"] = reverse(
                "innovations:organiser_review", kwargs={"pk": proposal.pk}
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, decision):
        """One decision on one proposal: a confirmation page with the note, then the service."""
        if not self.has_verify_permission(request):
            raise PermissionDenied
        decision_obj = DECISIONS.get(decision)
        proposal = self.get_object(request, object_id)
        if decision_obj is None or proposal is None:
            raise Http404
        change_url = reverse("admin:innovations_proposal_change", args=[proposal.pk])
        if request.method == "POST":
            form = DecisionForm(request.POST, decision=decision_obj)
            if form.is_valid():
                try:
                    apply_decision(
                        proposal,
                        decision_obj,
                        by=request.user,
                        note=form.cleaned_data["note"],
                        expected_status=form.cleaned_data["expected_status"],
                    )
                except WorkflowError as error:
                    for message in error.messages:
                        self.message_user(request, message, messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("“%(proposal)s”: %(status)s.")
                        % {"proposal": proposal, "status": proposal.get_status_display()},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(change_url)
        else:
            form = DecisionForm(decision=decision_obj, initial={"expected_status": proposal.status})
        return self._confirmation(request, decision_obj, [proposal], form, single=True)

    # --- Bulk decisions, from the list ---

    @admin.action(description=gettext_lazy("Verify the selected proposals"), permissions=["verify"])
    def verify_selected(self, request, queryset):
        proposals = queryset.select_related("innovation", "agency", "edition")
        self._apply_many(request, DECISIONS["verify"], proposals, note="", seen={})

    @admin.action(
        description=gettext_lazy("Request changes on the selected proposals (one note)"),
        permissions=["verify"],
    )
    def request_changes_selected(self, request, queryset):
        return self._decide_many_with_note(request, queryset, DECISIONS["request_changes"])

    @admin.action(
        description=gettext_lazy("Reject the selected proposals administratively (one reason)"),
        permissions=["verify"],
    )
    def reject_selected(self, request, queryset):
        return self._decide_many_with_note(request, queryset, DECISIONS["reject"])

    def _decide_many_with_note(self, request, queryset, decision):
        """Like Django's delete confirmation: a page asks for the note, then applies it to all.

        The page carries the status each proposal had when it was shown; a proposal that changed
        meanwhile is refused, not decided twice.
        """
        proposals = list(queryset.select_related("innovation", "agency", "edition"))
        if request.POST.get("post") == "yes":
            form = BulkNoteForm(request.POST, decision=decision)
            if form.is_valid():
                seen = {p.pk: request.POST.get(f"seen-{p.pk}") or p.status for p in proposals}
                self._apply_many(
                    request, decision, proposals, note=form.cleaned_data["note"], seen=seen
                )
                return None
        else:
            form = BulkNoteForm(decision=decision)
        return self._confirmation(request, decision, proposals, form, single=False)

    def _apply_many(self, request, decision, proposals, *, note, seen):
        done = 0
        for proposal in proposals:
            try:
                apply_decision(
                    proposal,
                    decision,
                    by=request.user,
                    note=note,
                    expected_status=seen.get(proposal.pk, proposal.status),
                )
            except WorkflowError as error:
                self.message_user(
                    request,
                    _("“%(proposal)s” was not changed: %(reason)s")
                    % {"proposal": proposal, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(action)s: %(count)d proposal done.",
                    "%(action)s: %(count)d proposals done.",
                    done,
                )
                % {"action": decision.label, "count": done},
                messages.SUCCESS,
            )

    def _confirmation(self, request, decision, proposals, form, *, single):
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": decision.label,
            "opts": opts,
            "decision": decision,
            "proposals": proposals,
            "form": form,
            "single": single,
            "action_name": f"{decision.key}_selected",
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/innovations/proposal/decide.html", context)


@admin.register(SectionAnswer)
class SectionAnswerAdmin(HandedInOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    proposal_prefix = "proposal__"
    list_display = ["proposal", "section", "word_count", "updated_at"]
    list_filter = ["proposal__edition", "section__title"]
    search_fields = ["proposal__innovation_name", "proposal__innovation_acronym", "text"]
    list_select_related = ["proposal__innovation", "proposal__edition", "section"]

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) or super().has_view_permission(request, obj)


@admin.register(Attachment)
class AttachmentAdmin(HandedInOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    proposal_prefix = "proposal__"
    list_display = ["original_name", "open", "proposal", "kind", "size", "uploaded_at"]
    list_filter = ["kind", "proposal__edition", "proposal__agency__kind"]
    search_fields = [
        "original_name",
        "proposal__innovation_name",
        "proposal__innovation_acronym",
        "proposal__agency__name",
    ]
    list_select_related = ["proposal__innovation", "proposal__edition"]
    # The storage path is never shown: files open only through the permission-checked view.
    fields = [
        "open",
        "proposal",
        "section",
        "kind",
        "original_name",
        "content_type",
        "size",
        "caption",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def open(self, obj):
        return _attachment_link(obj)


@admin.register(ProposalStatusChange)
class ProposalStatusChangeAdmin(HandedInOnlyAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    proposal_prefix = "proposal__"
    list_display = ["proposal", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status", "proposal__edition", "proposal__agency__kind"]
    search_fields = [
        "proposal__innovation_name",
        "proposal__innovation_acronym",
        "proposal__agency__name",
        "note",
    ]
    list_select_related = ["proposal__innovation", "proposal__edition", "by"]
    date_hierarchy = "at"


@admin.register(ComplianceReminder)
class ComplianceReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reminders are sent from the compliance board; here they are only looked up."""

    list_display = ["agency", "edition", "sent_by", "sent_at"]
    list_filter = ["edition", "agency__kind"]
    search_fields = ["agency__name", "agency__short_name", "recipients"]
    list_select_related = ["agency", "edition", "sent_by"]
    date_hierarchy = "sent_at"

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user) or super().has_view_permission(request, obj)
