"""The permission matrix at the API (/api/v1/): every endpoint × every role × a record in and
out of scope; read-only roles' PUT, PATCH, DELETE and POST are refused and change nothing."""
from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from tests.security.matrix import matrix, run
from tests.security.test_matrix_keys import category, matrix_world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_api_answers_each_role_as_the_matrix_says(matrix_world, settings):  # noqa: F811
    cache.clear()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    keys = [key for key, row in matrix().items() if row.door == "api"]
    failures = run(matrix_world, Client, keys)
    assert failures == [], f"{len(failures)} cells differ:\n" + "\n".join(failures)
