"""XLSX export and bulk actions: the advisor's own municipalities only, tampered ids refused."""

import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from analyses.models import AnalysisReminder, AnalysisStatus
from cycles.models import Cycle
from municipalities.models import Role
from reports.models import ReportJob
from schools.models import School
from tests.factories import MembershipFactory, UserFactory
from tests.portfolio.factories import advisor_with, analysis, fill, new_municipality

EXPORT = "/portfolio/export.xlsx"
REMINDERS = "/portfolio/herinneringen/"
BULK = "/rapportages/bulk/"


def sheet_rows(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


@pytest.mark.django_db
def test_export_has_the_rows_as_filtered_and_sorted(client):
    user, (a, b) = advisor_with(2)
    client.force_login(user)
    response = client.get(EXPORT, {"sort": "-name"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response)
    assert rows[0][0] == "Gemeente"
    assert [r[0] for r in rows[1:]] == sorted([a.name, b.name], reverse=True)
    assert float(rows[1][7]) == 100000.0  # allocated, a number the spreadsheet can sum


@pytest.mark.django_db
def test_export_neutralises_formula_text(client):
    user, (m,) = advisor_with(1)
    Cycle.objects.filter(municipality=m).update(title='=HYPERLINK("http://evil","klik")')
    client.force_login(user)
    rows = sheet_rows(client.get(EXPORT))
    assert rows[1][2] == '\'=HYPERLINK("http://evil","klik")'


@pytest.mark.django_db
def test_export_never_contains_another_municipality(client):
    user, (mine,) = advisor_with(1)
    foreign = new_municipality(name="Vreemdegem")
    fill(foreign)
    MembershipFactory(user=user, municipality=foreign, role=Role.POLICY_OFFICER)
    client.force_login(user)
    rows = sheet_rows(client.get(EXPORT))
    assert [r[0] for r in rows[1:]] == [mine.name]


@pytest.mark.django_db
def test_export_for_a_non_advisor_is_empty(client):
    user = UserFactory()
    m = new_municipality()
    fill(m)
    MembershipFactory(user=user, municipality=m, role=Role.POLICY_OFFICER)
    client.force_login(user)
    assert sheet_rows(client.get(EXPORT)) == [sheet_rows(client.get(EXPORT))[0]]


# --- Bulk gemeentefoto: the portfolio form posts to the reports app's bulk page --------------


@pytest.mark.django_db
def test_portfolio_form_posts_the_selection_to_the_bulk_report_page(client):
    user, _ = advisor_with(2)
    client.force_login(user)
    content = client.get("/portfolio/").content.decode()
    assert f'action="{BULK}"' in content
    assert 'name="municipalities"' in content
    assert 'formaction="/portfolio/herinneringen/"' in content


@pytest.mark.django_db
def test_bulk_gemeentefoto_with_a_foreign_id_creates_nothing(client):
    user, (mine,) = advisor_with(1)
    foreign = new_municipality(name="Vreemdegem")
    MembershipFactory(user=user, municipality=foreign, role=Role.POLICY_OFFICER)
    client.force_login(user)
    before = ReportJob.objects.count()
    response = client.post(BULK, {"municipalities": [mine.pk, foreign.pk]})
    assert response.status_code == 400
    assert ReportJob.objects.count() == before
    assert not ReportJob.objects.filter(municipality=foreign).exists()


@pytest.mark.django_db
def test_bulk_gemeentefoto_for_own_selection_builds_one_job_each(
    client, django_capture_on_commit_callbacks
):
    user, (a, b) = advisor_with(2)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, {"municipalities": [a.pk, b.pk]})
    assert response.status_code == 302
    jobs = ReportJob.objects.filter(requested_by=user)
    assert sorted(j.municipality_id for j in jobs) == sorted([a.pk, b.pk])
    progress = client.get(response["Location"])
    assert progress.context["all_finished"] is True  # eager Celery in tests
    assert progress.context["overall"] == 100


# --- Bulk analysis reminders -------------------------------------------------------------------


def _school_user(school):
    return MembershipFactory(municipality=school.municipality, role=Role.SCHOOL, school=school).user


@pytest.fixture
def reminder_setup(db):
    user, (a, b) = advisor_with(2, filled=False)
    cycles = {m.pk: fill(m, schools=2) for m in (a, b)}
    for m in (a, b):
        first, second = School.objects.filter(municipality=m).order_by("pk")
        _school_user(first)
        _school_user(second)
        analysis(first, cycles[m.pk], AnalysisStatus.SUBMITTED)  # received: no reminder
    foreign = new_municipality(name="Vreemdegem")
    fill(foreign, schools=1)
    _school_user(School.objects.get(municipality=foreign))
    return user, a, b, foreign


@pytest.mark.django_db
def test_reminders_for_the_selected_municipalities(
    client, reminder_setup, django_capture_on_commit_callbacks
):
    user, a, b, _foreign = reminder_setup
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMINDERS, {"municipalities": [a.pk]}, follow=True)
    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert AnalysisReminder.objects.filter(municipality=a).count() == 1
    assert not AnalysisReminder.objects.filter(municipality=b).exists()
    assert "1 herinnering verstuurd (1 school)." in response.content.decode()


