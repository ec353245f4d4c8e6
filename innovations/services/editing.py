"""The agency's writing: new innovations and proposals (blank or copied from an earlier edition)
and saving a draft's texts and fields."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common import cache as page_cache
from common.links import is_web_url
from innovations.enums import AttachmentKind
from innovations.models import Attachment, Innovation, Proposal, SectionAnswer
from innovations.services.access import WorkflowError, lock_editable, require_operator
from innovations.services.workflow import record_creation
from innovations.validators import count_words

MAX_ANSWER_CHARACTERS = 30_000
INNOVATION_FIELDS = (
    "name",
    "acronym",
    "expansion",
    "started_on",
    "form",
    "is_digital",
    "stage",
    "initiator_kind",
    "initiator_name",
)


def _unique_innovation_slug(agency, acronym: str, name: str) -> str:
    base = slugify(f"{agency.slug} {acronym or name}")[:60].strip("-") or "inovasi"
    slug = base
    while Innovation.objects.filter(slug=slug).exists():
        slug = f"{base}-{uuid.uuid4().hex[:6]}"
    return slug


def _check_innovation_name(agency, name: str, *, exclude_pk=None) -> None:
    clash = Innovation.objects.filter(agency=agency, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise WorkflowError(
            _("%(agency)s already has an innovation named “%(name)s”.")
            % {"agency": agency.name, "name": name.strip()}
        )


@transaction.atomic
def create_innovation(agency, *, by, sdgs, **fields) -> Innovation:
    """Register a new innovation of `agency` (fields: see INNOVATION_FIELDS; at least one SDG).

    Side effects: creates the Innovation row with a unique slug and sets its SDGs.
    Raises WorkflowError if `by` is not an operator of the agency, or the name is taken.
    """
    require_operator(agency, by)
    unknown = set(fields) - set(INNOVATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown innovation fields: {sorted(unknown)}")
    sdgs = list(sdgs)
    if not sdgs:
        raise WorkflowError(_("Choose at least one Sustainable Development Goal."))
    _check_innovation_name(agency, fields["name"])
    innovation = Innovation.objects.create(
        agency=agency,
        slug=_unique_innovation_slug(agency, fields.get("acronym", ""), fields["name"]),
        created_by=by,
        **fields,
    )
    innovation.sdgs.set(sdgs)
    return innovation


def check_new_entry(edition, track, innovation, now) -> None:
    if not edition.is_open_for_submission(now):
        raise WorkflowError(
            _("%(edition)s does not accept new proposals now.") % {"edition": edition.name}
        )
    if track.edition_id != edition.pk:
        raise WorkflowError(_("Choose a track of %(edition)s.") % {"edition": edition.name})
    if Proposal.objects.filter(edition=edition, innovation=innovation).exists():
        raise WorkflowError(
            _("“%(innovation)s” is already entered in %(edition)s: one innovation enters once.")
            % {"innovation": innovation.title, "edition": edition.name}
        )


@transaction.atomic
def create_proposal(
    *, edition, track, by, innovation=None, agency=None, new_innovation=None, now=None
) -> Proposal:
    """Start a draft proposal in `edition` for an existing innovation of the agency, or for a new
    one (`agency` and `new_innovation`: a dict of innovation fields with "sdgs").

    Side effects: may create an Innovation; creates the Proposal (draft) and the first row of its
    history with its audit event ("proposal.create"). Raises WorkflowError when the edition is
    not open, the track is not the edition's, the innovation is already entered, or `by` is not
    an operator of the agency.
    """
    now = now or timezone.now()
    if innovation is None:
        if agency is None or new_innovation is None:
            raise TypeError("Give an innovation, or an agency and the new innovation's fields.")
        fields = dict(new_innovation)
        innovation = create_innovation(agency, by=by, sdgs=fields.pop("sdgs", ()), **fields)
    require_operator(innovation.agency, by)
    check_new_entry(edition, track, innovation, now)
    proposal = Proposal.objects.create(
        edition=edition,
        track=track,
        innovation=innovation,
        agency=innovation.agency,
        created_by=by,
        status_changed_at=now,
        **entry_fields(innovation),
    )
    record_creation(proposal, by=by)
    return proposal


@transaction.atomic
def save_proposal_draft(
    proposal: Proposal,
    *,
    by,
    answers=None,
    video_url=None,
    track=None,
    innovation_fields=None,
    sdgs=None,
) -> Proposal:
    """Save what the agency typed, complete or not: the editor's "save draft".

    `answers` maps section keys to texts (sections left out stay as they are); `video_url`,
    `track`, `innovation_fields` (see INNOVATION_FIELDS) and `sdgs` are left unchanged when None.
    Only while the proposal is editable (draft, changes requested) and only by an operator of its
    agency. Side effects, in one transaction with the proposal row locked: updates or creates the
    section answers with their word counts, the proposal's track and video link, and the
    innovation's fields and SDGs. Returns the locked, updated proposal.
    """
    locked = lock_editable(proposal, by)
    now = timezone.now()
    proposal_fields = []
    if answers is not None:
        _save_answers(locked, answers, now)
    if video_url is not None and video_url.strip() != locked.video_url:
        video_url = video_url.strip()
        if len(video_url) > 500:
            raise WorkflowError(_("The video link may have at most 500 characters."))
        if video_url and not is_web_url(video_url):
            raise WorkflowError(_("The video link must start with http:// or https://."))
        locked.video_url = video_url
        proposal_fields.append("video_url")
    if track is not None and track.pk != locked.track_id:
        if track.edition_id != locked.edition_id:
            raise WorkflowError(
                _("Choose a track of %(edition)s.") % {"edition": locked.edition.name}
            )
        locked.track = track
        proposal_fields.append("track")
    if innovation_fields:
        _save_innovation(locked.innovation, innovation_fields)
    if sdgs is not None:
        sdgs = list(sdgs)
        if not sdgs:
            raise WorkflowError(_("Choose at least one Sustainable Development Goal."))
        locked.innovation.sdgs.set(sdgs)
    # Always touch updated_at: "last saved" on the page is the moment of this save.
    locked.save(update_fields=[*proposal_fields, "updated_at"])
    return locked


def _save_answers(proposal: Proposal, answers, now) -> None:
    sections = {section.key: section for section in proposal.edition.sections.all()}
    unknown = set(answers) - set(sections)
    if unknown:
        raise WorkflowError(_("Unknown sections: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    existing = {answer.section_id: answer for answer in proposal.answers.all()}
    to_create, to_update = [], []
    for key, text in answers.items():
        text = (text or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_ANSWER_CHARACTERS:
            raise WorkflowError(
                _("Section “%(title)s” is too long to store (%(max)d characters at most).")
                % {"title": sections[key].title, "max": MAX_ANSWER_CHARACTERS}
            )
        section = sections[key]
        answer = existing.get(section.pk)
        if answer is None:
            if text:
                to_create.append(
                    SectionAnswer(
                        proposal=proposal, section=section, text=text, word_count=count_words(text)
                    )
                )
        elif answer.text != text:
            answer.text, answer.word_count, answer.updated_at = text, count_words(text), now
            to_update.append(answer)
    SectionAnswer.objects.bulk_create(to_create)
    SectionAnswer.objects.bulk_update(to_update, ["text", "word_count", "updated_at"])


def _save_innovation(innovation: Innovation, fields) -> None:
    unknown = set(fields) - set(INNOVATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown innovation fields: {sorted(unknown)}")
    changed = [name for name, value in fields.items() if getattr(innovation, name) != value]
    if not changed:
        return
    if "name" in changed:
        _check_innovation_name(innovation.agency, fields["name"], exclude_pk=innovation.pk)
    for name in changed:
        setattr(innovation, name, fields[name])
    innovation.save(update_fields=[*changed, "updated_at"])
    if set(changed) & set(Proposal.ENTRY_FIELDS.values()):
        sync_entry_titles(innovation)


def entry_fields(innovation: Innovation) -> dict:
    """A proposal's own copy of the innovation's identity (Proposal.innovation_name ...)."""
    return {mine: getattr(innovation, theirs) for mine, theirs in Proposal.ENTRY_FIELDS.items()}


def sync_entry_titles(innovation: Innovation) -> int:
    """Bring the innovation's identity (name, acronym, expansion) into its proposals of editions
    that are not published yet; a published edition's entries keep what it showed, so a later
    edition's draft never rewrites an earlier edition's results. Side effects: updates those
    proposals' copies (one statement) and renews the public pages. Returns how many changed."""
    updated = (
        Proposal.objects.filter(innovation=innovation, edition__is_published=False)
        .exclude(**entry_fields(innovation))
        .update(**entry_fields(innovation))
    )
    if updated:
        page_cache.bump()  # an UPDATE sends no signal
    return updated


