"""Documents officials print or keep: the berita acara of a stage and of the final result, the
selection export, the KIJB forwarding pack (page and JSON)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from common.formats import json_value
from judging import selectors
from judging.exports import selection_response
from judging.views.mixins import EditionMixin, ResultsReaderRequiredMixin


class MinutesView(ResultsReaderRequiredMixin, TemplateView):
    """Berita acara of a stage: edition, stage, date, panel, ranking with scores, decision,
    decree, signature lines. Prints on A4."""

    template_name = "judging/minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = get_object_or_404(selectors.stages(), pk=kwargs["stage_id"])
        rows = selectors.ranking_rows(stage)
        panel = selectors.panel_of(stage)
        shortlists = selectors.shortlists_of(stage)
        context.update(
            stage=stage,
            groups=selectors.tracks_of_ranking(rows, rank_by=stage.rank_by),
            panel=panel,
            shortlists=shortlists,
            decrees=sorted({s.decree_ref for s in shortlists}),
            printed_at=timezone.now(),
        )
        return context


class FinalMinutesView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    """Berita acara of the final result: the final ranking, awards, KIJB, decree, signatures."""

    template_name = "judging/final_minutes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stages = selectors.stages_of(self.edition)
        rows = selectors.final_rows(self.edition)
        for row in rows:
            row.scores = [row.stage_scores.get(str(stage.pk)) for stage in stages]
        last = stages[-1] if stages else None
        context.update(
            edition=self.edition,
            stages=stages,
            groups=selectors.final_tracks(rows),
            result=selectors.final_result_of(self.edition),
            panel=selectors.panel_of(last) if last else [],
            printed_at=timezone.now(),
        )
        return context


class SelectionExportView(ResultsReaderRequiredMixin, EditionMixin, View):
    def get(self, request, *args, **kwargs):
        return selection_response(self.edition)


PACK_OBJECTS = ("answer_objects", "attachment_objects")


class ForwardingPackView(ResultsReaderRequiredMixin, EditionMixin, TemplateView):
    template_name = "judging/kijb_pack.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            edition=self.edition,
            pack=selectors.forwarding_pack(self.edition),
            result=selectors.final_result_of(self.edition),
            printed_at=timezone.now(),
        )
        return context


class ForwardingPackJsonView(ResultsReaderRequiredMixin, EditionMixin, View):
    def get(self, request, *args, **kwargs):
        result = selectors.final_result_of(self.edition)
        items = [
            json_value({key: value for key, value in item.items() if key not in PACK_OBJECTS})
            for item in selectors.forwarding_pack(self.edition)
        ]
        response = JsonResponse(
            {
                "edition": self.edition.name,
                "decree": result.decree_ref if result else None,
                "innovations": items,
            },
            json_dumps_params={"ensure_ascii": False, "indent": 2},
        )
        response["Content-Disposition"] = f'attachment; filename="kijb-{self.edition.slug}.json"'
        return response