@pytest.mark.django_db
def test_tampered_reminder_post_with_a_foreign_id_sends_nothing(
    client, reminder_setup, django_capture_on_commit_callbacks
):
    user, a, _b, foreign = reminder_setup
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMINDERS, {"municipalities": [a.pk, foreign.pk]})
    assert response.status_code == 400
    assert "geen adviseur" in response.content.decode()
    assert mail.outbox == []
    assert not AnalysisReminder.objects.exists()


@pytest.mark.django_db
def test_reminders_without_a_selection_say_so_at_the_selection(client, reminder_setup):
    """The error stands at the checkboxes and in the error summary, not in a banner."""
    user, a, _b, _foreign = reminder_setup
    client.force_login(user)
    response = client.post(REMINDERS, {})
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        'class="utrecht-alert utrecht-alert--error" id="form-errors"' in page
        and "Kies minstens één gemeente." in page
    )
    assert (
        '<p class="utrecht-form-field-error-message" id="bulk-error">Kies minstens één gemeente.</p>'
        in page
    )
    assert 'aria-describedby="bulk-error"' in page
    assert 'href="#select-' in page  # the summary leads to the first checkbox
    assert not list(response.context["messages"])
    assert not AnalysisReminder.objects.exists()


@pytest.mark.django_db
def test_reminders_by_a_policy_officer_of_that_municipality_are_refused(client, reminder_setup):
    """Bulk actions are for advisors: an officer membership is not enough."""
    _user, a, _b, _foreign = reminder_setup
    officer = MembershipFactory(municipality=a, role=Role.POLICY_OFFICER).user
    client.force_login(officer)
    client.post(REMINDERS, {"municipalities": [a.pk]})
    assert not AnalysisReminder.objects.exists()


def test_reminders_need_post_and_login(client):
    assert client.get(REMINDERS).status_code in (302, 405)
    assert client.post(REMINDERS, {}).status_code == 302


@pytest.mark.django_db
def test_bulk_reminders_skip_a_municipality_that_waived_its_analyses(
    client, reminder_setup, django_capture_on_commit_callbacks
):
    user, a, b, _foreign = reminder_setup
    Cycle.objects.filter(municipality=b).update(
        analyses_waived=True, analyses_waiver_reason="Al bij het samenwerkingsverband."
    )
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMINDERS, {"municipalities": [a.pk, b.pk]}, follow=True)
    assert len(mail.outbox) == 1
    assert not AnalysisReminder.objects.filter(municipality=b).exists()
    assert (
        f"Geen schoolanalyses nodig in deze cyclus, dus geen herinnering: {b.name}."
        in response.content.decode()
    )
