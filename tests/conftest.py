"""Fixtures shared by every test module: the page tree, people, and a real browser."""

import os

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connections

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test must not leave cached state behind."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def home_page(db):
    from home.tree import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def make_user(db):
    def make(username="member", *, password="password", groups=(), **fields):
        fields.setdefault("email", f"{username}@example.org")
        fields.setdefault("first_name", username.capitalize())
        fields.setdefault("last_name", "Test")
        user = get_user_model().objects.create_user(username=username, password=password, **fields)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def member(make_user):
    return make_user("member")


@pytest.fixture
def communication_user(make_user):
    return make_user("comms", groups=["Communication"], is_staff=False)


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright; `playwright install` cannot download here.

    Started per test: while Playwright's event loop runs, Django sees the thread as
    async and hands out other database connections, which would break the next
    transactional test's restore of the migrated data.
    """
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM then
    # believes it is in async code. The test's own DB calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()
        # The connections opened meanwhile belong to the event loop's context: close them here,
        # or the test database cannot be dropped at the end of the run.
        connections.close_all()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(accept_downloads=True, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
