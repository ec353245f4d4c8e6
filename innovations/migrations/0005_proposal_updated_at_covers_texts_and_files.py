"""Bring Proposal.updated_at up to the newest edit of the proposal's texts and files.

From now on the services keep `Proposal.updated_at` as the proposal's last activity: saving the
texts always moved it, and uploading or removing a file now does too. The compliance board reads
it alone (instead of scanning every section answer and attachment of the edition), so older
proposals whose last text or upload is newer than their row are moved forward once here. Rows
already up to date are left alone; there is nothing to undo.
"""

from django.db import migrations
from django.db.models import Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def forwards(apps, schema_editor):
    Proposal = apps.get_model("innovations", "Proposal")
    SectionAnswer = apps.get_model("innovations", "SectionAnswer")
    Attachment = apps.get_model("innovations", "Attachment")

    def newest(model, field):
        return Subquery(
            model.objects.filter(proposal=OuterRef("pk"))
            .order_by()
            .values("proposal")
            .annotate(newest=Max(field))
            .values("newest")
        )

    newer_text = SectionAnswer.objects.filter(
        proposal=OuterRef("pk"), updated_at__gt=OuterRef("updated_at")
    )
    newer_file = Attachment.objects.filter(
        proposal=OuterRef("pk"), uploaded_at__gt=OuterRef("updated_at")
    )
    Proposal.objects.filter(Exists(newer_text) | Exists(newer_file)).update(
        updated_at=Greatest(
            "updated_at",
            Coalesce(newest(SectionAnswer, "updated_at"), "updated_at"),
            Coalesce(newest(Attachment, "uploaded_at"), "updated_at"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0004_withdrawn_draft_without_submitted_at"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
