"""Content-Security-Policy on every page type (issue 9.12), and pages that need no inline code.

The browser half (no violation reported while the portal, the workbench and the dashboard
load and work) is tests/browser/test_csp_browser.py."""
from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POLICY_PARTS = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                "frame-ancestors 'none'"]


def assert_policy(response):
    policy = response["Content-Security-Policy"]
    for part in POLICY_PARTS:
        assert part in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def is_file_or_data(attrs: str, body: str) -> bool:
    """A script loaded from a file, or a json_script block (data, never run)."""
    return ("src=" in attrs and not body.strip()) or 'type="application/json"' in attrs


def assert_no_inline_code(html: str):
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts, "the page loads its scripts"
    assert all(is_file_or_data(attrs, body) for attrs, body in scripts)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # onclick=, onload=, ...


@pytest.mark.parametrize("path", ["/portal/", "/portal/new/", "/portal/track/", "/workbench/login/",
                                  "/admin/login/"])
def test_public_pages_carry_the_policy(path):
    response = Client().get(path)
    assert response.status_code == 200
    assert_policy(response)
    if not path.startswith("/admin/"):  # Django's admin pages are Django's; their scripts are files too
        assert_no_inline_code(response.content.decode())


@pytest.mark.parametrize("path", ["/workbench/", "/workbench/complaints/", "/dashboard/", "/admin/",
                                  "/admin/complaints/complaint/", "/api/docs/", "/api/v1/complaints/"])
def test_staff_pages_carry_the_policy(path, as_user, district_officer):
    response = as_user(district_officer).get(path)
    assert response.status_code == 200, path
    assert_policy(response)
    if path in ("/workbench/", "/dashboard/", "/api/docs/", "/admin/complaints/complaint/"):
        assert_no_inline_code(response.content.decode())


def test_open311_and_errors_carry_it_too(db):
    assert_policy(Client().get("/open311/v2/services.json"))
    assert_policy(Client().get("/portal/no-such-page/"))
