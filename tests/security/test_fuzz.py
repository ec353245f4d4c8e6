"""No 500 from input: every URL of the project, as every actor, with hostile path values, query
parameters, bodies and headers. Each answer is 2xx, 3xx or 4xx, never 5xx; a 4xx is a message
page, not an empty body.

The walk is bounded and deterministic: every pattern gets a few hostile values per kwarg, sampled
with a seed derived from the pattern's name (the same values on every run), and each actor sends
a different sample of the query parameters and bodies. Each request runs in a savepoint that is
rolled back, so every request sees the scenario of tests/security/scenario.py.
"""

import copy
import logging
import random
import re
import zlib
from urllib.parse import quote, urlencode

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.security.expected import EXPECTED
from tests.security.matrix import accepts_post, kwarg_names, url_patterns
from tests.security.scenario import ACTORS, build_scenario
from tests.security.test_permission_matrix import resolve

pytestmark = pytest.mark.django_db

# --- hostile values ---------------------------------------------------------------------------

HOSTILE_PATH = (
    str(10**30),
    str(2**63),
    str(2**63 - 1),
    str(2**31),
    "9" * 400,
    "0",
    "-1",
    "00000000000000000001",
    "١٢٣",  # Arabic-Indic digits
    "²",
    "ünïcödé-ßlug",
    "日本語",
    "a" * 3000,
    "..%2F..%2Fetc%2Fpasswd",
    "../",
    "%00",
    "a%00b",
    "%ff%fe%fd",
    "%E2%80%AE",  # right-to-left override
    "%25",
    "1e5",
    "0x10",
    " 1",
    "null",
    "<script>",
)

NUMBERS = (str(10**30), str(2**63), "-1", "0", "1e309", "abc", "²", "١٢", "", "9" * 400)
DATES = ("2026-13-45", "99999-01-01", "2026-02-30")
VALUES = NUMBERS + DATES
# Every parameter a view reads (request.GET and the filter forms), and a few it might.
QUERY_KEYS = (
    "page", "others_page", "year", "edition", "edisi", "stage", "track", "status", "kind",
    "show", "judges", "q", "missing", "kategori", "jenis", "sdg", "digital", "hasil", "action",
    "object_type", "actor", "date_from", "date_to", "next", "per_page", "sort",
)  # fmt: skip
# Parameters that choose what the others apply to: valid in the rotations (a hostile page of a
# valid track reaches code a hostile track never does), hostile in the special queries.
ANCHORS = {"track": "track", "edition": "edition_slug", "edisi": "edition_slug"}


def _queries(values: dict) -> list[str]:
    """Hostile query strings. The rotations give each parameter every hostile value once (the
    anchors valid); the special cases follow."""
    anchors = {key: values[source] for key, source in ANCHORS.items()}
    rotations = [
        urlencode({key: anchors.get(key, VALUES[(turn + index) % len(VALUES)])
                   for index, key in enumerate(QUERY_KEYS)})
        for turn in range(len(VALUES))
    ]  # fmt: skip
    special = [
        urlencode({key: VALUES[index % len(VALUES)] for index, key in enumerate(QUERY_KEYS)}),
        urlencode([(key, value) for key in ("page", "edition", "track") for value in NUMBERS]),
        urlencode(dict.fromkeys(QUERY_KEYS[:8], "x" * 20000)),
        urlencode({f"p{number}": number for number in range(2000)}),  # too many fields
        "page=%00&track=%ff&status=%E2%80%AE&edition=..%2F&q=%00&date_from=%ff&&&===&=1",
    ]
    return rotations + special


def _bodies(rng: random.Random) -> list[dict]:
    """A sample of hostile POST bodies (the client's keyword arguments)."""
    junk_keys = ("title", "name", "summary", "score", "weight", "reason", "note", "username",
                 "password", "email", "agency", "judge", "proposal", "track", "action", "remove",
                 "submit", "decision", "confirm", "token", "language", "next",
                 "criteria-TOTAL_FORMS", "criteria-INITIAL_FORMS", "form-TOTAL_FORMS")  # fmt: skip
    candidates = [
        {"data": {key: rng.choice(NUMBERS) for key in junk_keys}},
        {"data": {key: ["1", "x", str(10**30)] for key in rng.sample(junk_keys, 8)}},
        {"data": dict.fromkeys(rng.sample(junk_keys, 4), "\x00" + "z" * 100000)},
        {"data": {key: rng.choice(DATES) for key in junk_keys}},
        {"data": {f"f{number}": "1" for number in range(2000)}},
        {"data": b"\xff\xfe\x00garbage", "content_type": "application/x-www-form-urlencoded"},
        {
            "data": b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n',
            "content_type": "multipart/form-data; boundary=x",
        },  # fmt: skip
        {"data": b"no boundary at all", "content_type": "multipart/form-data"},
        {"data": b'{"title": [1, 2, {"a": null}]}', "content_type": "application/json"},
        {
            "data": {
                "criteria-TOTAL_FORMS": str(10**30),
                "criteria-INITIAL_FORMS": "-5",
                "form-TOTAL_FORMS": "1e9",
                "action": "submit",
                "submit": "1",
            }
        },  # fmt: skip
    ]
    return rng.sample(candidates, 3)


