"""The README's `make test` on a fresh machine: it installs the Debian packages it needs where it
can (as root, with apt-get), or stops at once with the one command to run."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")


def _make(*args, path):
    return subprocess.run([MAKE, "-s", "-C", str(REPO), *args], capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, timeout=60)


def _path_without_apt_get(tmp_path):
    """A PATH with only `id` on it: no apt-get, as on a machine where it cannot install."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id"))
    return str(bin_dir)


def test_without_chromium_and_no_way_to_install_it_make_stops_at_once_with_the_command_to_run(tmp_path):
    result = _make("browser-packages", f"CHROMIUM={tmp_path}/no-chromium", path=_path_without_apt_get(tmp_path))

    assert result.returncode != 0
    assert "sudo apt-get install -y chromium" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 3, result.stderr  # no wall of errors


def test_with_chromium_installed_make_goes_on_quietly(tmp_path):
    result = _make("browser-packages", f"CHROMIUM={sys.executable}", path=_path_without_apt_get(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""


def test_make_test_checks_for_chromium_before_pytest_starts():
    commands = subprocess.run([MAKE, "-n", "-C", str(REPO), "test"], capture_output=True, text=True,
                              timeout=60).stdout
    chromium_check = commands.index("test -x /usr/bin/chromium")
    assert chromium_check < commands.index("bin/pytest")
    assert "apt-get install" in commands[chromium_check:commands.index("bin/pytest")]
