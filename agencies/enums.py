from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Secretariat")
    INSPEKTORAT = "inspektorat", _("Inspectorate")
    BADAN = "badan", _("Agency (badan)")
    DINAS = "dinas", _("Service (dinas)")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    KELURAHAN = "kelurahan", _("Sub-district (kelurahan)")
    PUSKESMAS = "puskesmas", _("Community health centre (puskesmas)")
    RSUD = "rsud", _("City hospital (RSUD)")
    UPTD = "uptd", _("Technical unit (UPTD)")
    PERUMDA = "perumda", _("City-owned company (Perumda)")
    OTHER = "other", _("Other")


class MembershipRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    HEAD = "head", _("Head of agency")
    MEMBER = "member", _("Staff member")


class Role(models.TextChoices):
    """Site-wide roles. Each is a Django group of the same name, created by a migration."""

    OPERATOR = "operator", _("Agency operator")
    ORGANISER = "organiser", _("Organiser (Bagian Organisasi)")
    JUDGE = "judge", _("Judge")
    LEADERSHIP = "leadership", _("Leadership")
