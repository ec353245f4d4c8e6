import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(client):
    """Pages and messages in English, so that assertions read the msgids; exports stay Indonesian
    by design (their tests translate the expected headers the same way)."""
    client.cookies["kiks_language"] = "en"
    with translation.override("en"):
        yield
