"""Settings come from the environment, and a bad value stops start-up loudly."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env):
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "ture"}, "DEBUG must be true or false"),
        ({"DEBUG": "false"}, "SECRET_KEY must be set when DEBUG is off"),
        ({"CELERY_BROKER_URL": "kafka://somewhere"}, "CELERY_BROKER_URL has an unsupported scheme"),
        ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL must be a redis:// URL"),
    ],
)
def test_bad_value_fails_start_up(env, message):
    result = run_check(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_defaults_start_cleanly():
    result = run_check()
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
