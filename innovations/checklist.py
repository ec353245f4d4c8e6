"""What still blocks a proposal's submission: one list, shown to the operator and enforced by the
workflow service. Every item carries its message, so the page and the refusal say the same thing."""

from dataclasses import dataclass
from functools import lru_cache

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from common.formats import day
from innovations.enums import AttachmentKind
from innovations.validators import add_months, is_video_url, months_in_operation_ok


def format_wib(moment) -> str:
    """A moment as the portal shows it, in Jakarta time ("31 Maret 2021 23:59"), with the seconds
    only when they are not zero: the window closes to the second."""
    return _format_wib(moment, get_language())


@lru_cache(maxsize=512)
def _format_wib(moment, language) -> str:
    # Lists show the same deadline on every row: formatted once per moment and language.
    local = timezone.localtime(moment)
    return date_format(local, "j F Y H:i:s" if local.second else "j F Y H:i")


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ok: bool
    problem: str = ""  # what to do about it; empty when the item is ok (worded only when needed)


def submission_checklist(proposal, *, now=None) -> list[CheckItem]:
    """Every submit guard except the per-agency cap (which needs a lock, see the service).

    Reads `proposal.edition`, its sections, the proposal's answers, attachments, innovation and
    its SDGs; callers on list pages should prefetch `answers`, `attachments`, `edition__sections`
    and `innovation__sdgs` (see innovations.selectors.with_checklist_data).
    """
    now = now or timezone.now()
    edition = proposal.edition
    items: list[CheckItem] = []

    window_open = edition.is_open_for_submission(now)
    if proposal.status == "changes_requested" and not window_open:
        # Sent back by the organiser: the agency may answer until verification closes.
        window_open = edition.is_in_verification(now)
    items.append(
        CheckItem(
            "window",
            _("Submission window is open (closes %(when)s WIB)")
            % {"when": format_wib(edition.submission_closes_at)},
            window_open,
            ""
            if window_open
            else _("The submission window of %(edition)s is closed.") % {"edition": edition.name}
            if now >= edition.submission_closes_at
            else _("The submission window of %(edition)s is not open yet.")
            % {"edition": edition.name},
        )
    )

    sections = list(edition.sections.all())
    answers = {answer.section_id: answer for answer in proposal.answers.all()}
    for section in sections:
        answer = answers.get(section.id)
        words = answer.word_count if answer else 0
        if words == 0:
            ok = not section.is_required
            problem = "" if ok else _("Section “%(title)s” is empty.") % {"title": section.title}
        elif words < section.min_words:
            ok = False
            problem = ngettext(
                "Section “%(title)s” has %(words)d word; at least %(min)d are needed.",
                "Section “%(title)s” has %(words)d words; at least %(min)d are needed.",
                words,
            ) % {"title": section.title, "words": words, "min": section.min_words}
        elif section.max_words is not None and words > section.max_words:
            ok = False
            problem = _("Section “%(title)s” has %(words)d words; at most %(max)d are allowed.") % {
                "title": section.title,
                "words": words,
                "max": section.max_words,
            }
        else:
            ok, problem = True, ""
        items.append(
            CheckItem(
                f"section:{section.key}",
                _("Section “%(title)s”") % {"title": section.title},
                ok,
                problem,
            )
        )

    attachments = list(proposal.attachments.all())
    kinds = {attachment.kind for attachment in attachments}
    evidence_sections = {a.section_id for a in attachments if a.kind == AttachmentKind.DOCUMENT}
    for section in sections:
        if section.evidence_required:
            items.append(
                CheckItem(
                    f"evidence:{section.key}",
                    _("Supporting document for “%(title)s”") % {"title": section.title},
                    section.id in evidence_sections,
                    ""
                    if section.id in evidence_sections
                    else _("Section “%(title)s” needs a supporting document (PDF).")
                    % {"title": section.title},
                )
            )
    items.append(
        CheckItem(
            "sk_letter",
            _("Initiator's decree letter (SK) attached"),
            AttachmentKind.SK_LETTER in kinds,
            ""
            if AttachmentKind.SK_LETTER in kinds
            else _("Attach the initiator's decree letter (SK) as a PDF."),
        )
    )
    items.append(
        CheckItem(
            "photo",
            _("At least one photo"),
            AttachmentKind.PHOTO in kinds,
            "" if AttachmentKind.PHOTO in kinds else _("Add at least one photo of the innovation."),
        )
    )
    video_ok = is_video_url(proposal.video_url)
    items.append(
        CheckItem(
            "video",
            _("Video link (http or https)"),
            video_ok,
            ""
            if video_ok
            else _("Give a link to the innovation's video (an http or https address)."),
        )
    )

    innovation = proposal.innovation
    sdgs_ok = bool(innovation.sdgs.all())
    items.append(
        CheckItem(
            "sdgs",
            _("At least one SDG goal"),
            sdgs_ok,
            ""
            if sdgs_ok
            else _("Choose at least one Sustainable Development Goal the innovation serves."),
        )
    )
    closing_day = timezone.localtime(edition.submission_closes_at).date()
    months = edition.min_months_in_operation
    running_ok = months_in_operation_ok(innovation.started_on, closing_day, months)
    items.append(
        CheckItem(
            "months",
            ngettext(
                "In operation at least %(months)d month by the closing date",
                "In operation at least %(months)d months by the closing date",
                months,
            )
            % {"months": months},
            running_ok,
            ""
            if running_ok
            else _(
                "The innovation must have been in operation for %(months)d months by "
                "%(closing)s; it started on %(started)s, so it qualifies from %(from)s."
            )
            % {
                "months": months,
                "closing": day(closing_day),
                "started": day(innovation.started_on),
                "from": day(add_months(innovation.started_on, months)),
            },
        )
    )
    return items


def submission_problems(proposal, *, now=None) -> list[str]:
    return [item.problem for item in submission_checklist(proposal, now=now) if not item.ok]
