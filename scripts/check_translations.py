"""Fail when a user-facing string lacks a translation or the compiled catalogues are stale.

Runs makemessages into a scratch copy of the catalogues, so the working tree is left as it is.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["id", "en"]


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch_locale = Path(scratch) / "locale"
        shutil.copytree(ROOT / "locale", scratch_locale)
        env = dict(os.environ, DEBUG="true", KIKS_LOCALE_DIR=str(scratch_locale))
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "makemessages",
                "--no-obsolete",
                "--ignore=.venv",
                "--ignore=static/vendor",
                "--ignore=tests",
                "--ignore=scripts",
                "--ignore=locale",
                *[f"-l{code}" for code in LANGUAGES],
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        for code in LANGUAGES:
            fresh = polib.pofile(str(scratch_locale / code / "LC_MESSAGES" / "django.po"))
            committed_mo = polib.mofile(str(ROOT / "locale" / code / "LC_MESSAGES" / "django.mo"))
            compiled = {(e.msgctxt, e.msgid) for e in committed_mo}
            for entry in fresh:
                if entry.obsolete:
                    continue
                if "fuzzy" in entry.flags or not entry.translated():
                    problems.append(f"{code}: untranslated: {entry.msgid!r}")
                elif (entry.msgctxt, entry.msgid) not in compiled:
                    problems.append(f"{code}: not compiled (run make messages): {entry.msgid!r}")
    for problem in problems:
        print(problem)
    print(f"translation check: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
