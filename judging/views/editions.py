"""The organiser's "new edition" page (penyelenggara/edisi-baru/): the first edition of an empty
installation, and every year's next one."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from agencies.permissions import OrganiserRequiredMixin
from innovations.seed import DEFAULT_TRACKS
from judging.forms import EditionCreateForm
from judging.services import JudgingError, create_edition


def initial_values(today: datetime.date) -> dict:
    """This year's edition, open from tomorrow for six weeks, verified in the two after."""
    tz = timezone.get_current_timezone()
    opens = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(8, 0), tz)
    closes = datetime.datetime.combine(
        today + datetime.timedelta(days=43), datetime.time(23, 59), tz
    )
    return {
        "name": f"KIKS {today.year}",
        "year": today.year,
        "submission_opens_at": opens,
        "submission_closes_at": closes,
        "verification_closes_at": closes + datetime.timedelta(days=14),
        "tracks": list(DEFAULT_TRACKS),
    }


class EditionCreateView(OrganiserRequiredMixin, TemplateView):
    template_name = "judging/edition_create.html"

    def get(self, request, *args, **kwargs):
        form = EditionCreateForm(initial=initial_values(timezone.localdate()))
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = EditionCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edition = create_edition(
                    name=data["name"],
                    year=data["year"],
                    opens_at=data["submission_opens_at"],
                    closes_at=data["submission_closes_at"],
                    verification_closes_at=data["verification_closes_at"],
                    tracks=data["tracks"],
                    by=request.user,
                )
            except JudgingError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _(
                        "%(name)s created with the KIPP sections, its tracks and the desk "
                        "evaluation stage. Next: add the judges to the stage's panel."
                    )
                    % {"name": edition.name},
                )
                return redirect(reverse("dashboard") + f"#overview-{edition.pk}")
        return self.render_to_response(self.get_context_data(form=form), status=400)
