import json
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Rows that `migrate` itself writes: an installation holding only these is empty.
SEEDED_BY_MIGRATIONS = {
    "auth.group",
    "auth.permission",
    "contenttypes.contenttype",
    "innovations.sustainabledevelopmentgoal",
}


def rows_in_the_way(dump: list[dict]) -> list[str]:
    """The models of the backup that already hold rows here (other than migration data)."""
    labels = sorted({row["model"] for row in dump} - SEEDED_BY_MIGRATIONS)
    return [label for label in labels if apps.get_model(label).objects.exists()]


class Command(BaseCommand):
    help = "Restore a backup written by `backup` into an empty, migrated installation."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz file written by `backup`")

    def handle(self, *args, archive, **options):
        with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as scratch:
            members = {member.name: member for member in tar.getmembers()}
            if "database.json" not in members:
                raise CommandError("This file is not a KIKS backup: database.json is missing.")
            manifest = json.load(tar.extractfile(members["manifest.json"]))
            dump = Path(scratch) / "database.json"
            dump.write_bytes(tar.extractfile(members["database.json"]).read())
            in_the_way = rows_in_the_way(json.loads(dump.read_text()))
            if in_the_way:
                found = ", ".join(in_the_way)
                raise CommandError(
                    f"This installation already holds data ({found}). Restore only into an "
                    "empty, migrated database (python manage.py migrate on a new database)."
                )
            with transaction.atomic():
                # Groups created by migrate are replaced by the backup's (natural keys match).
                call_command("loaddata", str(dump), verbosity=0)
            restored = 0
            for name, member in members.items():
                path = PurePosixPath(name)
                if path.parts[0] != "media" or not member.isfile():
                    continue
                if ".." in path.parts or path.is_absolute():
                    raise CommandError(f"Unsafe path in the backup: {name}")
                relative = str(PurePosixPath(*path.parts[1:]))
                if default_storage.exists(relative):
                    default_storage.delete(relative)
                default_storage.save(relative, ContentFile(tar.extractfile(member).read()))
                restored += 1
        self.stdout.write(
            f"Restored {manifest['rows']} rows and {restored} media files from {archive}."
        )
