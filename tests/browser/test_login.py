"""The logged_in_page fixture's default path: a griffie member through /inloggen/."""

import pytest
from playwright.sync_api import expect

from .support import ADMIN_LOGIN_URL, PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_griffie_member_logs_in_through_the_login_page(concept, griffie, live_url, logged_in_page):
    page = logged_in_page(griffie)
    expect(page).to_have_url(live_url + "/")
    expect(page.get_by_role("main")).to_contain_text("2023000853")


def test_a_wrong_password_is_refused_with_a_clear_message(griffie, page, live_url):
    griffie.set_password(PASSWORD)
    griffie.save()
    with pytest.raises(AssertionError, match="Inloggen als 'griffiemedewerker' via /inloggen/ mislukt"):
        log_in(page, live_url, griffie.username, PASSWORD + "-fout")


def test_the_admin_login_lets_no_griffie_member_in(griffie, logged_in_page):
    with pytest.raises(AssertionError, match="stafaccount"):
        logged_in_page(griffie, login_url=ADMIN_LOGIN_URL)
