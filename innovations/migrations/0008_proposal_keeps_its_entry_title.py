from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_innovations(apps, schema_editor):
    """Every existing proposal keeps the innovation's identity as it is now."""
    Proposal = apps.get_model("innovations", "Proposal")
    Innovation = apps.get_model("innovations", "Innovation")
    own = Innovation.objects.filter(pk=OuterRef("innovation_id"))
    Proposal.objects.update(
        innovation_name=Subquery(own.values("name")[:1]),
        innovation_acronym=Subquery(own.values("acronym")[:1]),
        innovation_expansion=Subquery(own.values("expansion")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0007_edition_cap_counts_units"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="innovation_name",
            field=models.CharField(
                default="", max_length=200, verbose_name="innovation name in this edition"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="proposal",
            name="innovation_acronym",
            field=models.CharField(
                default="", max_length=40, verbose_name="acronym in this edition"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="proposal",
            name="innovation_expansion",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="acronym expansion in this edition"
            ),
        ),
        migrations.RunPython(copy_from_innovations, migrations.RunPython.noop),
    ]
