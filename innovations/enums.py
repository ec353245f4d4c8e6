from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Proposals that count towards the obligation and the per-agency cap: handed in, not refused.
COUNTED_STATUSES = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.CHANGES_REQUESTED,
    ProposalStatus.VERIFIED,
)


class InnovationForm(models.TextChoices):
    GOVERNANCE = "tata_kelola", _("Governance (tata kelola pemerintahan)")
    PUBLIC_SERVICE = "pelayanan_publik", _("Public service (pelayanan publik)")
    OTHER = "lainnya", _("Other (lainnya)")


class InnovationStage(models.TextChoices):
    INITIATIVE = "inisiatif", _("Initiative (inisiatif)")
    TRIAL = "uji_coba", _("Trial (uji coba)")
    IMPLEMENTATION = "penerapan", _("Implementation (penerapan)")


class InitiatorKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team")


class AttachmentKind(models.TextChoices):
    SK_LETTER = "sk_letter", _("Initiator's decree letter (SK, PDF)")
    PHOTO = "photo", _("Photo")
    DOCUMENT = "document", _("Supporting document (PDF)")
    PRESENTATION = "presentation", _("Presentation (PDF)")


class SDG(models.IntegerChoices):
    NO_POVERTY = 1, _("1. No poverty")
    ZERO_HUNGER = 2, _("2. Zero hunger")
    GOOD_HEALTH = 3, _("3. Good health and well-being")
    QUALITY_EDUCATION = 4, _("4. Quality education")
    GENDER_EQUALITY = 5, _("5. Gender equality")
    CLEAN_WATER = 6, _("6. Clean water and sanitation")
    CLEAN_ENERGY = 7, _("7. Affordable and clean energy")
    DECENT_WORK = 8, _("8. Decent work and economic growth")
    INDUSTRY = 9, _("9. Industry, innovation and infrastructure")
    REDUCED_INEQUALITIES = 10, _("10. Reduced inequalities")
    SUSTAINABLE_CITIES = 11, _("11. Sustainable cities and communities")
    RESPONSIBLE_CONSUMPTION = 12, _("12. Responsible consumption and production")
    CLIMATE_ACTION = 13, _("13. Climate action")
    LIFE_BELOW_WATER = 14, _("14. Life below water")
    LIFE_ON_LAND = 15, _("15. Life on land")
    PEACE_JUSTICE = 16, _("16. Peace, justice and strong institutions")
    PARTNERSHIPS = 17, _("17. Partnerships for the goals")
