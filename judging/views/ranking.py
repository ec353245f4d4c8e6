"""A stage's ranking, its recomputation, and the shortlist confirmed from it."""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agencies.permissions import is_organiser
from common.params import page_number, whole_number
from judging import charts, selectors
from judging.enums import Decision, RankBy, TieBreak
from judging.forms import ShortlistForm
from judging.services import (
    JudgingError,
    change_shortlist,
    compute_stage_results,
    confirm_shortlist,
)
from judging.views import ranking_table
from judging.views.mixins import OrganiserStageMixin, ResultsReaderRequiredMixin

# Judges listed on the ranking page unless the whole panel is asked for (?judges=all).
JUDGES_SHOWN = 25


class RankingView(ResultsReaderRequiredMixin, TemplateView):
    """The stage's ranking per track: every judge's total, mean, median, spread, normalised score,
    rank, the tie-break rule, ties at the cut, and per-judge statistics."""

    template_name = "judging/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(selectors.stages(), pk=kwargs["stage_id"])
        criteria = selectors.criteria_of(stage)
        # At most RANKING_PAGE_SIZE rows per track; ?track=<id>&page=<n> pages through one track.
        track_id = whole_number(self.request.GET.get("track"))
        page = page_number(self.request.GET.get("page")) if track_id else 1
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
            leniency_chart=charts.leniency_chart(stage, judge_stats) if judge_stats else None,
            all_judges=all_judges,
            can_run=can_run,
            rank_by_normalised=stage.rank_by == RankBy.NORMALISED,
            TieBreak=TieBreak,
        )
        # The tracks' tables change only with a computation of the results or a change of what
        # they show (see ranking_table.groups_cache_key): rendered once, then read back.
        key = ranking_table.groups_cache_key(stage, track_id=track_id, page=page, link=can_run)
        html = cache.get(key) if key else None
        if html is None:
            groups = self.groups(stage, track_id=track_id, page=page, link=can_run)
            html = render_to_string(
                "judging/_ranking_groups.html", {**context, "groups": groups}, self.request
            )
            if key:
                cache.set(key, html, ranking_table.GROUPS_CACHE_SECONDS)
        context["groups_html"] = html
        return context

    @staticmethod
    def groups(stage, *, track_id, page, link):
        size = selectors.RANKING_PAGE_SIZE
        offset = (page - 1) * size
        rows = selectors.ranking_rows(stage, track_id=track_id, offset=offset, limit=size)
        shortlists = {shortlist.track_id: shortlist for shortlist in selectors.shortlists_of(stage)}
        groups = selectors.tracks_of_ranking(rows, rank_by=stage.rank_by, offset=offset)
        for group in groups:
            group["shortlist"] = shortlists.get(group["track"].pk)
            entries = group["rows"][0].track_size
            group["page"] = page
            group["pages"] = -(-entries // size)
            group["entries"] = entries
            group["first"], group["last"] = offset + 1, offset + len(group["rows"])
        ranking_table.prepare_rows(groups, stage=stage, link=link)
        for group in groups:
            group["chart"] = charts.spread_chart(stage, group)
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
        self.track = selectors.track_of(self.stage.edition, self.kwargs["track_id"])
        self.shortlist = selectors.shortlist_of(self.stage, self.track)
        self.rows = [
            row
            for row in selectors.ranking_rows(self.stage)
            if row.proposal.track_id == self.track.pk
        ]
        self.cut = selectors.cut_of(self.stage, self.track)

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
