"""A school submits its NPO analysis with an attachment; the policy officer returns it with a
comment; the school resubmits; the officer accepts. Accessible (axe) on every page."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from analyses.models import AnalysisStatus, SchoolAnalysis
from municipalities.models import Role
from tests.analyses.factories import open_cycle, pdf_bytes
from tests.e2e.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD, MembershipFactory, MunicipalityFactory, SchoolFactory


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"
    utrecht = MunicipalityFactory(name="Utrecht", cbs_code="GM0344", slug="utrecht")
    cycle = open_cycle(utrecht)
    cycle.title = "NPO-cyclus 2024-2025"
    cycle.save()
    school = SchoolFactory(
        municipality=utrecht, name="Basisschool De Linde", vestigingscode="12AB00"
    )
    SchoolFactory(municipality=utrecht, name="Basisschool Het Anker")
    school_user = MembershipFactory(
        municipality=utrecht, role=Role.SCHOOL, school=school, user__email="directie@delinde.nl"
    ).user
    officer = MembershipFactory(
        municipality=utrecht, role=Role.POLICY_OFFICER, user__email="beleid@utrecht.nl"
    ).user
    return {
        "municipality": utrecht,
        "school": school,
        "school_user": school_user,
        "officer": officer,
    }


def switch_user(page, email):
    page.context.clear_cookies()
    login(page, email, TEST_PASSWORD)


def fill_domains(page, share: str):
    for domain in (
        "Taal/lezen",
        "Rekenen",
        "Sociaal-emotioneel",
        "Welbevinden",
        "Executieve functies",
    ):
        group = page.get_by_role("group", name=domain, exact=True)
        group.get_by_label("Kleine vertraging").check()
        group.get_by_label("Aandeel getroffen leerlingen (%)").fill(share)


def test_school_submits_officer_returns_school_resubmits_officer_accepts(page, setup):
    # 1. The school fills in its analysis.
    switch_user(page, "directie@delinde.nl")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Mijn schoolanalyse"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NPO-schoolanalyse")
    assert_accessible(page, "analyses-school-start")
    page.get_by_role("button", name="Begin met de analyse").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Schoolanalyse Basisschool De Linde"
    )
    fill_domains(page, "140")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_text("Vul een percentage van 0 tot en met 100 in.").first).to_be_visible()
    assert_accessible(page, "analyses-school-form-error")
    fill_domains(page, "30")
    need = page.get_by_role("group", name="Bovenschoolse maatregelen om vertragingen in te halen")
    need.get_by_label("Bovenschoolse maatregelen om vertragingen in te halen").check()
    need.get_by_label("Toelichting: wat is er nodig?").fill("Zomerschool voor groep 7 en 8")
    page.get_by_label("Eigen NPO-budget van de school (€)").fill("45.000")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("status")).to_contain_text("De analyse is opgeslagen.")

    # 2. With an attachment, then submitted.
    page.get_by_label("Analysedocument toevoegen").set_input_files(
        {"name": "schoolanalyse-de-linde.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Bijlage uploaden").click()
    expect(page.get_by_role("status")).to_contain_text("De bijlage is toegevoegd.")
    expect(page.get_by_role("link", name="schoolanalyse-de-linde.pdf")).to_be_visible()
    assert_accessible(page, "analyses-school-detail-draft")
    # Check your answers first: every answer with a change link, then submit.
    page.get_by_role("link", name="Controleren en indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Controleer je antwoorden voordat je indient"
    )
    expect(page.get_by_text("schoolanalyse-de-linde.pdf")).to_be_visible()
    assert_accessible(page, "analyses-check-answers")
    page.get_by_role("button", name="Indienen bij de gemeente").click()
    expect(page.get_by_role("status")).to_contain_text("De analyse is ingediend.")
    analysis = SchoolAnalysis.objects.get()
    assert analysis.status == AnalysisStatus.SUBMITTED
    assert [m.to for m in mail.outbox] == [["beleid@utrecht.nl"]]

    # 3. The officer sees it in the overview and returns it with a comment.
    switch_user(page, "beleid@utrecht.nl")
    page.goto("/g/utrecht/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Schoolanalyses"
    ).click()
    expect(page.get_by_text("1 van 2 schoolvestigingen ingediend (50%)")).to_be_visible()
    assert_accessible(page, "analyses-overview")
    page.get_by_role("link", name="Basisschool De Linde").click()
    page.get_by_label("Opmerking voor de school").fill("Graag het aandeel bij rekenen onderbouwen.")
    assert_accessible(page, "analyses-officer-review")
    page.get_by_role("button", name="Terugsturen met opmerking").click()
    expect(page.get_by_role("status")).to_contain_text("teruggestuurd naar de school")
    assert mail.outbox[-1].to == ["directie@delinde.nl"]

    # 4. The school sees the comment, changes the analysis and resubmits.
    switch_user(page, "directie@delinde.nl")
    page.goto(f"/g/utrecht/schoolanalyses/{analysis.pk}/")
    expect(page.get_by_text("Graag het aandeel bij rekenen onderbouwen.")).to_be_visible()
    page.get_by_label("Je reactie").fill("Dat doen we met de M-toetsen van januari.")
    page.get_by_role("button", name="Reactie versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Je reactie is verstuurd")
    assert mail.outbox[-1].to == ["beleid@utrecht.nl"]
    assert_accessible(page, "analyses-school-replied")
    page.get_by_role("link", name="Analyse bewerken").click()
    page.get_by_role("group", name="Rekenen", exact=True).get_by_label(
        "Aandeel getroffen leerlingen (%)"
    ).fill("45")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("link", name="Controleren en opnieuw indienen").click()
    page.get_by_role("button", name="Opnieuw indienen").click()
    expect(page.get_by_role("status")).to_contain_text("De analyse is ingediend.")
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.RESUBMITTED and analysis.share_rekenen == 45

    # 5. The officer accepts.
    switch_user(page, "beleid@utrecht.nl")
    page.goto(f"/g/utrecht/schoolanalyses/{analysis.pk}/")
    expect(page.get_by_text("Opnieuw ingediend").first).to_be_visible()
    expect(page.get_by_text("Dat doen we met de M-toetsen van januari.")).to_be_visible()
    page.get_by_label("Opmerking voor de school").fill("Dank, helder onderbouwd.")
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_role("status")).to_contain_text("De analyse is geaccepteerd.")
    assert_accessible(page, "analyses-accepted")
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.ACCEPTED
    assert mail.outbox[-1].to == ["directie@delinde.nl"]
    assert "geaccepteerd" in mail.outbox[-1].subject
    assert "Dank, helder onderbouwd." in mail.outbox[-1].body  # the accept remark is kept
    expect(page.get_by_text("Dank, helder onderbouwd.")).to_be_visible()
