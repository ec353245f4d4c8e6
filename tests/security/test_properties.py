"""Property-based tests of the two big forms: the operator's proposal editor and the judge's
score sheet, through the Django test client against the real views.

Whatever is typed (any Unicode: control characters, RTL marks, emoji, NUL; up to 200,000
characters; numbers at, just outside and far outside the scale; NaN and infinities), the answer is
never a 500: a value is either accepted and read back from the database exactly as sent (modulo
the documented normalisation, asserted exactly below), or refused with a form error on the page
and nothing of the refused box stored.

Documented normalisation (asserted, not assumed):
- a section text: CRLF -> LF, then surrounding whitespace stripped (innovations.services);
- innovation name: stripped, inner runs of whitespace collapsed to one space (InnovationForm);
- other one-line fields and every comment: surrounding whitespace stripped (Django CharField);
- a NUL character anywhere in a text box is refused (Django's ProhibitNullCharactersValidator);
- a score is stored as the Decimal that Python reads from the text (so "1E+1" and "٥" are read
  as 10 and 5): accepted when finite, with at most two decimal places, inside the scale.

Examples: 4 property tests x 50 examples = 200 generated requests (hypothesis, deadline off);
the whole file runs in well under 60 seconds.
"""

from decimal import Decimal, InvalidOperation

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from common.links import is_web_url
from innovations.models import Innovation, Proposal
from innovations.services import MAX_ANSWER_CHARACTERS
from judging.models import Criterion, Score, ScoreSheet
from tests.factories import make_agency, make_edition, make_operator, make_organiser, make_proposal
from tests.innovations.utils import answer_texts, editor_data
from tests.judging.helpers import scenario

pytestmark = pytest.mark.django_db


EXAMPLES = hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Characters that break naive code: control characters, NUL, bidi overrides and marks, zero
# width, BOM, odd whitespace (NEL, line / paragraph separators), emoji with joiners, markup.
NASTY = [
    "a",
    "Z",
    "é",
    " ",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\x00",
    "\x07",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u00a0",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2028",
    "\u2029",
    "\u3000",
    "\ufeff",
    "\ufffd",
    "😀",
    "👩‍🚀",
    "🇮🇩",
    "ب",
    "<",
    ">",
    "&",
    '"',
    "'",
    "=",
    "%s",
    "{{",
    "}}",
]

nasty_text = st.lists(st.sampled_from(NASTY), max_size=60).map("".join)
huge_text = st.builds(
    lambda piece, count, tail: piece * count + tail,
    st.sampled_from(["a", "😀", "\u202e", " ", "kata ", "\r\n"]),
    st.integers(min_value=100, max_value=200_000),
    nasty_text,
).filter(lambda value: len(value) <= 200_000 + 120)
any_text = st.one_of(st.text(max_size=400), nasty_text, huge_text)


# --- the proposal editor -----------------------------------------------------------------------


@pytest.fixture
def editor(client):
    edition = make_edition()
    agency = make_agency()
    operator = make_operator(agency)
    proposal = make_proposal(edition, agency=agency, complete=False)
    client.force_login(operator)
    sections = [section.key for section in edition.sections.order_by("order")]
    return {
        "client": client,
        "proposal": proposal,
        "url": reverse("innovations:proposal_edit", kwargs={"pk": proposal.pk}),
        "sections": sections,
    }


INNOVATION_TEXTS = {
    # field -> (max length, normalise)
    "name": (200, lambda value: " ".join(value.split())),
    "acronym": (40, str.strip),
    "expansion": (200, str.strip),
    "initiator_name": (200, str.strip),
}


def _stored_editor_values(proposal_pk) -> dict:
    proposal = Proposal.objects.select_related("innovation").get(pk=proposal_pk)
    values = {f"innovation-{name}": getattr(proposal.innovation, name) for name in INNOVATION_TEXTS}
    values["video_url"] = proposal.video_url
    values.update({f"section_{key}": text for key, text in answer_texts(proposal).items()})
    return values


