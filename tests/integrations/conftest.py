from tests.api.conftest import _fresh_throttles, api_as, client  # noqa: F401  (the API tests' fixtures)
