"""What is public: the one definition (innovations.models.public_proposal_q) as querysets
of proposals, editions, photos and texts, and the prefetches that every page shares."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from innovations.enums import AttachmentKind
from innovations.models import (
    Attachment,
    Edition,
    Proposal,
    SectionAnswer,
    public_proposal_q,
)


def public_proposals() -> QuerySet[Proposal]:
    """Published innovations' entries: verified proposals of published editions.

    Drafts, proposals waiting for verification, sent back, rejected or withdrawn, and every
    proposal of an unpublished edition are left out. Joins edition, track, innovation, agency.
    """
    return Proposal.objects.filter(public_proposal_q()).select_related(
        "edition", "track", "innovation", "agency"
    )


def public_editions() -> QuerySet[Edition]:
    return Edition.objects.published()


def public_photos() -> QuerySet[Attachment]:
    """The only files the public sees: photos of public proposals."""
    return Attachment.objects.filter(public_proposal_q("proposal__"), kind=AttachmentKind.PHOTO)


def public_answers() -> QuerySet[SectionAnswer]:
    """Texts of the sections the organiser made public, of public proposals."""
    return SectionAnswer.objects.filter(
        public_proposal_q("proposal__"), section__is_public=True
    ).exclude(text="")


def photo_prefetch(lookup: str) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Attachment.objects.filter(kind=AttachmentKind.PHOTO).order_by("uploaded_at", "pk"),
        to_attr="public_photos",
    )


def entries_prefetch() -> list[Prefetch]:
    """An innovation's public entries, newest edition first, each with its photos."""
    return [
        Prefetch(
            "proposals",
            queryset=public_proposals()
            .select_related("edition__final_result")
            .order_by("-edition__year", "-edition__submission_opens_at"),
            to_attr="public_entries",
        ),
        photo_prefetch("public_entries__attachments"),
    ]


def first_photo(entries) -> Attachment | None:
    """The photo that stands for an innovation: the first one of its newest entry that has one."""
    for entry in entries:
        if entry.public_photos:
            return entry.public_photos[0]
    return None