def _editor_expectation(field: str, value: str):
    """(accepted?, the stored value) for `value` typed into `field` of the editor."""
    if field.startswith("section_"):
        if "\x00" in value or len(value) > MAX_ANSWER_CHARACTERS:
            return False, None
        return True, value.replace("\r\n", "\n").strip()
    if field == "video_url":
        stripped = value.strip()
        # http(s) only (common.links); an empty box clears the link.
        if "\x00" in stripped or len(stripped) > 500 or (stripped and not is_web_url(stripped)):
            return False, None
        return True, stripped
    name = field.removeprefix("innovation-")
    max_length, normalise = INNOVATION_TEXTS[name]
    stripped = value.strip()
    required = name in ("name", "acronym")
    if "\x00" in stripped or len(stripped) > max_length or (required and not stripped):
        return False, None
    return True, normalise(value)


def _form_errors(response) -> dict:
    errors = {}
    for form in ("innovation_form", "draft_form"):
        prefix = "innovation-" if form == "innovation_form" else ""
        for name, messages in response.context[form].errors.items():
            errors[prefix + name] = [str(message) for message in messages]
    return errors


@EXAMPLES
@given(
    field_index=st.integers(min_value=0, max_value=7),
    value=any_text,
)
def test_editor_text_is_stored_exactly_as_normalised_or_refused_with_a_message(
    editor, field_index, value
):
    proposal = Proposal.objects.get(pk=editor["proposal"].pk)
    fields = [
        "innovation-name",
        "innovation-acronym",
        "innovation-expansion",
        "innovation-initiator_name",
        "video_url",
        *(f"section_{key}" for key in editor["sections"][:3]),
    ]
    field = fields[field_index]
    before = _stored_editor_values(proposal.pk)

    response = editor["client"].post(editor["url"], editor_data(proposal, **{field: value}))

    accepted, stored = _editor_expectation(field, value)
    after = _stored_editor_values(proposal.pk)
    if accepted:
        assert response.status_code == 302, _form_errors(response)
        assert after.get(field, "") == stored
    else:
        assert response.status_code == 200
        errors = _form_errors(response)
        assert errors[field], field  # a message beside the refused box
        assert "Some fields need correcting" in response.content.decode()
        assert after.get(field, "") == before.get(field, "")  # nothing of it stored
    # The other boxes are untouched either way.
    assert {k: v for k, v in after.items() if k != field} == {
        k: v for k, v in before.items() if k != field
    }


@EXAMPLES
@given(
    field=st.sampled_from(
        ["innovation-started_on", "innovation-form", "innovation-stage", "track", "remove"]
    ),
    value=st.one_of(
        st.text(max_size=60),
        nasty_text,
        st.sampled_from(["0", "-1", "99999999999999999999", "1e3", "2020-02-30", "NaN", "١"]),
    ),
)
def test_editor_choice_and_date_boxes_never_fail_on_garbage(editor, field, value):
    proposal = Proposal.objects.get(pk=editor["proposal"].pk)
    innovation_before = Innovation.objects.filter(pk=proposal.innovation_id).values().get()
    track_before = proposal.track_id

    response = editor["client"].post(editor["url"], editor_data(proposal, **{field: value}))

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert _form_errors(response), field
    proposal.refresh_from_db()
    innovation_after = Innovation.objects.filter(pk=proposal.innovation_id).values().get()
    innovation_after.pop("updated_at"), innovation_before.pop("updated_at")
    if field == "track" or response.status_code == 200:
        assert proposal.track_id == track_before
    if field != "remove" and response.status_code == 200:
        assert innovation_after == innovation_before


# --- the judge's score sheet -------------------------------------------------------------------


