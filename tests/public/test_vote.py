import csv
import io
import re
import time
import types
from datetime import timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from judging.models import StageResult
from public.models import FavouriteVote
from public.services import VoteError, confirm_vote, request_vote, voter_hash
from tests.factories import (
    make_agency,
    make_confirmed_shortlist,
    make_edition,
    make_innovation,
    make_operator,
    make_organiser,
    make_public_entry,
    make_track,
    make_vote_window,
)
from tests.public.utils import html

pytestmark = pytest.mark.django_db

EMAIL = "Warga.Sukabumi@Example.test"


@pytest.fixture
def ballot():
    """A published edition with a favourite vote open now, two tracks with a confirmed shortlist,
    and one verified entry that was not shortlisted."""
    edition = make_edition(open_now=False, is_published=True, name="KIKS Favorit", slug="favorit")
    umum = make_track(edition, "Umum", slug="umum")
    perumda = make_track(edition, "Perumda", slug="perumda", order=2, winner_count=1)
    agency = make_agency("Dinas Sosial", slug="dinsos")

    def entry(track, acronym):
        return make_public_entry(
            edition, track=track, innovation=make_innovation(agency, acronym=acronym)
        )

    items = {
        "udunan": entry(umum, "Udunan"),
        "cendol": entry(umum, "Cendol"),
        "tirta": entry(perumda, "Tirta"),
        "lain": entry(umum, "Lain"),
    }
    make_confirmed_shortlist(umum, [items["udunan"], items["cendol"]])
    make_confirmed_shortlist(perumda, [items["tirta"]])
    items["window"] = make_vote_window(edition)
    items["edition"] = edition
    return items


@pytest.fixture
def post_vote(client, django_capture_on_commit_callbacks):
    """Post one track's ballot as the browser does; mail goes out as after a commit."""

    def post(proposal, email=EMAIL, **extra):
        url = reverse(
            "public:vote_request",
            kwargs={"slug": proposal.edition.slug, "track": proposal.track.slug},
        )
        prefix = f"track-{proposal.track_id}"
        data = {f"{prefix}-proposal": str(proposal.pk), f"{prefix}-email": email}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return post


def _link(mail) -> str:
    return re.search(r"https?://testserver(/favorit/konfirmasi/[^/\s]+/)", mail.body).group(1)


def _confirmed(proposal) -> int:
    return FavouriteVote.objects.filter(proposal=proposal, confirmed_at__isnull=False).count()


def test_vote_page_offers_the_shortlist_of_each_track(client, ballot):
    response = client.get(reverse("public:vote", kwargs={"slug": "favorit"}))
    offered = [
        (form.entry.track.name, [p.innovation.acronym for p in form.entry.entries])
        for form in response.context["forms"]
    ]
    assert offered == [("Umum", ["Cendol", "Udunan"]), ("Perumda", ["Tirta"])]
    assert "Lain" not in html(response)


def test_a_vote_counts_once_confirmed(post_vote, client, ballot, mailoutbox):
    response = post_vote(ballot["udunan"])
    assert (response.status_code, response["Location"]) == (302, "/favorit/favorit/")
    assert _confirmed(ballot["udunan"]) == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    assert mailoutbox[0].subject == "Confirm your favourite vote for Udunan"

    link = _link(mailoutbox[0])
    shown = client.get(link)  # mail scanners open links: showing does not confirm
    assert shown.status_code == 200
    assert "Confirm my vote" in html(shown)
    assert _confirmed(ballot["udunan"]) == 0

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert "your vote for Udunan in Umum counts" in html(confirmed)
    assert _confirmed(ballot["udunan"]) == 1


