"""The proposal editor on a phone, and the language switch in the navigation bar."""

import pytest
from django.urls import reverse

from innovations.models import Proposal
from tests.factories import make_agency, make_edition, make_operator, make_proposal, make_track

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_proposal_editor_fits_a_phone_and_saves(e2e):
    agency = make_agency("Dinas Perhubungan Uji")
    operator = make_operator(agency, "operator2")
    edition = make_edition()
    proposal = make_proposal(
        edition, agency=agency, track=make_track(edition), complete=False, created_by=operator
    )
    page = e2e.page(viewport=PHONE)
    e2e.login(page, "operator2")
    edit_url = e2e.url + reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk})
    page.goto(edit_url)
    e2e.shot(page, "09-proposal-editor-phone")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    save = page.locator(".editor-sidebar button[name=action][value=save]")
    save.scroll_into_view_if_needed()
    assert save.is_visible()
    box = save.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]

    section = edition.sections.order_by("order", "pk").first()
    page.fill(f"#id_section_{section.key}", "Teks dari telepon genggam")
    with page.expect_navigation():
        save.click()
    assert page.url.split("#")[0] == edit_url
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    answer = Proposal.objects.get(pk=proposal.pk).answers.get(section=section)
    assert answer.text == "Teks dari telepon genggam"
    assert answer.word_count == 4


def test_language_switch_in_the_navbar(e2e):
    page = e2e.page(language="id")
    page.goto(e2e.url + "/")
    login_link = page.locator(f"nav a.nav-link[href='{reverse('login')}']")
    assert page.get_attribute("html", "lang") == "id"
    assert page.locator("#language-switch").input_value() == "id"
    indonesian_label = login_link.inner_text().strip()
    assert indonesian_label != "Log in"

    with page.expect_navigation():
        page.select_option("#language-switch", "en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#language-switch").input_value() == "en"
    assert login_link.inner_text().strip() == "Log in"
    assert page.url.rstrip("/") == e2e.url
    e2e.shot(page, "10-home-english")

    page.goto(e2e.url + reverse("public:registry"))
    assert page.get_attribute("html", "lang") == "en"

    with page.expect_navigation():
        page.select_option("#language-switch", "id")
    assert page.get_attribute("html", "lang") == "id"
    assert login_link.inner_text().strip() == indonesian_label
    assert page.url.endswith(reverse("public:registry"))
    e2e.shot(page, "11-registry-indonesian")
