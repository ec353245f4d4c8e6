import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from common.links import WebURLField, validate_web_url
from innovations.enums import (
    COUNTED_STATUSES,
    AttachmentKind,
    InitiatorKind,
    InnovationForm,
    InnovationStage,
    ProposalStatus,
)
from innovations.validators import (
    IMAGE_CONTENT_TYPES,
    PDF_CONTENT_TYPE,
    PHOTO_KINDS,
    is_video_url,
)

# The statuses in which the agency may change its proposal (texts, fields, attachments).
EDITABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.CHANGES_REQUESTED)


class EditionQuerySet(models.QuerySet):
    def open_for_submission(self, now=None):
        now = now or timezone.now()
        return self.filter(submission_opens_at__lte=now, submission_closes_at__gt=now)

    def published(self):
        return self.filter(is_published=True)


class Edition(models.Model):
    """One year's competition, e.g. "KIKS 2021". Saved through
    `innovations.services.save_edition`, which keeps the registry's order in step when the
    edition is published or withdrawn from the public portal."""

    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    submission_opens_at = models.DateTimeField(_("submission opens at"))
    submission_closes_at = models.DateTimeField(_("submission closes at"))
    verification_closes_at = models.DateTimeField(
        _("verification closes at"),
        null=True,
        blank=True,
        help_text=_(
            "The organiser verifies proposals from the moment they are submitted until this time. "
            "Empty: no end."
        ),
    )
    min_per_agency = models.PositiveSmallIntegerField(
        _("minimum proposals per obligated agency"), default=1
    )
    max_per_agency = models.PositiveSmallIntegerField(
        _("maximum proposals per agency"), null=True, blank=True, help_text=_("Empty: no cap.")
    )
    cap_counts_units = models.BooleanField(
        _("the cap counts an agency with its units"),
        default=True,
        help_text=_(
            "On: a unit's proposals (a Puskesmas under Dinas Kesehatan) count towards its parent "
            "agency's cap, as they count for its obligation. Off: each unit has a cap of its own."
        ),
    )
    min_months_in_operation = models.PositiveSmallIntegerField(
        _("minimum months in operation"), default=6
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public portal.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-year", "-submission_opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(submission_closes_at__gt=F("submission_opens_at")),
                name="edition_window_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=Q(verification_closes_at__isnull=True)
                | Q(verification_closes_at__gte=F("submission_closes_at")),
                name="edition_verification_closes_after_submission",
            ),
            models.CheckConstraint(
                condition=Q(max_per_agency__isnull=True)
                | Q(max_per_agency__gte=F("min_per_agency")),
                name="edition_cap_not_below_minimum",
            ),
        ]

    def __str__(self):
        return self.name

    def is_open_for_submission(self, now=None) -> bool:
        now = now or timezone.now()
        return self.submission_opens_at <= now < self.submission_closes_at

    def is_in_verification(self, now=None) -> bool:
        now = now or timezone.now()
        return self.submission_opens_at <= now and (
            self.verification_closes_at is None or now < self.verification_closes_at
        )


class Track(models.Model):
    """A category of an edition (Umum, Kewilayahan, UPTD, Pendidikan, Perumda)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="tracks"
    )
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    shortlist_size = models.PositiveSmallIntegerField(_("shortlist size"), default=6)
    winner_count = models.PositiveSmallIntegerField(_("number of winners"), default=3)

    class Meta:
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        ordering = ["edition", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "slug"], name="track_slug_unique_in_edition"
            ),
            models.UniqueConstraint(
                fields=["edition", "name"], name="track_name_unique_in_edition"
            ),
            models.CheckConstraint(
                condition=Q(winner_count__lte=F("shortlist_size")),
                name="track_winners_within_shortlist",
            ),
        ]

    def __str__(self):
        return f"{self.edition.name} · {self.name}"


class SectionTemplate(models.Model):
    """One section of an edition's proposal form, with its weight in the desk evaluation."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.SlugField(_("key"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    guidance = models.TextField(_("guidance"), blank=True)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2, default=0)
    min_words = models.PositiveIntegerField(_("minimum words"), default=0)
    max_words = models.PositiveIntegerField(_("maximum words"), null=True, blank=True)
    is_required = models.BooleanField(_("required"), default=True)
    evidence_required = models.BooleanField(_("supporting evidence required"), default=False)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public portal once published.")
    )

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["edition", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "key"], name="section_key_unique_in_edition"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="section_weight_0_to_100"
            ),
            models.CheckConstraint(
                condition=Q(max_words__isnull=True) | Q(max_words__gte=F("min_words")),
                name="section_max_words_not_below_min",
            ),
        ]

    def __str__(self):
        return self.title


class SustainableDevelopmentGoal(models.Model):
    """The 17 SDGs, seeded by a migration; a table so that filtering works on every database."""

    number = models.PositiveSmallIntegerField(_("number"), primary_key=True)

    class Meta:
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=17), name="sdg_number_1_to_17"
            )
        ]

    def __str__(self):
        from innovations.enums import SDG

        return str(SDG(self.number).label)


class Innovation(models.Model):
    """The lasting thing an agency built; it may enter several editions."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="innovations"
    )
    name = models.CharField(_("innovation name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=40)
    expansion = models.CharField(_("acronym expansion"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    started_on = models.DateField(_("in operation since"))
    form = models.CharField(_("form"), max_length=20, choices=InnovationForm.choices)
    is_digital = models.BooleanField(_("digital innovation"), default=False)
    stage = models.CharField(_("innovation stage"), max_length=20, choices=InnovationStage.choices)
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, verbose_name=_("SDG goals"), related_name="innovations"
    )
    initiator_kind = models.CharField(
        _("initiator"), max_length=20, choices=InitiatorKind.choices, default=InitiatorKind.TEAM
    )
    initiator_name = models.CharField(
        _("initiator's name or team name"), max_length=200, blank=True
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
    # The year of the newest published edition in which one of its proposals was verified, or
    # None while it has no public entry: written by innovations.public_year whenever a proposal's
    # status or an edition's publication changes, so that the public registry (newest first) is a
    # range of an index rather than a sort of every innovation per request.
    public_year = models.PositiveSmallIntegerField(
        _("latest public edition"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")
        ordering = ["acronym", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "name"], name="innovation_name_unique_in_agency"
            ),
        ]
        indexes = [
            models.Index(fields=["acronym"], name="innovation_acronym_idx"),
            models.Index(
                F("public_year").desc(),
                "acronym",
                "name",
                "id",
                name="innovation_registry_idx",
                condition=Q(public_year__isnull=False),
            ),
        ]

    def __str__(self):
        return self.acronym or self.name

    def save(self, *args, **kwargs):
        # public_year is written only by innovations.public_year: saving an instance loaded
        # before it changed (an edit form, the admin) must not write back the old value.
        if self.pk is not None and not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "public_year"
            ]
        super().save(*args, **kwargs)

    @property
    def title(self):
        """How people know it: the acronym, with its expansion."""
        if self.expansion and self.acronym:
            return f"{self.acronym} ({self.expansion})"
        return self.acronym or self.name


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