def test_the_address_is_not_stored_only_its_keyed_hash(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"])
    vote = FavouriteVote.objects.get()
    stored = [str(getattr(vote, f.attname)) for f in FavouriteVote._meta.concrete_fields]
    assert not any("sukabumi" in value.lower() for value in stored)
    assert vote.voter_hash == voter_hash("warga.sukabumi@example.test")
    assert len(vote.voter_hash) == 64


def test_voter_hash_is_keyed_by_the_secret_key(settings):
    before = voter_hash(EMAIL)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789-abcdefghij"
    assert voter_hash(EMAIL) != before


def test_confirming_twice_changes_nothing(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"])
    link = _link(mailoutbox[0])
    client.post(link)
    first = FavouriteVote.objects.get().confirmed_at
    again = client.post(link)
    assert again.status_code == 200
    assert FavouriteVote.objects.get().confirmed_at == first
    assert _confirmed(ballot["udunan"]) == 1


def test_second_vote_of_an_address_in_a_track_is_refused_by_mail(
    post_vote, client, ballot, mailoutbox
):
    post_vote(ballot["udunan"])
    client.post(_link(mailoutbox[0]))
    response = post_vote(ballot["cendol"], email="warga.sukabumi@example.TEST")
    # The page answers as always (it never tells whether an address has voted); the mail says so.
    assert (response.status_code, response["Location"]) == (302, "/favorit/favorit/")
    assert mailoutbox[1].subject == "You have already voted in Umum"
    assert "/favorit/konfirmasi/" not in mailoutbox[1].body
    assert (_confirmed(ballot["udunan"]), _confirmed(ballot["cendol"])) == (1, 0)
    assert FavouriteVote.objects.count() == 1


@pytest.mark.parametrize(
    "variant",
    [
        "WARGA.SUKABUMI@EXAMPLE.TEST",  # case
        "  warga.sukabumi+favorit@example.test ",  # +tag and spaces
        "Warga.Sukabumi+kiks2027@Example.Test",
    ],
)
def test_variants_of_one_mailbox_are_one_voter(post_vote, client, ballot, mailoutbox, variant):
    post_vote(ballot["udunan"])
    client.post(_link(mailoutbox[0]))
    post_vote(ballot["cendol"], email=variant)

    assert mailoutbox[1].subject == "You have already voted in Umum"
    assert (_confirmed(ballot["udunan"]), _confirmed(ballot["cendol"])) == (1, 0)


def test_gmail_ignores_dots_and_has_two_names(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"], email="ani.susanti@gmail.com")
    client.post(_link(mailoutbox[0]))
    post_vote(ballot["cendol"], email="AniSusanti+lagi@googlemail.com")
    post_vote(ballot["cendol"], email="a.n.i.susanti@gmail.com")

    assert [m.subject for m in mailoutbox[1:]] == ["You have already voted in Umum"] * 2
    assert _confirmed(ballot["cendol"]) == 0


def test_dots_count_where_the_provider_keeps_them(post_vote, client, ballot, mailoutbox):
    """Outside Gmail "ani.s@" and "anis@" are two mailboxes, so two voters."""
    post_vote(ballot["udunan"], email="ani.s@example.test")
    client.post(_link(mailoutbox[0]))
    post_vote(ballot["cendol"], email="anis@example.test")
    client.post(_link(mailoutbox[1]))

    assert (_confirmed(ballot["udunan"]), _confirmed(ballot["cendol"])) == (1, 1)


@pytest.mark.parametrize(
    "raw, normal",
    [
        ("Ani.Susanti+kiks@GoogleMail.com", "anisusanti@gmail.com"),
        (" budi+x+y@dinas.sukabumikota.go.id", "budi@dinas.sukabumikota.go.id"),
        ("+tag@example.test", "+tag@example.test"),  # nothing before the tag: kept as typed
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_normalised_address(raw, normal):
    from public.services import normalise_email

    assert normalise_email(raw) == normal
    assert voter_hash(raw) == voter_hash(normal)


def test_only_the_first_of_two_pending_votes_of_an_address_counts(
    post_vote, client, ballot, mailoutbox
):
    post_vote(ballot["udunan"])
    post_vote(ballot["cendol"])
    first, second = _link(mailoutbox[0]), _link(mailoutbox[1])
    client.post(second)
    refused = client.post(first)
    assert refused.status_code == 400
    assert "no longer valid" in html(refused)
    assert (_confirmed(ballot["udunan"]), _confirmed(ballot["cendol"])) == (0, 1)
    assert FavouriteVote.objects.count() == 1


def test_one_address_votes_once_in_each_track(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"])
    post_vote(ballot["tirta"])
    for mail in mailoutbox:
        client.post(_link(mail))
    assert (_confirmed(ballot["udunan"]), _confirmed(ballot["tirta"])) == (1, 1)


def test_database_allows_one_confirmed_vote_per_address_and_track(ballot):
    now = timezone.now()
    fingerprint = voter_hash(EMAIL)
    FavouriteVote.objects.create(
        track=ballot["udunan"].track,
        proposal=ballot["udunan"],
        voter_hash=fingerprint,
        created_at=now,
        confirmed_at=now,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        FavouriteVote.objects.create(
            track=ballot["udunan"].track,
            proposal=ballot["cendol"],
            voter_hash=fingerprint,
            created_at=now,
            confirmed_at=now,
        )


def test_expired_link_is_refused(post_vote, client, ballot, mailoutbox, monkeypatch):
    post_vote(ballot["udunan"])
    link = _link(mailoutbox[0])
    later = time.time() + (48 * 3600 + 1)  # links last KIKS_VOTE_CONFIRM_HOURS (48) hours
    monkeypatch.setattr(signing, "time", types.SimpleNamespace(time=lambda: later))
    response = client.post(link)
    assert response.status_code == 400
    assert "This confirmation link has expired." in html(response)
    assert _confirmed(ballot["udunan"]) == 0


def test_tampered_link_is_refused(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"])
    vote = FavouriteVote.objects.get()
    link = _link(mailoutbox[0]).replace(f"/{vote.pk}:", f"/{vote.pk + 1}:")
    response = client.post(link)
    assert response.status_code == 400
    assert "This confirmation link is not valid." in html(response)


def test_vote_after_the_window_closed_is_refused(post_vote, client, ballot, mailoutbox):
    window = ballot["window"]
    window.closes_at = timezone.now() - timedelta(minutes=1)
    window.opens_at = window.closes_at - timedelta(days=1)
    window.save()
    response = post_vote(ballot["udunan"])
    assert response.status_code == 200
    assert "The favourite vote has closed." in html(response)
    assert (FavouriteVote.objects.count(), len(mailoutbox)) == (0, 0)


def test_confirmation_after_the_window_closed_does_not_count(post_vote, client, ballot, mailoutbox):
    post_vote(ballot["udunan"])
    with pytest.raises(VoteError, match="The favourite vote has closed."):
        confirm_vote(
            _link(mailoutbox[0]).split("/")[-2], now=ballot["window"].closes_at + timedelta(1)
        )
    assert _confirmed(ballot["udunan"]) == 0


def test_vote_page_of_an_edition_without_vote_is_not_found(post_vote, client, ballot):
    ballot["window"].enabled = False
    ballot["window"].save()
    assert client.get(reverse("public:vote", kwargs={"slug": "favorit"})).status_code == 404
    assert post_vote(ballot["udunan"]).status_code == 404


def test_innovation_not_on_the_shortlist_cannot_be_chosen(client, ballot, mailoutbox):
    response = client.post(
        reverse("public:vote_request", kwargs={"slug": "favorit", "track": "umum"}),
        {
            f"track-{ballot['lain'].track_id}-proposal": str(ballot["lain"].pk),
            f"track-{ballot['lain'].track_id}-email": EMAIL,
        },
    )
    assert response.status_code == 200
    assert response.context["forms"][0].errors["proposal"] == [
        f"Select a valid choice. {ballot['lain'].pk} is not one of the available choices."
    ]
    assert (FavouriteVote.objects.count(), len(mailoutbox)) == (0, 0)


def test_service_refuses_an_innovation_not_on_the_shortlist(ballot):
    with pytest.raises(VoteError, match="not on the favourite vote's list"):
        request_vote(ballot["lain"], email=EMAIL, site_url="http://testserver/")
    assert FavouriteVote.objects.count() == 0


def test_invalid_email_is_refused_and_the_choice_kept(post_vote, client, ballot, mailoutbox):
    response = post_vote(ballot["udunan"], email="bukan-alamat")
    form = response.context["forms"][0]
    assert form.errors["email"] == ["Enter a valid email address."]
    assert f'value="{ballot["udunan"].pk}" checked' in html(response)
    assert (FavouriteVote.objects.count(), len(mailoutbox)) == (0, 0)


def test_vote_requests_are_throttled_per_address(post_vote, client, ballot, mailoutbox, settings):
    settings.KIKS_VOTE_REQUESTS_PER_HOUR = 2
    assert post_vote(ballot["udunan"], email="a@example.test").status_code == 302
    assert post_vote(ballot["udunan"], email="b@example.test").status_code == 302
    refused = post_vote(ballot["udunan"], email="c@example.test")
    assert refused.status_code == 429
    page = html(refused)
    assert "Too many vote requests from your network." in page
    assert 'value="c@example.test"' in page  # what the visitor typed is kept
    assert (FavouriteVote.objects.count(), len(mailoutbox)) == (2, 2)
    other = post_vote(ballot["udunan"], email="d@example.test", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_forwarded_header_is_ignored_unless_behind_the_proxy(post_vote, client, ballot, settings):
    settings.KIKS_VOTE_REQUESTS_PER_HOUR = 1
    post_vote(ballot["udunan"], email="a@example.test", HTTP_X_FORWARDED_FOR="1.1.1.1")
    spoofed = post_vote(ballot["udunan"], email="b@example.test", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert spoofed.status_code == 429


def test_behind_the_proxy_the_address_it_saw_is_throttled(post_vote, client, ballot, settings):
    settings.KIKS_VOTE_REQUESTS_PER_HOUR = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    post_vote(ballot["udunan"], email="a@example.test", HTTP_X_FORWARDED_FOR="9.9.9.9, 1.1.1.1")
    again = post_vote(
        ballot["udunan"], email="b@example.test", HTTP_X_FORWARDED_FOR="8.8.8.8, 1.1.1.1"
    )
    other = post_vote(ballot["udunan"], email="c@example.test", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert (again.status_code, other.status_code) == (429, 302)


def test_favourite_votes_never_touch_the_jury_results(post_vote, client, ballot, mailoutbox):
    def jury():
        return list(
            StageResult.objects.order_by("pk").values_list(
                "proposal_id", "mean", "median", "rank", "decision", "normalised"
            )
        )

    before = jury()
    for n in range(3):
        post_vote(ballot["udunan"], email=f"warga{n}@example.test")
    for mail in mailoutbox:
        client.post(_link(mail))
    assert _confirmed(ballot["udunan"]) == 3
    assert jury() == before


# --- Organiser: counts and export --------------------------------------------------------------


def _cast(client, post_vote, mailoutbox, proposal, count):
    for n in range(count):
        post_vote(proposal, email=f"{proposal.pk}-{n}@example.test")
    for mail in mailoutbox:
        client.post(_link(mail))
    mailoutbox.clear()


def test_organiser_sees_the_counts(post_vote, client, ballot, mailoutbox):
    _cast(client, post_vote, mailoutbox, ballot["udunan"], 2)
    _cast(client, post_vote, mailoutbox, ballot["tirta"], 1)
    post_vote(ballot["cendol"], email="pending@example.test")  # never confirmed
    client.force_login(make_organiser())
    response = client.get(reverse("public:vote_counts"))
    rows = [
        (row.proposal.track.name, row.proposal.innovation.acronym, row.confirmed, row.pending)
        for row in response.context["rows"]
    ]
    assert rows == [("Umum", "Udunan", 2, 0), ("Umum", "Cendol", 0, 1), ("Perumda", "Tirta", 1, 0)]


def test_organiser_exports_the_counts_as_csv(post_vote, client, ballot, mailoutbox):
    _cast(client, post_vote, mailoutbox, ballot["udunan"], 2)
    client.force_login(make_organiser())
    response = client.get(reverse("public:vote_export", kwargs={"slug": "favorit"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row[:3] + row[4:] for row in rows[1:]] == [
        ["KIKS Favorit", "Umum", "Udunan", "Dinas Sosial", "2", "0"],
        ["KIKS Favorit", "Umum", "Cendol", "Dinas Sosial", "0", "0"],
        ["KIKS Favorit", "Perumda", "Tirta", "Dinas Sosial", "0", "0"],
    ]
    assert [row[3] for row in rows[1:]] == [
        ballot[key].innovation.name for key in ("udunan", "cendol", "tirta")
    ]
    assert len(rows[0]) == 7


@pytest.mark.parametrize("url_name", ["public:vote_counts", "public:vote_export"])
def test_counts_are_for_organisers_only(client, ballot, url_name):
    kwargs = {"slug": "favorit"} if url_name == "public:vote_export" else {}
    url = reverse(url_name, kwargs=kwargs)
    anonymous = client.get(url)
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"/accounts/login/?next={url}")
    client.force_login(make_operator(make_agency()))
    assert client.get(url).status_code == 403


def test_organiser_manages_the_window_in_the_admin(client, ballot):
    client.force_login(make_organiser())
    window = ballot["window"]
    listing = client.get(reverse("admin:public_favouritevotewindow_changelist"))
    assert listing.status_code == 200
    change = client.get(reverse("admin:public_favouritevotewindow_change", args=[window.pk]))
    assert change.status_code == 200
    votes = client.get(reverse("admin:public_favouritevote_changelist"))
    assert votes.status_code == 200
    assert client.get(reverse("admin:public_favouritevote_add")).status_code == 403


def test_admin_action_exports_one_edition(post_vote, client, ballot, mailoutbox):
    _cast(client, post_vote, mailoutbox, ballot["tirta"], 1)
    client.force_login(make_organiser())
    response = client.post(
        reverse("admin:public_favouritevotewindow_changelist"),
        {"action": "export_counts", "_selected_action": [ballot["window"].pk]},
    )
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert content.splitlines()[-1] == (
        f"KIKS Favorit,Perumda,Tirta,{ballot['tirta'].innovation.name},Dinas Sosial,1,0"
    )


def test_window_must_close_after_it_opens(ballot):
    window = ballot["window"]
    window.closes_at = window.opens_at
    with pytest.raises(IntegrityError), transaction.atomic():
        window.save()
