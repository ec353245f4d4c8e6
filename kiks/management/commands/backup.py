import io
import json
import tarfile
import time
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Sessions, permissions and content types are rebuilt by migrate; copying them would clash.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def walk_storage(storage, path=""):
    """Every file name under `path` in a storage, recursively."""
    directories, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from walk_storage(storage, f"{path}/{directory}" if path else directory)


class Command(BaseCommand):
    help = (
        "Write a backup of the whole portal (database rows as JSON and every media file) to one "
        ".tar.gz file, which `restore` loads into an empty installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", help="the .tar.gz file to write")

    def handle(self, *args, output, **options):
        started = time.monotonic()
        data = io.StringIO()
        call_command(
            "dumpdata",
            natural_foreign=True,
            natural_primary=True,
            exclude=EXCLUDED,
            stdout=data,
        )
        payload = data.getvalue().encode()
        media_count = 0
        with tarfile.open(output, "w:gz") as archive:
            info = tarfile.TarInfo("database.json")
            info.size = len(payload)
            archive.addfile(info, io.BytesIO(payload))
            try:
                names = list(walk_storage(default_storage))
            except FileNotFoundError:
                names = []
            for name in names:
                with default_storage.open(name, "rb") as handle:
                    content = handle.read()
                info = tarfile.TarInfo(f"media/{name}")
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
                media_count += 1
            manifest = json.dumps({"rows": len(json.loads(payload)), "media_files": media_count})
            info = tarfile.TarInfo("manifest.json")
            info.size = len(manifest)
            archive.addfile(info, io.BytesIO(manifest.encode()))
        self.stdout.write(
            f"Backup written to {Path(output).resolve()}: {manifest} "
            f"in {time.monotonic() - started:.1f} s"
        )
