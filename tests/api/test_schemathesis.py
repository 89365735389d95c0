"""schemathesis against our own OpenAPI schema, in-process on the WSGI app, with the demo
district loaded and the demo district officer's token: no server errors, every response
matching the schema (status code documented, body, content type, headers), both for valid
input and for input that breaks the schema (which must get a documented 4xx, never a 5xx).

Runs in CI as part of the suite, on SQLite and on PostgreSQL. Deterministic (derandomized)
and bounded (EXAMPLES per operation) so that it stays well under two minutes.
"""
import importlib
import io
import os

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, Phase
from integrations.services import api_key_create
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from redproperty.roles import sync_role_groups

pytestmark = pytest.mark.django_db

# Examples per operation: valid input, and input that breaks the schema (expecting a 4xx).
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "5"))
NEGATIVE_EXAMPLES = int(os.environ.get("SCHEMATHESIS_NEGATIVE_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@pytest.fixture
def keep_connection():
    """Django's handler closes the database connection after each request; inside a test that
    would end the test's transaction on PostgreSQL. Django's own test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def seed_reference_data():
    """Re-run the data migrations the demo builds on (role groups, categories, default scheme):
    a transactional test earlier on the same worker may have flushed their rows. They are
    idempotent and run on the migrations' own app registry, as in `migrate`."""
    state_apps = MigrationExecutor(connection).loader.project_state().apps
    seed_categories = importlib.import_module("complaints.migrations.0004_seed_categories").seed
    default_scheme = importlib.import_module("properties.migrations.0003_default_scheme").create_default_scheme
    scheme_name = importlib.import_module("properties.migrations.0007_default_scheme_chinese_name").name_in_chinese
    for step in (sync_role_groups, seed_categories, default_scheme, scheme_name):
        step(state_apps, None)


def test_every_operation_conforms_to_the_schema(keep_connection):
    seed_reference_data()
    call_command("load_demo", stdout=io.StringIO())
    district = get_user_model().objects.get(username="district")
    _row, key = api_key_create(actor=district, user=district)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    failures = {}

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode, examples in ((GenerationMode.POSITIVE, EXAMPLES), (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES)):

            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis.settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                                 phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            def check(case):
                response = case.call(headers={"Authorization": f"Token {key}"})
                case.validate_response(response, checks=CHECKS)

            try:
                check()
            except hypothesis.errors.Unsatisfiable:
                # Deliberately skipped: an operation without parameters or body (GET /api/v1/overview/)
                # has no invalid input to generate.
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # collect every failure, report them together
                failures[f"{operation.label} ({mode.value})"] = f"{type(exc).__name__}: {str(exc)[:1500]}"

    assert not failures, "\n\n".join(f"{label}\n{text}" for label, text in failures.items())
