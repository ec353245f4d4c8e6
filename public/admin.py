from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from common.exports import csv_response
from public.exports import vote_counts_table
from public.models import Announcement, FavouriteVote, FavouriteVoteWindow


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "is_published", "published_at"]
    list_filter = ["is_published", "edition"]
    search_fields = ["title", "body"]
    list_select_related = ["edition"]
    date_hierarchy = "published_at"


@admin.register(FavouriteVoteWindow)
class FavouriteVoteWindowAdmin(admin.ModelAdmin):
    """The organiser opens and closes the vote here; the counts are read-only."""

    list_display = ["edition", "enabled", "opens_at", "closes_at", "confirmed_votes", "counts"]
    list_filter = ["enabled"]
    list_select_related = ["edition"]
    fields = ["edition", "enabled", "opens_at", "closes_at"]
    actions = ["export_counts"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed=Count(
                    "edition__tracks__favourite_votes",
                    filter=Q(edition__tracks__favourite_votes__confirmed_at__isnull=False),
                )
            )
        )

    @admin.display(description=_("confirmed votes"), ordering="confirmed")
    def confirmed_votes(self, window):
        return window.confirmed

    @admin.display(description=_("counts"))
    def counts(self, window):
        url = reverse("public:vote_counts") + "?" + urlencode({"edisi": window.edition.slug})
        return format_html('<a href="{}">{}</a>', url, _("Counts per innovation"))

    @admin.action(description=_("Export the vote counts (CSV)"))
    def export_counts(self, request, queryset):
        window = queryset.select_related("edition").first()
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose one edition to export its counts."), level="warning"
            )
            return None
        return csv_response(vote_counts_table(window.edition))


@admin.register(FavouriteVote)
class FavouriteVoteAdmin(admin.ModelAdmin):
    """Read-only: votes change only through the public confirmation link."""

    list_display = ["proposal", "track", "created_at", "confirmed_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "track__edition"]
    list_select_related = ["proposal__innovation", "proposal__edition", "track__edition"]
    search_fields = ["proposal__innovation_acronym", "proposal__innovation_name"]
    fields = ["track", "proposal", "created_at", "confirmed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
