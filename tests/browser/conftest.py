"""Real-browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

Chromium is Debian's package (`apt-get install chromium`, /usr/bin/chromium); .ci/run installs
it. Without it these tests are skipped, except in CI (CI set), where that is an error.
Every test here is marked `browser` (`-m "not browser"` leaves them out) and runs after the
rest of the suite. They need `@pytest.mark.django_db(transaction=True)`: the live server
answers from another thread, so the data must be committed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from raadsvoorstel.models import User

from . import support

# Playwright's sync API keeps an asyncio loop running in the test's thread from its first use
# until the end of the session, and Django then refuses ORM calls there
# (SynchronousOnlyOperation). The tests use the ORM synchronously, so the check is off. It is
# set when this folder is collected and holds for the whole pytest process; the browser tests
# run last (see below), so the other tests never run beside a running loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).parent


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the tests in this folder `browser`, then move them to the end of the run.

    The marking comes before `-m` selects; the move after pytest's own reordering.
    """
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
    result = yield
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    return result


@pytest.fixture(scope="session")
def chromium() -> str:
    if not support.CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(support.CHROMIUM_MISSING, pytrace=False)
        pytest.skip(support.CHROMIUM_MISSING)
    return str(support.CHROMIUM)


@pytest.fixture(autouse=True)
def _needs_chromium(chromium):
    """Skip (or, in CI, fail) before any data or browser is set up."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium) -> dict:
    """pytest-playwright's launch options (--headed, --slowmo) with Debian's Chromium."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": support.CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args) -> dict:
    """A Dutch visitor (Chromium's own default is en-US): Accept-Language, dates and numbers in the page.

    A test can ask for another with `@pytest.mark.browser_context_args(locale="en-US")`.
    """
    return {**browser_context_args, "locale": "nl-NL", "timezone_id": "Europe/Amsterdam"}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """pytest-playwright's base URL is the live server's, so `page.goto("/admin/")` works.

    Defining it here also keeps pytest-playwright's own fallback fixture, which pytest 9.2
    warns about (PytestRemovedIn10Warning), from running.
    """
    return live_server.url


@pytest.fixture
def live_url(live_server) -> str:
    return live_server.url


@pytest.fixture
def beheer(transactional_db) -> User:
    """The superuser of the quick start, with the browser tests' password."""
    return User.objects.create_superuser("beheer", password=support.PASSWORD)


@pytest.fixture
def logged_in_page(page, live_url):
    """`logged_in_page(username)` (or a User) logs in through the login form; returns the page.

    The user's password is set to support.PASSWORD first (the users of tests/conftest.py have
    none). The form is /inloggen/; `login_url=support.ADMIN_LOGIN_URL` uses the admin's
    (staff only), and `page=` logs in on another page (a second user in its own context).
    """

    def log_in(user: User | str, *, login_url: str = support.LOGIN_URL, page=page):
        if not isinstance(user, User):
            user = User.objects.get(username=user)
        user.set_password(support.PASSWORD)
        user.save(update_fields=["password"])
        return support.log_in(page, live_url, user.get_username(), support.PASSWORD, login_url=login_url)

    return log_in


@pytest.fixture
def axe_violations():
    """`axe_violations(page)`: axe-core's serious and critical WCAG 2.1 AA violations on the page."""
    return support.axe_violations


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves the whole page (docs/screenshots/ under `make screenshots`)."""
    return support.save_screenshot