@pytest.fixture
def sheet(client):
    organiser = make_organiser()
    stage, (judge,), (proposal,) = scenario(organiser, judges=1, proposals=1)
    client.force_login(judge)
    criteria = list(Criterion.objects.filter(stage=stage).order_by("order", "pk"))
    return {
        "client": client,
        "url": reverse("judging:sheet", kwargs={"stage_id": stage.pk, "proposal_id": proposal.pk}),
        "sheet": ScoreSheet.objects.get(assignment__stage=stage, assignment__judge=judge),
        "criteria": criteria,
    }


def _stored_sheet(sheet) -> dict:
    values = {"overall_comment": ScoreSheet.objects.get(pk=sheet.pk).overall_comment}
    for criterion in sheet.assignment.stage.criteria.all():
        score = Score.objects.filter(sheet=sheet, criterion=criterion).first()
        values[f"score_{criterion.pk}"] = score.value if score else None
        values[f"comment_{criterion.pk}"] = score.comment if score else ""
    return values


def _score_expectation(raw: str, criterion):
    """(accepted?, stored Decimal or None), as Django's DecimalField and the service read it."""
    if raw == "":
        return True, None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return False, None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        return False, None
    if not criterion.scale_min <= value <= criterion.scale_max:
        return False, None
    return True, value


def _decimal_text(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}"


scale_numbers = st.one_of(
    # Inside the scale, at most two decimals: accepted.
    st.builds(_decimal_text, st.decimals(min_value=0, max_value=10, places=2), st.just(2)),
    st.sampled_from(["0", "10", "0.00", "10.00", "1E+1", " 7 ", "٥", "+3.5", "00009.99"]),
    # Just outside, too many decimals, not finite, absurd.
    st.sampled_from(
        [
            "-0.01",
            "10.01",
            "10.001",
            "9.999",
            "5.000",
            "-0",
            "NaN",
            "nan",
            "sNaN",
            "inf",
            "-Infinity",
            "1e999999999",
            "1e-999999999",
            "9" * 400,
            "0x10",
            "1,5",
            "5.",
            ".5",
        ]
    ),  # fmt: skip
    st.builds(
        _decimal_text,
        st.decimals(min_value=-100, max_value=100, allow_nan=False, allow_infinity=False),
        st.integers(min_value=0, max_value=12),
    ),
    st.text(max_size=20),
)


@EXAMPLES
@given(raw=scale_numbers, which=st.integers(min_value=0, max_value=1))
def test_score_is_stored_exactly_or_refused_with_a_message(sheet, raw, which):
    criterion = sheet["criteria"][which]
    before = _stored_sheet(sheet["sheet"])

    response = sheet["client"].post(sheet["url"], {f"score_{criterion.pk}": raw})

    accepted, stored = _score_expectation(raw, criterion)
    after = _stored_sheet(sheet["sheet"])
    if accepted:
        assert response.status_code == 302, response.context["form"].errors
        assert after[f"score_{criterion.pk}"] == stored
    else:
        assert response.status_code == 400
        assert response.context["form"].errors[f"score_{criterion.pk}"]
        assert after == before


@EXAMPLES
@given(
    box=st.sampled_from(["overall_comment", "comment_0", "comment_1"]),
    value=any_text,
    score=st.sampled_from(["", "4.25"]),
)
def test_comment_is_stored_exactly_as_stripped_or_refused_with_a_message(sheet, box, value, score):
    criteria = sheet["criteria"]
    field = box if box == "overall_comment" else f"comment_{criteria[int(box[-1])].pk}"
    data = {field: value, f"score_{criteria[0].pk}": score}
    before = _stored_sheet(sheet["sheet"])

    response = sheet["client"].post(sheet["url"], data)

    after = _stored_sheet(sheet["sheet"])
    if "\x00" in value:
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert after == before
    else:
        assert response.status_code == 302, response.context["form"].errors
        assert after[field] == value.strip()
        assert after[f"score_{criteria[0].pk}"] == (Decimal(score) if score else None)
