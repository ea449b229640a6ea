"""Two-factor authentication in the browser: enrol an authenticator app (the secret read from the
page, the code computed with pyotp), log out, and log in again with a code from the app."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from municipalities.models import Role
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory


@pytest.fixture
def officer(transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    return MembershipFactory(municipality=utrecht, role=Role.POLICY_OFFICER).user


def test_enrol_log_out_and_log_in_with_a_code(page, officer):
    login(page, officer.email, TEST_PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/accounts/tweestapsverificatie/instellen/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    expect(page.get_by_role("img", name="QR-code voor je authenticator-app")).to_be_visible()
    assert_accessible(page, "two-factor-setup")

    secret = page.locator("#totp-secret").get_attribute("data-secret")
    app = pyotp.TOTP(secret)
    code_field = page.get_by_label("Code")
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    # A wrong code first: announced, nothing enrolled.
    code_field.fill("000000" if app.now() != "000000" else "111111")
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("alert")).to_contain_text("Die code klopt niet")
    assert_accessible(page, "two-factor-setup-error")

    # django-otp makes the next try wait a second after a wrong code.
    page.wait_for_timeout(1100)
    # Confirmed with the previous step's code, so the current one is still unused for the login.
    page.get_by_label("Code").fill(app.at(time.time() - 30))
    page.get_by_role("button", name="Instellen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Herstelcodes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery-codes")
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    expect(page).to_have_url(re.compile(r"/g/utrecht/$"))

    page.get_by_role("navigation", name="Gebruikersmenu").locator("summary").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    login(page, officer.email, TEST_PASSWORD, second_factor=False)
    expect(page).to_have_url(re.compile(r"/accounts/tweestapsverificatie/\?next=/$"))
    expect(page.get_by_label("Code")).to_have_attribute("autocomplete", "one-time-code")
    assert_accessible(page, "two-factor-verify")
    page.get_by_label("Code").fill(app.now())
    page.get_by_role("button", name="Bevestigen").click()
    expect(page).to_have_url(re.compile(r"/g/utrecht/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht")
