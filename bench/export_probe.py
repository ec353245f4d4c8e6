"""Time one export of the scale edition and report the process's peak memory (bench/run.py).

python bench/export_probe.py <N> <csv|xlsx>
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kiks.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402


def main(n: int, fmt: str) -> dict:
    client = Client(REMOTE_ADDR="127.0.0.1")
    organiser = get_user_model().objects.get(username=f"s{n}-organiser")
    password = os.environ.get("BENCH_PASSWORD", "kiks-scale-2026")
    client.post(reverse("login"), {"username": organiser.username, "password": password})
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    response = client.get(reverse("innovations:export_proposals", args=[f"skala-{n}", fmt]))
    size = sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "format": fmt,
        "status": response.status_code,
        "seconds": round(seconds, 2),
        "bytes": size,
        "peak_mb": round(peak / 1024, 1),
        "startup_mb": round(before / 1024, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), sys.argv[2])))
