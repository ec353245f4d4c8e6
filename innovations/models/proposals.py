"""Proposals: an innovation entered in an edition, with its answers, files and history."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.links import WebURLField, validate_web_url
from innovations.enums import (
    COUNTED_STATUSES,
    AttachmentKind,
    ProposalStatus,
)

# The statuses in which the agency may change its proposal (texts, fields, attachments).
from innovations.models.editions import Edition, SectionTemplate, Track
from innovations.models.innovations import Innovation
from innovations.validators import (
    IMAGE_CONTENT_TYPES,
    PDF_CONTENT_TYPE,
    PHOTO_KINDS,
    is_video_url,
)

# The statuses in which the agency may change its proposal (texts, fields, attachments).
EDITABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.CHANGES_REQUESTED)


class ProposalQuerySet(models.QuerySet):
    def counted(self):
        """Handed in and not refused: what counts for the obligation and the cap."""
        return self.filter(status__in=COUNTED_STATUSES)

    def submitted(self):
        return self.filter(status=ProposalStatus.SUBMITTED)

    def verified(self):
        return self.filter(status=ProposalStatus.VERIFIED)

    def editable_by_agency(self):
        """Drafts and proposals sent back: the only ones the agency may change."""
        return self.filter(status__in=EDITABLE_STATUSES)


def agency_only_q(prefix: str = "") -> Q:
    """The proposals never handed in, which are the agency's own business: drafts, and drafts
    withdrawn before they were ever submitted. Nobody but the agency's operators reads them or
    their files (innovations.selectors), not organisers, leadership or the admin's lists.
    A proposal sent back for changes was handed in: the organiser keeps reading it. A condition
    on Proposal, or on a relation to it (prefix="proposal__" for Attachment)."""
    return Q(**{f"{prefix}status": ProposalStatus.DRAFT}) | Q(
        **{
            f"{prefix}status": ProposalStatus.WITHDRAWN,
            f"{prefix}submitted_at__isnull": True,
        }
    )


def public_proposal_q(prefix: str = "") -> Q:
    """The definition of a public proposal (a published innovation's entry): verified, in a
    published edition. A condition on Proposal, or on a relation to it (e.g. prefix="proposal__"
    for Attachment). `public.selectors.public_proposals()` is the queryset form;
    `innovations.public_year` keeps `Innovation.public_year` in step with it."""
    return Q(
        **{
            f"{prefix}edition__is_published": True,
            f"{prefix}status": ProposalStatus.VERIFIED,
        }
    )


class Proposal(models.Model):
    """One innovation entered in one edition and track.

    `agency` repeats `innovation.agency` on purpose: the per-agency cap locks and counts on it, and
    every list filters by it, without a join on 40,000-row editions. Set once, at creation.
    The status changes only through `innovations.services.transition_proposal`.
    """

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="proposals"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="proposals"
    )
    innovation = models.ForeignKey(
        Innovation, verbose_name=_("innovation"), on_delete=models.PROTECT, related_name="proposals"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="proposals"
    )
    # The innovation as this entry shows it: copied from the innovation until the edition is
    # published (innovations.services.editing.sync_entry_titles), then kept. A later edition's
    # draft that renames the innovation never rewrites what an earlier edition published.
    innovation_name = models.CharField(_("innovation name in this edition"), max_length=200)
    innovation_acronym = models.CharField(_("acronym in this edition"), max_length=40)
    innovation_expansion = models.CharField(
        _("acronym expansion in this edition"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    video_url = WebURLField(
        _("video link"), max_length=500, blank=True, validators=[validate_web_url]
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text=_("The proposal of an earlier edition this draft started from."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    # Each proposal's own copy of the innovation's identity (see innovation_name).
    ENTRY_FIELDS = {"innovation_name": "name", "innovation_acronym": "acronym",
                    "innovation_expansion": "expansion"}  # fmt: skip

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        permissions = [
            ("verify_proposal", _("Can verify, send back or reject proposals")),
            ("export_proposals", _("Can export proposals")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "innovation"], name="innovation_enters_edition_once"
            ),
            # A draft withdrawn before it was ever submitted has no submission time either.
            models.CheckConstraint(
                condition=Q(status__in=[ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN])
                | Q(submitted_at__isnull=False),
                name="proposal_handed_in_has_submitted_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["edition", "agency", "status"], name="proposal_edition_agency_idx"
            ),
            models.Index(fields=["edition", "status", "submitted_at"], name="proposal_queue_idx"),
        ]

    def __str__(self):
        return f"{self.innovation_acronym or self.innovation_name} · {self.edition}"

    @property
    def entry_title(self) -> str:
        """The innovation as this entry shows it: the acronym, with its expansion."""
        if self.innovation_expansion and self.innovation_acronym:
            return f"{self.innovation_acronym} ({self.innovation_expansion})"
        return self.innovation_acronym or self.innovation_name

    @property
    def is_editable_by_agency(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def safe_video_url(self) -> str:
        """The video link when it is a well-formed http(s) address, else "": a draft may hold
        anything typed, and a page must never turn that into a link (javascript:...)."""
        return self.video_url if is_video_url(self.video_url) else ""


class SectionAnswer(models.Model):
    """The agency's text for one section; the word count is kept for lists and exports."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="answers"
    )
    section = models.ForeignKey(
        SectionTemplate, verbose_name=_("section"), on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(_("text"), blank=True)
    word_count = models.PositiveIntegerField(_("word count"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("section answer")
        verbose_name_plural = _("section answers")
        ordering = ["section__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "section"], name="one_answer_per_proposal_section"
            ),
        ]

    def __str__(self):
        return f"{self.proposal} · {self.section}"


def attachment_path(instance, filename):
    # Never the uploader's name on disk: a random name keeps traversal and collisions out.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"proposals/{instance.proposal_id}/{uuid.uuid4().hex}{suffix}"


def thumbnail_path(instance, filename):
    return f"proposals/{instance.proposal_id}/thumbs/{uuid.uuid4().hex}.webp"


class Attachment(models.Model):
    """A file of a proposal. Served only through a view that checks permission."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("proposal"), on_delete=models.CASCADE, related_name="attachments"
    )
    section = models.ForeignKey(
        SectionTemplate,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    thumbnail = models.ImageField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=255, null=True, blank=True
    )
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["kind", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            # What the upload check guarantees, kept true for every other way in (admin, shell).
            models.CheckConstraint(
                condition=(
                    Q(kind__in=PHOTO_KINDS, content_type__in=IMAGE_CONTENT_TYPES)
                    | (~Q(kind__in=PHOTO_KINDS) & Q(content_type=PDF_CONTENT_TYPE))
                ),
                name="attachment_content_type_matches_kind",
            ),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_CONTENT_TYPES

    @property
    def is_pdf(self) -> bool:
        return self.content_type == PDF_CONTENT_TYPE


class ProposalStatusChange(models.Model):
    """Append-only history of a proposal's status: who, when, from, to, why."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ProposalStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["proposal", "at"], name="status_change_proposal_idx")]

    def __str__(self):
        return f"{self.proposal}: {self.from_status or '-'} → {self.to_status}"


class ComplianceReminder(models.Model):
    """A reminder of the obligation e-mailed to one agency's operators, shown on the board."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="reminders"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.TextField(
        _("recipients"), blank=True, help_text=_("E-mail addresses, one per line.")
    )

    class Meta:
        verbose_name = _("compliance reminder")
        verbose_name_plural = _("compliance reminders")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["edition", "agency", "sent_at"], name="reminder_lookup_idx")
        ]

    def __str__(self):
        return f"{self.agency} · {self.edition} · {self.sent_at:%Y-%m-%d %H:%M}"
