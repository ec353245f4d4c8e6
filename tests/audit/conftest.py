import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Visible text is compared with the English msgids (the Indonesian catalogue changes)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
