"""Helpers of the public portal tests."""

from innovations.models import SectionAnswer


def set_text(proposal, key: str, text: str) -> None:
    """Replace the answer of section `key` of the proposal."""
    SectionAnswer.objects.filter(proposal=proposal, section__key=key).update(
        text=text, word_count=len(text.split())
    )


def html(response) -> str:
    return response.content.decode()
