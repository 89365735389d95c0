"""The permission matrix covers every URL pattern: a new one without a row fails here.
Also the matrix of the doors without a test file of their own: workbench, dashboard, portal,
Open311 and the rest (see tests/security/matrix.py)."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.security.matrix import matrix, resolver_patterns, run
from tests.security.matrix_world import build
from tests.workbench.conftest import NOW

pytestmark = pytest.mark.django_db


def test_every_url_pattern_has_a_row_and_every_row_a_pattern(settings):
    patterns = resolver_patterns()
    rows = matrix()
    missing = sorted(set(patterns) - set(rows))
    assert missing == [], "URL patterns without a row in tests/security/matrix.py: " + ", ".join(
        f"{key} ({patterns[key]})" for key in missing)
    assert sorted(set(rows) - set(patterns)) == []


@pytest.fixture
def matrix_world(world, category):
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield build(world, category)


@pytest.fixture
def category(world):
    from tests import factories as f

    return f.CategoryFactory(code="shared-facilities", name="公共设施维修")


@pytest.mark.parametrize("door", ["workbench", "dashboard", "portal", "open311", "other"])
def test_the_doors_answer_each_role_as_the_matrix_says(door, matrix_world):
    keys = [key for key, row in matrix().items() if row.door == door]
    failures = run(matrix_world, Client, keys)
    assert failures == [], f"{len(failures)} cells differ:\n" + "\n".join(failures)
