"""Many people pressing at once, against a real threaded server on PostgreSQL: exactly one
wins, everyone else gets the Dutch conflict page (409), and nobody an error page."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.db import connection

from raadsvoorstel.models import AuditEntry, Proposal, State
from tests.test_views import editor_data

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PASSWORD = "gelijktijdig-getest"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's session: its own cookies, logged in through the login form."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> int:
        request = urllib.request.Request(
            self.base + path,
            data=urllib.parse.urlencode(data, doseq=True).encode(),
            headers={"Referer": self.base + path},
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def log_in(self, username: str) -> None:
        token = TOKEN.search(self.get("/inloggen/")).group(1)
        status = self.post(
            "/inloggen/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        assert status == 302, f"login of {username} gave {status}"


def press_at_once(requests: list) -> Counter:
    """Send every (browser, path, data) at the same moment, each from its own thread."""
    start = threading.Barrier(len(requests))
    statuses: list[int] = []

    def press(browser: Browser, path: str, data: dict) -> None:
        start.wait()
        statuses.append(browser.post(path, data))

    threads = [threading.Thread(target=press, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses)


@pytest.fixture
def griffie_browsers(live_server, make_user, concept):
    """Twenty griffie members, each logged in, each with the concept's page open."""
    if connection.vendor != "postgresql":
        pytest.skip("a threaded server needs PostgreSQL's row locks; CI runs this on PostgreSQL")
    browsers = []
    for number in range(20):
        user = make_user("griffiemedewerker", username=f"griffie-{number}")
        user.set_password(PASSWORD)
        user.save()
        browser = Browser(live_server.url)
        browser.log_in(user.username)
        page = browser.get(f"/voorstellen/{concept.pk}/")
        browser.token = TOKEN.search(page).group(1)
        browsers.append(browser)
    return browsers


def test_twenty_conflicting_steps_at_once_have_one_winner_and_no_errors(griffie_browsers, concept):
    version = concept.version
    requests = [
        (
            browser,
            f"/voorstellen/{concept.pk}/stap/{'submit' if number % 2 else 'withdraw'}/",
            {"csrfmiddlewaretoken": browser.token, "version": version, "reason": "dubbel", "confirmed": "on"},
        )
        for number, browser in enumerate(griffie_browsers)
    ]

    statuses = press_at_once(requests)

    assert statuses[500] == 0
    assert statuses == Counter({302: 1, 409: 19})
    proposal = Proposal.objects.get(pk=concept.pk)
    assert proposal.state in (State.COUNCIL_ADVICE, State.WITHDRAWN)
    assert AuditEntry.objects.filter(action__in=["submit", "withdraw"]).count() == 1


def test_twenty_edits_of_the_same_version_at_once_keep_exactly_one(griffie_browsers, concept):
    edit = f"/voorstellen/{concept.pk}/bewerken/"
    requests = []
    for number, browser in enumerate(griffie_browsers):
        token = TOKEN.search(browser.get(edit)).group(1)
        data = editor_data(concept, subject=f"Onderwerp van griffie-{number}", csrfmiddlewaretoken=token)
        requests.append((browser, edit, data))

    statuses = press_at_once(requests)

    assert statuses[500] == 0
    assert statuses == Counter({302: 1, 409: 19})
    stored = Proposal.objects.get(pk=concept.pk)
    assert stored.version == concept.version + 1
    assert stored.subject.startswith("Onderwerp van griffie-")
