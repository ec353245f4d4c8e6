"""Helpers of the operator-page tests: the editor's POST as the browser sends it."""

from innovations.models import Proposal


def editor_data(proposal: Proposal, *, texts=None, action="save", **extra) -> dict:
    """Everything the editor form posts, from the proposal as stored, with `texts` (section key
    -> text) and `extra` (field name -> value) replacing what the operator changed."""
    innovation = proposal.innovation
    data = {
        "action": action,
        "innovation-name": innovation.name,
        "innovation-acronym": innovation.acronym,
        "innovation-expansion": innovation.expansion,
        "innovation-started_on": innovation.started_on.isoformat(),
        "innovation-form": innovation.form,
        "innovation-stage": innovation.stage,
        "innovation-initiator_kind": innovation.initiator_kind,
        "innovation-initiator_name": innovation.initiator_name,
        "innovation-sdgs": [str(goal.pk) for goal in innovation.sdgs.all()],
        "track": str(proposal.track_id),
        "video_url": proposal.video_url,
        "upload-kind": "photo",
        "upload-section": "",
        "upload-caption": "",
    }
    if innovation.is_digital:
        data["innovation-is_digital"] = "on"
    answers = {answer.section.key: answer.text for answer in proposal.answers.all()}
    for section in proposal.edition.sections.all():
        data[f"section_{section.key}"] = answers.get(section.key, "")
    for key, text in (texts or {}).items():
        data[f"section_{key}"] = text
    data.update(extra)
    return data


def answer_texts(proposal: Proposal) -> dict:
    return dict(proposal.answers.values_list("section__key", "text"))
