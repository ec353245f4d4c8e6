"""Every URL of the project, for every actor, GET and (where the view takes it) POST, against
the table in expected.py. A URL missing from the table fails; a denied request writes nothing;
no response body, page, export or JSON, holds data its reader must not see (MAY_SEE)."""

import logging

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.expected import (
    EXPECTED,
    KWARGS,
    MAY_SEE,
    MUST_BE_SEEN,
    OTHER_OBJECTS,
    OVERRIDES,
)
from tests.security.matrix import (
    accepts_post,
    fingerprint,
    kwarg_names,
    request_as,
    url_patterns,
)
from tests.security.scenario import ACTORS, SENTINELS, build_scenario

pytestmark = pytest.mark.django_db


def _cases():
    """(name, route, pattern, None) for every URL, then (..., overrides) for the rows of
    OTHER_OBJECTS: the same URL on another object of the scenario (e.g. agency B's draft)."""
    patterns = {}
    for name, route, pattern in url_patterns():
        patterns[name] = (route, pattern)
        yield name, route, pattern, None
    for name, overrides in OTHER_OBJECTS:
        yield name, *patterns[name], overrides


def resolve(name, pattern, values, overrides=None) -> str | None:
    """The URL with its kwargs filled from the scenario; None when a kwarg is unknown."""
    kwargs = {}
    extra = dict(overrides or ())
    for kwarg in kwarg_names(pattern):
        source = extra.get(kwarg) or OVERRIDES.get(name, {}).get(kwarg) or KWARGS.get(kwarg)
        if source is None or source not in values:
            return None
        kwargs[kwarg] = values[source]
    return reverse(name, kwargs=kwargs)


def _row(codes) -> str:
    return " ".join(f"{code:<6}" for code in codes).rstrip()


def test_every_url_is_in_the_table_and_only_those():
    names = [name for name, _route, _pattern in url_patterns()]

    assert sorted(set(names) - set(EXPECTED)) == [], "URLs missing from tests/security/expected.py"
    assert sorted(set(EXPECTED) - set(names)) == [], "rows for URLs that no longer exist"
    assert len(names) == len(set(names)), "two URL patterns share a name"


def test_post_rows_match_the_views():
    """A POST row exactly where the class-based view has post()."""
    wrong = []
    for name, _route, pattern in url_patterns():
        takes_post = accepts_post(pattern)
        if (
            name in EXPECTED
            and takes_post is not None
            and takes_post != (EXPECTED[name][1] is not None)
        ):
            wrong.append(name)
    assert wrong == []


def test_permission_matrix(capsys):
    # 403 and 404 are logged as warnings with their traceback: thousands of them, unread here.
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        _walk(capsys)
    finally:
        logger.setLevel(level)


class Findings:
    """What the walk collects: rows that differ from the table, writes of denied requests, data
    shown to those who must not see it, and who saw each sentinel."""

    def __init__(self):
        self.mismatches, self.writes, self.leaks, self.cases = [], [], [], 0
        self.seen_by = {name: set() for name in SENTINELS}

    def saw(self, label, actor, code, seen):
        for sentinel in seen:
            self.seen_by[sentinel].add(actor)
            if actor not in MAY_SEE[sentinel]:
                self.leaks.append(f"{label} as {actor} ({code}) shows {sentinel}")


def _walk_row(clients, found, baseline, *, name, method, url, row):
    """One URL and method for every actor, inside a savepoint rolled back afterwards."""
    label = f"{method.upper()} {name}"
    observed = []
    row_savepoint = transaction.savepoint()
    for actor in ACTORS:
        code, wrote, seen = request_as(clients[actor], method, url, SENTINELS)
        found.cases += 1
        found.saw(label, actor, code, seen)
        observed.append(code)
        if wrote:
            found.writes.append(f"{label} as {actor} ({code}) wrote: {wrote}")
    # Denied requests of the row were kept: every row must still be the scenario's.
    if method == "post" and fingerprint() != baseline:
        found.writes.append(f"POST {name}: a denied request changed the database")
    transaction.savepoint_rollback(row_savepoint)
    if row is None or row.split() != observed:
        found.mismatches.append(
            f"{name} {method.upper()} {url}\n  expected: {row}\n  observed: {_row(observed)}"
        )


def _walk(capsys):
    scenario = build_scenario()
    clients = {}
    for actor in ACTORS:
        clients[actor] = Client()
        if scenario["users"][actor] is not None:
            clients[actor].force_login(scenario["users"][actor])
    baseline = fingerprint()

    found = Findings()
    for name, _route, pattern, overrides in _cases():
        url = resolve(name, pattern, scenario["values"], overrides)
        if url is None:
            found.mismatches.append(
                f"{name}: kwargs {kwarg_names(pattern)} cannot be filled: add them to KWARGS /"
                " OVERRIDES in tests/security/expected.py (and the scenario)"
            )
            continue
        if overrides is None:
            get_row, post_row = EXPECTED.get(name, (None, None))
        else:
            get_row, post_row = OTHER_OBJECTS[(name, overrides)]
        for method, row in (("get", get_row), ("post", post_row)):
            if method == "post" and row is None and (name in EXPECTED or overrides):
                continue
            _walk_row(clients, found, baseline, name=name, method=method, url=url, row=row)

    with capsys.disabled():
        print(f"\npermission matrix: {found.cases} URL x actor x method cases")
    assert found.leaks == [], "\n" + "\n".join(found.leaks)
    assert found.writes == []
    assert found.mismatches == [], "\n" + "\n".join(found.mismatches)
    # The sentinels are really there and shown to those who may read them: the test can fail.
    shown = {name: actors & MUST_BE_SEEN[name] for name, actors in found.seen_by.items()}
    assert shown == MUST_BE_SEEN
