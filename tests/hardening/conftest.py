import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_limits(db):
    """Rate limits count in the cache (a database table unless REDIS_URL is set); each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