# --- the walk ---------------------------------------------------------------------------------

KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def hostile_url(route: str, target: str, value: str, url: str, pattern) -> str:
    """The pattern's URL with kwarg `target` set to the raw `value` (already URL-safe or
    deliberately not), the other kwargs as in the valid `url`."""
    valid = dict(zip(kwarg_names(pattern), _valid_values(url, pattern), strict=True))

    def fill(match):
        name = match.group("name")
        return value if name == target else quote(str(valid[name]))

    if route.startswith("^") or "(?P<" in route:
        path = REGEX_GROUP.sub(fill, route).lstrip("^").rstrip("$").replace("\\", "")
    else:
        path = KWARG.sub(fill, route)
    return "/" + path


def _valid_values(url: str, pattern) -> list[str]:
    from django.urls import resolve as url_resolve

    match = url_resolve(url)
    return [match.kwargs[name] for name in kwarg_names(pattern)]


def seeded(name: str) -> random.Random:
    return random.Random(zlib.crc32(name.encode()))


class Tally:
    def __init__(self):
        self.requests = 0
        self.failures: list[str] = []
        self.values: set[str] = set()
        self.patterns: set[str] = set()


def send(tally: Tally, client: Client, label: str, method: str, url: str, **kwargs):
    """One request in a rolled-back savepoint; a 5xx, or a 4xx without a message, is recorded."""
    cookies = copy.deepcopy(client.cookies)  # a log-out or a language switch does not leak
    cache.clear()
    savepoint = transaction.savepoint()
    try:
        response = getattr(client, method)(url, **kwargs)
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies
    tally.requests += 1
    code = response.status_code
    if code >= 500:
        tally.failures.append(f"{code} {label}: {method.upper()} {url[:160]}")
    elif code >= 400 and not _message_page(response):
        tally.failures.append(f"{code} without a message {label}: {method.upper()} {url[:160]}")
    return response


def _message_page(response) -> bool:
    if getattr(response, "streaming", False):
        return True
    body = response.content.decode(errors="replace")
    return len(re.sub(r"<[^>]+>|\s+", "", body)) > 10


@pytest.fixture
def world():
    # Thousands of 4xx warnings and "too many fields" errors, unread here.
    loggers = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    scenario = build_scenario()
    clients = {}
    for actor in ACTORS:
        clients[actor] = Client(raise_request_exception=False)
        if scenario["users"][actor] is not None:
            clients[actor].force_login(scenario["users"][actor])
    yield scenario, clients
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def _takes_post(name, pattern) -> bool:
    takes = accepts_post(pattern)
    return takes if takes is not None else EXPECTED.get(name, (None, None))[1] is not None


def _report(capsys, what: str, tally: Tally):
    with capsys.disabled():
        print(
            f"\nfuzz {what}: {tally.requests} requests, {len(tally.values)} hostile values, "
            f"{len(tally.patterns)} URL patterns, {len(tally.failures)} failures"
        )


def test_hostile_path_values(world, settings, capsys):
    settings.DEBUG = False
    scenario, clients = world
    tally = Tally()
    for name, route, pattern in url_patterns():
        names = kwarg_names(pattern)
        url = resolve(name, pattern, scenario["values"])
        if not names or url is None:
            continue
        tally.patterns.add(name)
        rng = seeded(name)
        methods = ("get", "post") if _takes_post(name, pattern) else ("get",)
        for target in names:
            for value in rng.sample(HOSTILE_PATH, 3):
                tally.values.add(value)
                hostile = hostile_url(route, target, value, url, pattern)
                for index, actor in enumerate(ACTORS):
                    method = methods[index % len(methods)]
                    send(tally, clients[actor], f"{name} as {actor}", method, hostile)
    _report(capsys, "path values", tally)
    assert tally.failures == [], "\n" + "\n".join(tally.failures)


def test_hostile_query_parameters(world, settings, capsys):
    """Where actors reach the page (the permission matrix's 200s), they share every hostile
    query between them; the others get one each (their answer comes before the query matters)."""
    settings.DEBUG = False
    scenario, clients = world
    tally = Tally()
    queries = _queries(scenario["values"])
    tally.values.update(query[:80] for query in queries)
    for name, _route, pattern in url_patterns():
        url = resolve(name, pattern, scenario["values"])
        if url is None:
            continue
        tally.patterns.add(name)
        row = EXPECTED[name][0].split()
        reached = [actor for actor, code in zip(ACTORS, row, strict=True) if code == "200"]
        others = [actor for actor in ACTORS if actor not in reached]
        for index, query in enumerate(queries):
            if reached:
                actor = reached[index % len(reached)]
                send(tally, clients[actor], f"{name} as {actor}", "get", f"{url}?{query}")
        for index, actor in enumerate(others):
            query = queries[(zlib.crc32(name.encode()) + index) % len(queries)]
            send(tally, clients[actor], f"{name} as {actor}", "get", f"{url}?{query}")
    _report(capsys, "query parameters", tally)
    assert tally.failures == [], "\n" + "\n".join(tally.failures)


