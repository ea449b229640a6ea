"""A policy officer deletes a mistaken finding through its link and the confirmation page (no
JavaScript needed for either); axe checks the confirmation page."""

import re

from playwright.sync_api import expect

from cycles.models import Finding, Phase
from municipalities.models import Role
from tests.cycles.factories import CycleFactory, FindingFactory, GoalFactory
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory


def test_officer_deletes_a_finding_after_confirming(page, transactional_db):
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    officer = MembershipFactory(municipality=utrecht, role=Role.POLICY_OFFICER).user
    cycle = CycleFactory(municipality=utrecht, phase=Phase.DUIDEN, title="4D-cyclus 2024-2025")
    kept = FindingFactory(cycle=cycle, theme="Leesachterstand groep 5")
    mistake = FindingFactory(cycle=cycle, theme="Testbevinding (dubbel)")
    GoalFactory(cycle=cycle, title="Meer kinderen lezen op niveau").findings.add(mistake)

    login(page, officer.email, TEST_PASSWORD)
    page.goto(f"/g/utrecht/cycli/{cycle.pk}/duiden/")
    page.get_by_role("link", name="Verwijderen bevinding Testbevinding (dubbel)").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Weet je zeker dat je de bevinding “Testbevinding (dubbel)” wilt verwijderen?"
    )
    expect(page.get_by_role("main")).to_contain_text("1 doel")
    assert_accessible(page, "cycle-delete-finding")

    page.get_by_role("button", name="Verwijderen").click()
    expect(page).to_have_url(re.compile(rf"/cycli/{cycle.pk}/duiden/#findings-section$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Bevinding “Testbevinding (dubbel)” verwijderd."
    )
    findings = page.locator("#findings-section")
    expect(findings).not_to_contain_text("Testbevinding (dubbel)")
    expect(findings).to_contain_text("Leesachterstand groep 5")
    assert list(Finding.objects.all()) == [kept]
