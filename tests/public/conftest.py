import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages are compared in English (the msgids); the Indonesian catalogue is the translators'."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """The vote throttle counts in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()
