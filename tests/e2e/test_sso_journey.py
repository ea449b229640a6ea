"""Single sign-on in the browser: the e-mail step sends a policy officer to the local OpenID
Connect provider (tests/accounts/oidc_provider, a real django-oauth-toolkit in a second process),
whose ID token says amr=mfa, so they land on their municipality without a local code; logging
out ends the provider's session too and returns to the login page."""

import re

import pytest
from playwright.sync_api import expect

from municipalities.models import Role
from tests.accounts.oidc_provider import fixture as oidc
from tests.accounts.oidc_provider.users import PASSWORD
from tests.e2e.conftest import assert_accessible
from tests.factories import MembershipFactory, MunicipalityFactory

oidc_provider_url = oidc.oidc_provider_url  # the session fixture: one provider per run


@pytest.fixture
def officer(transactional_db, oidc_provider_url):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    oidc.provider_create(oidc_provider_url, municipalities=[utrecht])
    return MembershipFactory(
        municipality=utrecht,
        role=Role.POLICY_OFFICER,
        user__email="mfa@utrecht.nl",
        user__display_name="Mira Faber",
    ).user


def test_sign_on_through_the_provider_and_log_out_there_too(page, officer, oidc_provider_url):
    page.goto("/g/utrecht/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/g/utrecht/"))
    expect(page.get_by_label("E-mailadres")).to_have_attribute("autocomplete", "username")
    assert_accessible(page, "sso-email-step")

    page.get_by_label("E-mailadres").fill("mfa@utrecht.nl")
    page.get_by_role("button", name="Volgende").click()
    expect(page).to_have_url(re.compile(re.escape(oidc_provider_url) + r"/login/"))
    page.get_by_label("Gebruikersnaam").fill("mfa@utrecht.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen bij provider").click()

    expect(page).to_have_url(re.compile(r"/g/utrecht/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Utrecht")
    assert_accessible(page, "sso-signed-in")
    page.goto("/accounts/sessies/")
    expect(page.get_by_role("table")).to_contain_text("via Gemeente Utrecht")
    assert_accessible(page, "sessions")

    page.get_by_role("navigation", name="Gebruikersmenu").get_by_text("Mira Faber").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("status")).to_contain_text("Je bent uitgelogd.")
    # The provider's session ended too: signing on again asks for the provider's password.
    page.get_by_label("E-mailadres").fill("mfa@utrecht.nl")
    page.get_by_role("button", name="Volgende").click()
    expect(page).to_have_url(re.compile(re.escape(oidc_provider_url) + r"/login/"))


def test_an_unknown_address_is_refused_in_dutch(page, officer, oidc_provider_url):
    page.goto("/accounts/login/")
    page.get_by_label("E-mailadres").fill("onbekend@utrecht.nl")
    page.get_by_role("button", name="Volgende").click()
    page.get_by_label("Gebruikersnaam").fill("onbekend@utrecht.nl")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen bij provider").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen niet gelukt")
    expect(page.get_by_role("alert")).to_contain_text("vraag je gemeente om een uitnodiging")
    assert_accessible(page, "sso-refused")
