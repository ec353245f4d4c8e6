"""Every URL of the project, for every actor, GET and (where the view takes it) POST, against
the table in expected.py. A URL missing from the table fails; a denied request writes nothing."""

import logging

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.expected import EXPECTED, KWARGS, OVERRIDES
from tests.security.matrix import (
    accepts_post,
    fingerprint,
    kwarg_names,
    request_as,
    url_patterns,
)
from tests.security.scenario import ACTORS, build_scenario

pytestmark = pytest.mark.django_db


def resolve(name, pattern, values) -> str | None:
    """The URL with its kwargs filled from the scenario; None when a kwarg is unknown."""
    kwargs = {}
    for kwarg in kwarg_names(pattern):
        source = OVERRIDES.get(name, {}).get(kwarg) or KWARGS.get(kwarg)
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


def _walk(capsys):
    scenario = build_scenario()
    clients = {}
    for actor in ACTORS:
        clients[actor] = Client()
        if scenario["users"][actor] is not None:
            clients[actor].force_login(scenario["users"][actor])
    baseline = fingerprint()

    mismatches, writes, cases = [], [], 0
    for name, _route, pattern in url_patterns():
        url = resolve(name, pattern, scenario["values"])
        if url is None:
            mismatches.append(
                f"{name}: kwargs {kwarg_names(pattern)} cannot be filled: add them to KWARGS /"
                " OVERRIDES in tests/security/expected.py (and the scenario)"
            )
            continue
        get_row, post_row = EXPECTED.get(name, (None, None))
        for method, row in (("get", get_row), ("post", post_row)):
            if method == "post" and row is None and name in EXPECTED:
                continue
            observed = []
            row_savepoint = transaction.savepoint()
            for actor in ACTORS:
                code, wrote = request_as(clients[actor], method, url)
                cases += 1
                observed.append(code)
                if wrote:
                    writes.append(f"{method.upper()} {name} as {actor} ({code}) wrote: {wrote}")
            # Denied requests of the row were kept: every row must still be the scenario's.
            if method == "post" and fingerprint() != baseline:
                writes.append(f"POST {name}: a denied request changed the database")
            transaction.savepoint_rollback(row_savepoint)
            if row is None or row.split() != observed:
                mismatches.append(
                    f"{name} {method.upper()} {url}\n  expected: {row}\n"
                    f"  observed: {_row(observed)}"
                )

    with capsys.disabled():
        print(f"\npermission matrix: {cases} URL x actor x method cases")
    assert writes == []
    assert mismatches == [], "\n" + "\n".join(mismatches)
