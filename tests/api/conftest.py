"""Fixtures of the API tests: clients for the personas and a clean throttle cache."""
import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttles(db):
    """Throttles and rate limits count in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    """`api_as(user)` returns a DRF test client authenticated as `user` (None: anonymous)."""

    def client_for(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def client():
    """Django's test client asking for English, so that messages can be asserted."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