def test_hostile_bodies(world, settings, capsys):
    settings.DEBUG = False
    scenario, clients = world
    tally = Tally()
    for name, _route, pattern in url_patterns():
        url = resolve(name, pattern, scenario["values"])
        if url is None or not _takes_post(name, pattern):
            continue
        tally.patterns.add(name)
        rng = seeded(name)
        for actor in ACTORS:
            for body in _bodies(rng)[:2]:
                tally.values.add(repr(body)[:80])
                send(tally, clients[actor], f"{name} as {actor}", "post", url, **body)
    _report(capsys, "bodies", tally)
    assert tally.failures == [], "\n" + "\n".join(tally.failures)


# --- headers, log-in, CSRF --------------------------------------------------------------------

ODD_LANGUAGES = ("*;q=abc, xx-YY;q=2, ;;;", "a" * 10000, "id-ID;q=0.9,en;q=1e309", "\x00\xff")


def test_odd_accept_language_and_huge_cookies_are_no_error(world, settings):
    settings.DEBUG = False
    _scenario, clients = world
    tally = Tally()
    for actor in ("anon", "org"):
        for url in ("/", reverse("login"), reverse("dashboard"), reverse("public:registry")):
            for language in ODD_LANGUAGES:
                send(tally, clients[actor], actor, "get", url, HTTP_ACCEPT_LANGUAGE=language)
            cookie = f"kiks_language={'x' * 5000}; junk={'y' * 60000}; csrftoken=%00%ff"
            send(tally, clients[actor], actor, "get", url, HTTP_COOKIE=cookie)
    assert tally.requests == 40
    assert tally.failures == []


@pytest.mark.parametrize("host", ["evil.example", "[::1", "a" * 300, "kiks.example:99999"])
def test_an_odd_host_is_a_400_page(host, settings):
    settings.DEBUG = False
    logging.getLogger("django.security.DisallowedHost").setLevel(logging.CRITICAL)
    response = Client(raise_request_exception=False).get("/", HTTP_HOST=host)

    assert response.status_code == 400
    assert "<h1>Permintaan tidak valid</h1>" in response.content.decode()  # "Bad request"


def test_too_many_fields_is_a_400_page_that_says_so(settings):
    settings.DEBUG = False
    logging.getLogger("django.security.TooManyFieldsSent").setLevel(logging.CRITICAL)
    client = Client(raise_request_exception=False)
    client.cookies["kiks_language"] = "en"
    query = urlencode({f"p{number}": number for number in range(2000)})

    for response in (
        client.get(f"{reverse('public:registry')}?{query}"),
        client.post(reverse("login"), {f"f{number}": "1" for number in range(2000)}),
    ):
        assert response.status_code == 400
        assert "too many fields" in response.content.decode()


def test_a_get_of_a_post_only_address_is_a_405_page_with_allow(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies["kiks_language"] = "en"

    response = client.get(reverse("logout"))

    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert "does not accept that kind of request" in response.content.decode()


def test_a_bad_csrf_token_is_a_403_page(settings):
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get(reverse("login"))

    response = client.post(
        reverse("login"), {"username": "x", "password": "y", "csrfmiddlewaretoken": "salah" * 8}
    )

    assert response.status_code == 403
    assert "CSRF" in response.content.decode()


def test_a_megabyte_username_is_refused_without_an_error(settings):
    from axes.models import AccessAttempt

    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    response = client.post(reverse("login"), {"username": "a" * 1_000_000, "password": "x"})

    assert response.status_code == 200
    assert [error.code for error in response.context["form"].errors.as_data()["username"]] == [
        "max_length"
    ]
    assert AccessAttempt.objects.filter(username__startswith="aaa").count() <= 1
    assert all(
        len(name) <= 150 for name in AccessAttempt.objects.values_list("username", flat=True)
    )


# --- ids in paths -----------------------------------------------------------------------------


def test_every_id_in_a_path_uses_the_bounded_converter():
    from django.urls.converters import IntConverter

    from common.converters import IdConverter

    kinds = {}
    for name, _route, pattern in url_patterns():
        for kwarg, converter in getattr(pattern.pattern, "converters", {}).items():
            kinds.setdefault(type(converter).__name__, set()).add(f"{name}:{kwarg}")
            assert not isinstance(converter, IntConverter), f"{name}: <int:{kwarg}>, use <id:>"
    assert len(kinds[IdConverter.__name__]) >= 30


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/usulan/9223372036854775807/", {"pk": 2**63 - 1}),
        ("/usulan/9223372036854775808/", None),
        (f"/usulan/{10**30}/", None),
        ("/penilaian/1/usulan/99999999999999999999/", None),
    ],
)
def test_an_id_beyond_any_column_does_not_resolve(path, kwargs):
    from django.urls import Resolver404
    from django.urls import resolve as url_resolve

    if kwargs is None:
        with pytest.raises(Resolver404):
            url_resolve(path)
    else:
        assert url_resolve(path).kwargs == kwargs
