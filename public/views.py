"""The public portal: no login. Every page starts from public.selectors (published entries only);
anything outside is a 404. The organiser's favourite-vote counts are the only signed-in pages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View

from agencies.permissions import OrganiserRequiredMixin
from common.cache import cached_public_page
from common.downloads import file_response
from common.exports import csv_response
from common.http import client_ip
from innovations.models import Edition
from public import selectors
from public.exports import vote_counts, vote_counts_table
from public.forms import RegistryFilterForm, VoteForm
from public.services import VoteError, confirm_vote, request_vote, vote_from_token
from public.throttle import take_vote_request


def describe(text: str, limit: int = 200) -> str:
    """A one-line description for search engines and link previews."""
    return Truncator(" ".join((text or "").split())).chars(limit)


class MetaMixin:
    """Title, description and preview image of a page, for <title>, the description and the
    Open Graph / Twitter card tags (templates/public/_meta.html)."""

    meta_type = "website"

    def get_meta(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = {"type": self.meta_type, "url": self.request.build_absolute_uri(self.request.path)}
        meta.update(self.get_meta())
        if meta.get("photo") is not None:
            meta["image"] = self.request.build_absolute_uri(
                reverse("public:photo", kwargs={"pk": meta["photo"].pk})
            )
        context["meta"] = meta
        return context


@method_decorator(cached_public_page, name="get")
class HomeView(MetaMixin, TemplateView):
    """The current edition and its calendar, announcements, the latest shortlist and the
    headline figures."""

    template_name = "home.html"

    def get_meta(self):
        return {
            "title": _("Sukabumi City Innovation Competition"),
            "description": _(
                "Public-service innovations of the agencies of Kota Sukabumi: every entry, the "
                "shortlists and the winners of the yearly KIKS competition."
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        edition = selectors.current_edition(now)
        results_edition, results = selectors.latest_results()
        context.update(
            edition=edition,
            steps=selectors.timeline(edition, now) if edition else [],
            announcements=selectors.announcements(now),
            results_edition=results_edition,
            results=[item for item in results if item.shortlist],
            results_published=any(item.final for item in results),
            figures=selectors.headline_figures(),
            recent=selectors.recent_innovations(),
            votes=selectors.open_vote_windows(now),
        )
        return context


@method_decorator(cached_public_page, name="get")
class RegistryView(MetaMixin, ListView):
    """Every published innovation, searchable and filterable, newest edition first."""

    template_name = "public/registry.html"
    context_object_name = "innovations"
    paginate_by = selectors.REGISTRY_PAGE_SIZE

    def get_form(self):
        if not hasattr(self, "_form"):
            choices = selectors.registry_choices()
            self._form = RegistryFilterForm(
                self.request.GET or None, editions=choices["editions"], tracks=choices["tracks"]
            )
        return self._form

    def get_queryset(self):
        self.filters = self.get_form().filters()
        return selectors.registry(self.filters)

    def get_meta(self):
        return {
            "title": _("Innovation registry"),
            "description": _(
                "Every published public-service innovation of the agencies of Kota Sukabumi, "
                "across all editions of KIKS."
            ),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        selectors.mark_rows(context["innovations"])
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=self.get_form(), filters=self.filters, query=query.urlencode())
        return context


@method_decorator(cached_public_page, name="get")
class InnovationView(MetaMixin, DetailView):
    template_name = "public/innovation.html"
    context_object_name = "innovation"
    meta_type = "article"

    def get_queryset(self):
        return selectors.public_innovations()

    def get_context_data(self, **kwargs):
        self.page = selectors.innovation_page(self.object)
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["innovation"] = self.page.innovation
        return context

    def get_meta(self):
        shown = self.page.latest  # as its newest public entry shows it
        return {
            "title": shown.entry_title,
            "description": describe(self.page.summary)
            or describe(f"{shown.innovation_name} · {shown.agency.name}"),
            "photo": self.page.photos[0] if self.page.photos else None,
        }


@method_decorator(cached_public_page, name="get")
class AgencyView(MetaMixin, DetailView):
    template_name = "public/agency.html"
    context_object_name = "agency"

    def get_queryset(self):
        return selectors.public_agencies().select_related("parent")

    def get_context_data(self, **kwargs):
        self.years = selectors.agency_years(self.object)
        context = super().get_context_data(**kwargs)
        context["years"] = self.years
        context["entry_count"] = sum(len(year.entries) for year in self.years)
        return context

    def get_meta(self):
        photo = next(
            (entry.photo for year in self.years for entry in year.entries if entry.photo), None
        )
        return {
            "title": self.object.name,
            "description": _("Public-service innovations of %(agency)s over the years.")
            % {"agency": self.object.name},
            "photo": photo,
        }


@method_decorator(cached_public_page, name="get")
class ResultsIndexView(MetaMixin, ListView):
    template_name = "public/results_index.html"
    context_object_name = "editions"

    def get_queryset(self):
        return selectors.public_editions().order_by("-year", "-submission_opens_at")

    def get_meta(self):
        return {
            "title": _("Results"),
            "description": _("Shortlists and winners of every published edition of KIKS."),
        }


@method_decorator(cached_public_page, name="get")
class ResultsView(MetaMixin, DetailView):
    """Per track, the confirmed shortlist with its decree; "not published yet" otherwise."""

    template_name = "public/results.html"
    context_object_name = "edition"

    def get_queryset(self):
        return selectors.public_editions()

    def get_context_data(self, **kwargs):
        self.tracks = selectors.edition_results(self.object)
        final_result = selectors.add_final_ranking(self.object, self.tracks)
        context = super().get_context_data(**kwargs)
        context["tracks"] = self.tracks
        context["final_result"] = final_result
        context["has_results"] = selectors.has_results(self.tracks)
        context["vote_window"] = selectors.vote_window(self.object)
        return context

    def get_meta(self):
        return {
            "title": _("Results of %(edition)s") % {"edition": self.object.name},
            "description": _("The shortlist of each track of %(edition)s and its winners.")
            % {"edition": self.object.name},
        }


class PhotoView(View):
    """A photo of a public proposal (or its thumbnail), for anyone; 404 for every other file."""

    thumbnail = False

    def get(self, request, pk):
        photo = get_object_or_404(selectors.public_photos(), pk=pk)
        stored, content_type = photo.file, photo.content_type
        if self.thumbnail and photo.thumbnail:
            stored, content_type = photo.thumbnail, "image/webp"
        return file_response(
            stored, content_type=content_type, filename=photo.original_name, public=True
        )


# --- Favourite vote ----------------------------------------------------------------------------


class VoteView(MetaMixin, TemplateView):
    """An edition's favourite vote: one form per track (GET shows, VoteRequestView receives)."""

    template_name = "public/vote.html"

    def dispatch(self, request, *args, **kwargs):
        self.edition = get_object_or_404(selectors.public_editions(), slug=kwargs["slug"])
        self.window = selectors.vote_window(self.edition)
        if self.window is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_meta(self):
        return {
            "title": _("Favourite innovation vote · %(edition)s") % {"edition": self.edition.name},
            "description": _(
                "Vote for your favourite shortlisted innovation of %(edition)s, one per track."
            )
            % {"edition": self.edition.name},
        }

    def get_context_data(self, bound=None, **kwargs):
        context = super().get_context_data(**kwargs)
        tracks = selectors.ballot(self.edition)
        forms = []
        for entry in tracks:
            if bound is not None and bound.entry.track.pk == entry.track.pk:
                forms.append(bound)
            else:
                forms.append(VoteForm(entry=entry))
        now = timezone.now()
        context.update(
            edition=self.edition,
            window=self.window,
            is_open=self.window.is_open(now),
            not_yet=now < self.window.opens_at,
            forms=forms,
        )
        return context


