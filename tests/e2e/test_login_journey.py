import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from municipalities.demo import DEMO_PASSWORD
from tests.e2e.conftest import assert_accessible, login


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--force", verbosity=0)


def test_policy_officer_logs_in_reaches_dashboard_and_logs_out(page, demo):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert_accessible(page, "login")

    login(page, "beleid@utrecht.demo", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/g/utrecht/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht")
    expect(page.locator(".facts")).to_contain_text("Beleidsmedewerker")
    assert_accessible(page, "dashboard")

    page.get_by_role("navigation", name="Gebruikersmenu").get_by_text("Fatima El Amrani").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/g/utrecht/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/g/utrecht/"))


def test_wrong_password_is_announced_accessibly(page, demo):
    login(page, "beleid@utrecht.demo", "niet-goed")
    expect(page.get_by_role("alert")).to_contain_text("horen niet bij elkaar")
    assert_accessible(page, "login-error")
