"""Migrations an existing database can take: `migrate` after an upgrade must not refuse it."""
from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

OURS = ["communities", "complaints", "dashboard", "integrations", "partybranches", "properties", "redproperty"]


def test_no_migration_depends_on_an_apps_latest_migration():
    """A dependency on ("app", "__latest__") of an applied migration moves with every new
    migration of that app, and `migrate` then stops an existing database with
    InconsistentMigrationHistory (it happened: integrations 0002 against complaints 0010)."""
    found = []
    for label in OURS:
        for path in sorted((Path(apps.get_app_config(label).path) / "migrations").glob("0*.py")):
            if "__latest__" in {node.value for node in ast.walk(ast.parse(path.read_text()))
                                if isinstance(node, ast.Constant) and isinstance(node.value, str)}:
                found.append(str(path.relative_to(settings.BASE_DIR)))
    assert found == []
