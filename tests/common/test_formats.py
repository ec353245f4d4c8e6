"""One way to show numbers and dates: documents in the reader's language (Indonesian: 93,33 and
6 April 2021), never mixed with `93.33` or `2021-04-06`; JSON in ISO dates and plain numbers."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from common.formats import cents, day, json_value, moment, number
from judging.services import confirm_final_result, forward_to_kijb, publish_final_result
from tests.factories import make_operator, make_organiser
from tests.judging.finals.helpers import finals

pytestmark = pytest.mark.django_db
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DOT_DECIMAL = re.compile(r"\b\d+\.\d{1,2}\b")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_numbers_and_dates_in_each_language():
    when = datetime.datetime(2021, 4, 6, 7, 0, tzinfo=datetime.UTC)  # 14:00 WIB
    with translation.override("id"):
        assert (number(Decimal("93.335")), number(93.3), number(None)) == ("93,34", "93,30", None)
        assert (day(datetime.date(2021, 5, 31)), moment(when)) == (
            "31 Mei 2021",
            "6 April 2021 14:00",
        )
    with translation.override("en"):
        assert (number(Decimal("93.335")), day(datetime.date(2021, 5, 31))) == (
            "93.34",
            "31 May 2021",
        )
    assert (cents(72.505), cents(None)) == (Decimal("72.51"), None)
    assert json_value({"d": datetime.date(2021, 4, 6), "n": Decimal("93.33")}) == {
        "d": "2021-04-06",
        "n": 93.33,
    }


def test_documents_show_every_number_and_date_one_way(client):
    organiser = make_organiser()
    edition, desk, interview, (first, _second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    publish_final_result(edition, by=organiser, notify=False)
    first.innovation.started_on = datetime.date(2020, 1, 1)
    first.innovation.save()
    forward_to_kijb(first, forwarded_on=datetime.date(2021, 4, 15), by=organiser)
    client.force_login(organiser)
    kwargs = {"edition_id": edition.pk}
    documents = [
        reverse("judging:minutes", kwargs={"stage_id": desk.pk}),
        reverse("judging:minutes", kwargs={"stage_id": interview.pk}),
        reverse("judging:schedule_print", kwargs={"stage_id": interview.pk}),
        reverse("judging:final_minutes", kwargs=kwargs),
        reverse("judging:final", kwargs=kwargs),
        reverse("judging:kijb_pack", kwargs=kwargs),
    ]

    texts = {url: visible_text(client.get(url).content.decode()) for url in documents}
    client.force_login(make_operator(first.agency))
    feedback = reverse("judging:feedback", kwargs={"proposal_id": first.pk})
    texts[feedback] = visible_text(client.get(feedback).content.decode())

    mixed = {
        url: ISO_DATE.findall(text) + DOT_DECIMAL.findall(text)
        for url, text in texts.items()
        if ISO_DATE.search(text) or DOT_DECIMAL.search(text)
    }
    assert mixed == {}
    pack = texts[reverse("judging:kijb_pack", kwargs=kwargs)]
    assert "1 Januari 2020" in pack and "15 April 2021" in pack
    assert re.search(r"\b\d+,\d{2}\b", texts[reverse("judging:final_minutes", kwargs=kwargs)])


def test_the_kijb_json_keeps_iso_dates_and_plain_numbers(client):
    organiser = make_organiser()
    edition, _desk, _interview, (first, _second), _judges = finals(organiser)
    confirm_final_result(
        edition, decree_number="9/Kep", decree_date=datetime.date(2021, 4, 6), by=organiser
    )
    first.innovation.started_on = datetime.date(2020, 1, 1)
    first.innovation.save()
    forward_to_kijb(first, forwarded_on=datetime.date(2021, 4, 15), by=organiser)
    client.force_login(organiser)

    (item,) = client.get(reverse("judging:kijb_json", kwargs={"edition_id": edition.pk})).json()[
        "innovations"
    ]

    assert (item["innovation"]["started_on"], item["forwarded_on"]) == ("2020-01-01", "2021-04-15")
    assert isinstance(item["results"][0]["mean"], float)
    assert isinstance(item["final"]["score"], float)
