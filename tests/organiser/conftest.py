import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages and messages in English, so that assertions read the msgids; exports stay Indonesian
    by design (their tests translate the expected headers the same way). Unlike the root
    conftest's _english, LANGUAGE_CODE stays Indonesian: the language comes from the cookie."""
    client.cookies["kiks_language"] = "en"
    with translation.override("en"):
        yield
