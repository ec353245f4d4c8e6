"""Admin for judging: a read-mostly view for the organiser's staff. State changes (opening a stage,
submitting, reopening, shortlists) go through the organiser pages and their services; the logs
are read-only here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from judging.models import (
    Assignment,
    Award,
    Conflict,
    ConflictDeclaration,
    Criterion,
    ExternalRecognition,
    FinalEntry,
    FinalResult,
    InterviewSlot,
    KijbNomination,
    PanelMember,
    Score,
    ScoreSheet,
    Shortlist,
    ShortlistChange,
    Stage,
    StageEvent,
    StageResult,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Append-only records: visible, never edited or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "name", "weight", "scale_min", "scale_max", "guidance"]

    def has_change_permission(self, request, obj=None):
        # Frozen once the stage has opened.
        return obj is None or obj.opened_at is None

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    fields = ["judge", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    autocomplete_fields = ["judge"]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = [
        "edition",
        "order",
        "kind",
        "weight",
        "judges_per_proposal",
        "score_visibility",
        "show_agency",
        "opened_at",
        "closed_at",
    ]
    list_filter = ["kind", "edition", "score_visibility", "rank_by"]
    list_select_related = ["edition"]
    readonly_fields = [
        "opened_at",
        "opened_by",
        "closed_at",
        "closed_by",
        "results_computed_at",
        "created_at",
    ]
    inlines = [CriterionInline, PanelMemberInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["edition", "kind", "order"]
        return fields


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["judge", "edition", "agency", "proposal", "source", "recorded_at", "stage"]
    list_filter = ["source", "edition"]
    search_fields = ["judge__username", "agency__name", "proposal__innovation_acronym", "reason"]
    list_select_related = ["judge", "edition", "agency", "proposal__innovation", "stage__edition"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["judge", "stage", "declared_at", "no_conflicts", "pledge_signed_at"]
    list_filter = ["stage__edition", "no_conflicts"]
    search_fields = ["judge__username"]
    list_select_related = ["judge", "stage__edition"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["judge", "proposal", "stage", "is_manual", "created_by", "created_at"]
    list_filter = ["stage__edition", "stage__kind", "is_manual"]
    search_fields = ["judge__username", "proposal__innovation_acronym"]
    list_select_related = ["judge", "proposal__innovation", "proposal__edition", "stage__edition"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    fields = ["criterion", "value", "scale_min", "scale_max", "comment"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    list_display = [
        "assignment",
        "stage",
        "status",
        "total",
        "normalised",
        "submitted_at",
        "excluded",
    ]
    list_filter = ["status", "excluded", "assignment__stage__edition", "assignment__stage__kind"]
    search_fields = ["assignment__judge__username", "assignment__proposal__innovation_acronym"]
    list_select_related = [
        "assignment__judge",
        "assignment__proposal__innovation",
        "assignment__proposal__edition",
        "assignment__stage__edition",
    ]
    inlines = [ScoreInline]

    @admin.display(description=_("stage"), ordering="assignment__stage")
    def stage(self, sheet):
        return sheet.assignment.stage


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = [
        "proposal",
        "stage",
        "rank",
        "judges_counted",
        "mean",
        "median",
        "spread",
        "normalised",
        "spread_flagged",
        "tie_break",
        "decision",
        "decree_ref",
    ]
    list_filter = ["stage__edition", "stage__kind", "decision", "spread_flagged"]
    search_fields = ["proposal__innovation_acronym", "proposal__innovation_name"]
    list_select_related = ["proposal__innovation", "proposal__edition", "stage__edition"]
    ordering = ["stage", "proposal__track", "rank"]


class ShortlistChangeInline(admin.TabularInline):
    model = ShortlistChange
    extra = 0
    fields = ["action", "at", "by", "decree_number", "decree_date", "shortlisted", "added"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Shortlist)
class ShortlistAdmin(ReadOnlyAdmin):
    list_display = ["stage", "track", "decree_number", "decree_date", "confirmed_by", "changed_at"]
    list_filter = ["stage__edition"]
    list_select_related = ["stage__edition", "track__edition", "confirmed_by"]
    inlines = [ShortlistChangeInline]


@admin.register(ShortlistChange)
class ShortlistChangeAdmin(ReadOnlyAdmin):
    list_display = ["shortlist", "action", "by", "at", "decree_number", "reason"]
    list_filter = ["action", "shortlist__stage__edition"]
    list_select_related = ["shortlist__stage__edition", "shortlist__track", "by"]


@admin.register(StageEvent)
class StageEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "stage", "action", "by", "judge", "proposal", "note"]
    list_filter = ["action", "stage__edition"]
    search_fields = ["note", "judge__username", "proposal__innovation_acronym"]
    list_select_related = ["stage__edition", "by", "judge", "proposal__innovation"]


# --- finals: written through the organiser's pages, read-only here; recognitions are edited here


@admin.register(InterviewSlot)
class InterviewSlotAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "stage", "starts_at", "ends_at", "place"]
    list_filter = ["stage__edition"]
    list_select_related = ["proposal__innovation", "proposal__agency", "stage__edition"]


@admin.register(FinalResult)
class FinalResultAdmin(ReadOnlyAdmin):
    list_display = [
        "edition",
        "decree_number",
        "decree_date",
        "confirmed_at",
        "results_published_at",
    ]
    list_select_related = ["edition"]


@admin.register(FinalEntry)
class FinalEntryAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "track", "score", "rank", "tie_break"]
    list_filter = ["edition"]
    list_select_related = ["proposal__innovation", "proposal__agency", "track__edition"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "kind", "title", "track", "awarded_at"]
    list_filter = ["edition", "kind"]
    list_select_related = ["proposal__innovation", "proposal__agency", "track__edition"]


@admin.register(KijbNomination)
class KijbNominationAdmin(ReadOnlyAdmin):
    list_display = ["proposal", "forwarded_on", "forwarded_by"]
    list_select_related = ["proposal__innovation", "proposal__agency", "forwarded_by"]


@admin.register(ExternalRecognition)
class ExternalRecognitionAdmin(admin.ModelAdmin):
    """Recognitions earned outside KIKS, recorded by the organiser."""

    list_display = ["innovation", "title", "year", "level"]
    list_filter = ["level", "year"]
    search_fields = ["title", "innovation__name", "innovation__acronym"]
    autocomplete_fields = ["innovation"]
    list_select_related = ["innovation__agency"]
