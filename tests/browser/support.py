"""Plain helpers for the browser tests; conftest.py hands them to the tests as fixtures."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

# Debian's Chromium (apt-get install chromium). Playwright cannot download its own build here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
CHROMIUM_MISSING = "Chromium ontbreekt: apt-get install chromium"

PASSWORD = "browser-test-wachtwoord"

# The griffie's login page, and the admin's (which lets only staff in). Both are Django's
# AuthenticationForm (id_username, id_password), so log_in fills in either.
LOGIN_URL = "/inloggen/"
ADMIN_LOGIN_URL = "/admin/login/"

AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_IMPACTS = ("serious", "critical")

# `make screenshots` refreshes the README's tour in docs/; an ordinary run writes its
# screenshots under var/ (ignored by git), so `make test` leaves the work tree clean.
SCREENSHOTS = (
    Path(settings.BASE_DIR) / "docs" / "screenshots"
    if os.environ.get("RAADSVOORSTEL_SCREENSHOTS")
    else Path(settings.BASE_DIR) / "var" / "screenshots"
)


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD, login_url: str = LOGIN_URL):
    """Fill in and submit the login form at `login_url` as a person would; fail if it refuses."""
    page.goto(base_url + login_url)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    form = page.locator("form").filter(has=page.locator("#id_password"))
    with page.expect_navigation():
        form.locator('[type="submit"]').click()
    if page.url.split("?")[0].endswith(login_url):
        errors = page.locator(".errornote, .errorlist, .error-summary").all_inner_texts()
        raise AssertionError(f"Inloggen als '{username}' via {login_url} mislukt: {errors or page.url}")
    return page


def axe_violations(page: Page, impacts: tuple[str, ...] = AXE_IMPACTS) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; the violations of `impacts`."""
    # Evaluated through the DevTools protocol, not as a <script>: the app's Content Security
    # Policy refuses inline scripts, and the test's tool should not need an exception.
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [violation for violation in results["violations"] if violation["impact"] in impacts]


def describe_violations(violations: list[dict]) -> str:
    """One line per violation and per element, for an assertion message or a print."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['impact']}: {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {', '.join(map(str, node['target']))}: {summary}")
    return "\n".join(lines) or "geen"


def save_screenshot(page: Page, name: str) -> Path:
    """The whole page as <SCREENSHOTS>/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def duplicate_ids(page: Page) -> list[str]:
    """Ids used twice on the page: a label for one of them may name the other's field. (axe-core
    4.7 dropped its duplicate-id rules, so they are checked here.)"""
    return page.evaluate(
        """() => {
            const ids = [...document.querySelectorAll('[id]')].map(element => element.id);
            return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
        }"""
    )


def assert_accessible(page: Page) -> None:
    """axe-core finds nothing serious on the page, and every id is used once."""
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)
    assert duplicate_ids(page) == [], f"ids die twee keer voorkomen: {duplicate_ids(page)}"