class VoteRequestView(VoteView):
    """Receives one track's ballot; throttled per client address (HTTP 429 over the limit)."""

    http_method_names = ["post"]

    def post(self, request, slug, track):
        entry = next((e for e in selectors.ballot(self.edition) if e.track.slug == track), None)
        if entry is None:
            raise Http404
        form = VoteForm(request.POST, entry=entry)
        if not take_vote_request(client_ip(request)):
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Too many vote requests from your network. Please try again in an hour; "
                    "your choice is kept below."
                ),
            )
            return self.render_to_response(self.get_context_data(bound=form), status=429)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                request_vote(
                    form.chosen_proposal(),
                    email=email,
                    site_url=request.build_absolute_uri("/"),
                )
            except VoteError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. We sent an e-mail to %(email)s: open the link in it to "
                        "confirm your vote. It counts once confirmed."
                    )
                    % {"email": email},
                )
                return redirect("public:vote", slug=self.edition.slug)
        return self.render_to_response(self.get_context_data(bound=form))


class VoteConfirmView(MetaMixin, TemplateView):
    """The link of the confirmation mail: GET shows what is confirmed (mail scanners open links),
    POST counts the vote."""

    template_name = "public/vote_confirm.html"

    def get_meta(self):
        return {"title": _("Confirm your favourite vote")}

    def get(self, request, token):
        try:
            vote = vote_from_token(token)
        except VoteError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        return self.render_to_response(self.get_context_data(vote=vote))

    def post(self, request, token):
        try:
            vote = confirm_vote(token)
        except VoteError as error:
            return self.render_to_response(self.get_context_data(error=error.message), status=400)
        return self.render_to_response(self.get_context_data(vote=vote, confirmed=True))


# --- Organiser: counts and export ------------------------------------------------------------


class VoteCountsView(OrganiserRequiredMixin, TemplateView):
    """Confirmed favourite votes per track and innovation, apart from any jury score."""

    template_name = "public/vote_counts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        windows = selectors.vote_windows()
        slug = self.request.GET.get("edisi")
        window = next((w for w in windows if w.edition.slug == slug), None) if slug else None
        if slug and window is None:
            raise Http404
        window = window or (windows[0] if windows else None)
        context.update(
            windows=windows,
            window=window,
            rows=vote_counts(window.edition) if window else [],
            now=timezone.now(),
        )
        return context


class VoteExportView(OrganiserRequiredMixin, View):
    def get(self, request, slug):
        edition = get_object_or_404(Edition, slug=slug, favourite_vote_window__isnull=False)
        return csv_response(vote_counts_table(edition))
