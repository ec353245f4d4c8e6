"""The KIJB forwarding pack: what goes to the provincial competition for each forwarded entry."""

from innovations.models import Attachment, SectionAnswer
from judging.models import KijbNomination, StageResult
from judging.selectors.finals import final_rows


def forwarding_pack(edition) -> list[dict]:
    """Every forwarded innovation of the edition: identity, proposal sections, attachments list,
    results per stage and final result. A fixed number of queries."""
    nominations = list(
        KijbNomination.objects.filter(proposal__edition=edition)
        .select_related("proposal__innovation", "proposal__agency", "proposal__track")
        .order_by("proposal__innovation_acronym")
    )
    ids = [n.proposal_id for n in nominations]
    answers: dict[int, list] = {}
    for answer in (
        SectionAnswer.objects.filter(proposal_id__in=ids)
        .select_related("section")
        .order_by("section__order", "section_id")
    ):
        answers.setdefault(answer.proposal_id, []).append(answer)
    files: dict[int, list] = {}
    for attachment in Attachment.objects.filter(proposal_id__in=ids).order_by("kind", "pk"):
        files.setdefault(attachment.proposal_id, []).append(attachment)
    results: dict[int, list] = {}
    for result in (
        StageResult.objects.filter(proposal_id__in=ids)
        .select_related("stage")
        .order_by("stage__order")
    ):
        results.setdefault(result.proposal_id, []).append(result)
    finals = {e.proposal_id: e for e in final_rows(edition) if e.proposal_id in set(ids)}
    pack = []
    for nomination in nominations:
        proposal = nomination.proposal
        innovation = proposal.innovation
        final = finals.get(proposal.pk)
        pack.append(
            {
                # As the edition showed it (the entry's own copy); typed values: the page shows
                # them in the reader's language, the JSON in ISO and plain numbers.
                "innovation": {
                    "name": proposal.innovation_name,
                    "acronym": proposal.innovation_acronym,
                    "expansion": proposal.innovation_expansion,
                    "started_on": innovation.started_on,
                    "form": innovation.get_form_display(),
                    "digital": innovation.is_digital,
                },
                "agency": proposal.agency.name,
                "track": proposal.track.name,
                "forwarded_on": nomination.forwarded_on,
                "note": nomination.note,
                "video_url": proposal.video_url,
                "sections": [
                    {"title": a.section.title, "text": a.text, "words": a.word_count}
                    for a in answers.get(proposal.pk, [])
                ],
                "attachments": [
                    {
                        "kind": f.get_kind_display(),
                        "name": f.original_name,
                        "size": f.size,
                        "content_type": f.content_type,
                    }
                    for f in files.get(proposal.pk, [])
                ],
                "results": [
                    {
                        "stage": r.stage.get_kind_display(),
                        "mean": r.mean,
                        "rank": r.rank,
                        "decision": r.get_decision_display(),
                        "decree": r.decree_ref,
                    }
                    for r in results.get(proposal.pk, [])
                ],
                "final": {
                    "score": final.score if final else None,
                    "rank": final.rank if final else None,
                    "awards": [a.label for a in final.proposal.awards.all()] if final else [],
                },
                "answer_objects": answers.get(proposal.pk, []),
                "attachment_objects": files.get(proposal.pk, []),
            }
        )
    return pack
