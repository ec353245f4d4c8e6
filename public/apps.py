from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The models whose rows a public page (or the organiser's ranking tables, see
# judging.ranking_display.groups_cache_key) shows: a write renews every cached page.
SHOWN_MODELS = (
    "agencies.Agency",
    "innovations.Attachment",
    "innovations.Edition",
    "innovations.Innovation",
    "innovations.Innovation.sdgs",
    "innovations.Proposal",
    "innovations.SectionAnswer",
    "innovations.SectionTemplate",
    "innovations.SustainableDevelopmentGoal",
    "innovations.Track",
    "judging.Award",
    "judging.Criterion",
    "judging.FinalEntry",
    "judging.FinalResult",
    "judging.KijbNomination",
    "judging.Shortlist",
    "judging.Stage",
    "judging.StageResult",
    "public.Announcement",
    "public.FavouriteVoteWindow",
)


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = _("Public portal")

    def ready(self):
        from common.cache import renew_on, renew_on_user_changes

        renew_on(*SHOWN_MODELS)
        # Judges' usernames show in the ranking's tables.
        renew_on_user_changes()
