"""One Chromium for the whole session (Debian's, driven by Playwright's sync API)."""
from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would
# otherwise refuse the ORM calls the tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(**context_options)`: a page in a fresh browser context (its own cookies), with
    English chosen through the language cookie, as the language switch would set it."""
    contexts = []

    def make(**options):
        context = browser.new_context(locale="en-US", **options)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