@transaction.atomic
def copy_proposal(source: Proposal, *, edition, track, by, now=None) -> Proposal:
    """Start a draft in `edition` from a proposal of an earlier edition of the same innovation.

    Answers are matched by section key (sections the new edition lacks are left out), the video
    link is kept, and every attachment is copied (a document's section matched by key too).
    Side effects: creates the Proposal (draft, `copied_from` = source), its answers, copies of the
    files through the storage API and their Attachment rows, and the first history row with its
    audit event ("proposal.create").
    Raises WorkflowError when the edition is not open or not later than the source's, the track
    is not the edition's, the innovation is already entered, or `by` is not an operator of the
    agency.
    """
    now = now or timezone.now()
    require_operator(source.agency, by)
    if source.edition_id == edition.pk or (
        source.edition.submission_opens_at >= edition.submission_opens_at
    ):
        raise WorkflowError(_("Only a proposal of an earlier edition can be copied."))
    check_new_entry(edition, track, source.innovation, now)
    proposal = Proposal.objects.create(
        edition=edition,
        track=track,
        innovation=source.innovation,
        agency=source.agency,
        video_url=source.video_url,
        copied_from=source,
        created_by=by,
        status_changed_at=now,
        **entry_fields(source.innovation),
    )
    sections = {section.key: section for section in edition.sections.all()}
    SectionAnswer.objects.bulk_create(
        SectionAnswer(
            proposal=proposal,
            section=sections[answer.section.key],
            text=answer.text,
            word_count=count_words(answer.text),
        )
        for answer in source.answers.select_related("section")
        if answer.section.key in sections and answer.text
    )
    stored = []
    try:
        for old in source.attachments.select_related("section"):
            section = sections.get(old.section.key) if old.section else None
            copy = Attachment(
                proposal=proposal,
                section=section if old.kind == AttachmentKind.DOCUMENT else None,
                kind=old.kind,
                original_name=old.original_name,
                content_type=old.content_type,
                size=old.size,
                caption=old.caption,
                uploaded_by=by,
            )
            with old.file.open("rb") as content:
                copy.file.save(old.original_name, ContentFile(content.read()), save=False)
            stored.append(copy.file)
            if old.thumbnail:
                with old.thumbnail.open("rb") as content:
                    copy.thumbnail.save("thumbnail.webp", ContentFile(content.read()), save=False)
                stored.append(copy.thumbnail)
            copy.save()
    except BaseException:
        for field in stored:
            field.storage.delete(field.name)
        raise
    record_creation(
        proposal,
        by=by,
        note=_("Copied from %(edition)s.") % {"edition": source.edition.name},
    )
    return proposal
