"""The permission matrix at the admin: every registered model's changelist, add, change,
delete, history and past-version pages × every role × a record in and out of scope."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.security.matrix import matrix, run
from tests.security.test_matrix_keys import category, matrix_world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_the_admin_answers_each_role_as_the_matrix_says(matrix_world):  # noqa: F811
    keys = [key for key, row in matrix().items() if row.door == "admin"]
    failures = run(matrix_world, Client, keys)
    assert failures == [], f"{len(failures)} cells differ:\n" + "\n".join(failures)
