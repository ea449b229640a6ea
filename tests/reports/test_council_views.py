"""Requesting the council evaluation: from the reports page (with the letter's kenmerk and
signatories), blocked by goals without an outcome, the letter as HTML, tenant isolation, and the
advisors' bulk request (blocked municipalities named with their reason, the others queued)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import GoalOutcome, Phase
from municipalities.models import Municipality, Role
from reports.models import ReportJob
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.test_council_collect import GOALS, council_fill

pytestmark = pytest.mark.django_db

LIST = "/g/utrecht/rapportages/"
BULK = "/rapportages/bulk/"


@pytest.fixture
def evaluated(municipality, officer):
    cycle, _ = council_fill(municipality, user=officer)
    return cycle


def test_officer_requests_the_letter_with_kenmerk_and_names(
    officer_client, municipality, evaluated, django_capture_on_commit_callbacks
):
    page = officer_client.get(LIST).content.decode()
    assert "Maak raadsinformatiebrief" in page and "NPO 2023–2025" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            LIST,
            {
                "kind": "raadsinformatiebrief",
                "cycle": evaluated.pk,
                "kenmerk": " RIB-2026-117 ",
                "burgemeester": "S. Dijksma",
                "secretaris": "",
            },
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}?job={job.pk}#job-{job.pk}"
    assert (job.kind, job.cycle, job.stream) == ("raadsinformatiebrief", evaluated, None)
    assert job.options == {"kenmerk": "RIB-2026-117", "burgemeester": "S. Dijksma"}
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.filename == f"raadsinformatiebrief-utrecht-v{job.pk and job.version}.pdf"

    html = officer_client.get(f"{LIST}{job.pk}/").content.decode()
    assert "Aan de gemeenteraad van Utrecht" in html and "RIB-2026-117" in html
    for title, *_rest in GOALS:
        assert title in html
    assert 'href="#vervolg"' in html and "S. Dijksma" in html
    assert "Nog geen besluit" in html
    pdf = officer_client.get(f"{LIST}{job.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    listing = officer_client.get(LIST).content.decode()
    assert "Raadsinformatiebrieven" in listing and f"{LIST}{job.pk}/" in listing


def test_goals_without_an_outcome_block_the_request(officer_client, municipality):
    cycle, _ = council_fill(municipality, outcomes=False)
    response = officer_client.post(LIST, {"kind": "raadsinformatiebrief", "cycle": cycle.pk})
    assert response.status_code == 400
    assert ReportJob.objects.count() == 0
    text = response.content.decode()
    assert "3 doelen van de cyclus “NPO 2023–2025” hebben nog geen resultaat" in text
    assert "“Minder thuiszitters”" in text


def test_a_cycle_not_yet_in_evaluatie_cannot_be_chosen(officer_client, municipality):
    cycle, _ = council_fill(municipality, phase=Phase.DOEN)
    page = officer_client.get(LIST).content.decode()
    assert "Er is nog geen cyclus in de fase Evaluatie of Afgerond" in page
    response = officer_client.post(LIST, {"kind": "raadsinformatiebrief", "cycle": cycle.pk})
    assert response.status_code == 400 and ReportJob.objects.count() == 0
    assert "Kies een cyclus in de fase Evaluatie of Afgerond." in response.content.decode()


def test_another_municipalitys_letter_and_cycle_are_out_of_reach(
    client, municipality, other_municipality, evaluated, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = ReportJob.objects.create(
            municipality=municipality, cycle=evaluated, kind="raadsinformatiebrief", version=1
        )
        from reports.services import report_run_now

        report_run_now(job_pk=job.pk)
    stranger = MembershipFactory(municipality=other_municipality, role=Role.POLICY_OFFICER).user
    client.force_login(stranger)
    for url in (f"/g/zwolle/rapportages/{job.pk}/", f"/g/zwolle/rapportages/{job.pk}/pdf/"):
        assert client.get(url).status_code == 404
    assert client.get(f"{LIST}{job.pk}/").status_code in (403, 404)
    # Utrecht's cycle is no choice on Zwolle's page.
    response = client.post(
        "/g/zwolle/rapportages/", {"kind": "raadsinformatiebrief", "cycle": evaluated.pk}
    )
    assert response.status_code == 400 and ReportJob.objects.count() == 1
    # A school of Utrecht does not see the letter (only published plans).
    school = MembershipFactory(municipality=municipality, role=Role.SCHOOL).user
    client.force_login(school)
    assert client.get(f"{LIST}{job.pk}/").status_code == 404


def test_the_reports_page_takes_the_same_queries_with_more_letters(
    officer_client, municipality, evaluated, officer
):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert officer_client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    ReportJob.objects.create(
        municipality=municipality, cycle=evaluated, kind="raadsinformatiebrief", version=1
    )
    before = count()
    for version in range(2, 6):
        ReportJob.objects.create(
            municipality=municipality,
            cycle=evaluated,
            kind="raadsinformatiebrief",
            version=version,
            requested_by=officer,
        )
    assert count() == before


# --- Bulk (advisors) --------------------------------------------------------------------------


@pytest.fixture
def advisor_of_three(municipality, other_municipality, member_factory):
    amersfoort = MunicipalityFactory(name="Amersfoort", cbs_code="GM0307", slug="amersfoort")
    user = member_factory(municipality, Role.ADVISOR)
    for other in (other_municipality, amersfoort):
        MembershipFactory(user=user, municipality=other, role=Role.ADVISOR)
    council_fill(municipality)
    council_fill(other_municipality, phase=Phase.AFGEROND)
    blocked, _ = council_fill(amersfoort, outcomes=False)
    GoalOutcome.objects.create(
        municipality=amersfoort,
        goal=blocked.goals.get(title=GOALS[0][0]),
        result="achieved",
        explanation="ok",
    )
    return user, amersfoort


def test_bulk_council_letters_queue_the_open_and_name_the_blocked(
    client, advisor_of_three, municipality, other_municipality, django_capture_on_commit_callbacks
):
    advisor, amersfoort = advisor_of_three
    client.force_login(advisor)
    page = client.get(f"{BULK}?kind=raadsinformatiebrief").content.decode()
    assert (
        '<h1 class="utrecht-heading-1">Raadsinformatiebrieven voor meerdere gemeenten</h1>' in page
    )
    assert ">Amersfoort</label>" in page and "Nog niet mogelijk" in page
    assert "Cyclus “NPO 2023–2025” (Afgerond)." in page  # Zwolle's closed cycle
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BULK,
            {
                "kind": "raadsinformatiebrief",
                "municipalities": [municipality.pk, other_municipality.pk, amersfoort.pk],
            },
        )
    assert response.status_code == 302
    jobs = list(ReportJob.objects.order_by("municipality__name"))
    assert [(j.municipality.name, j.kind, j.status) for j in jobs] == [
        ("Utrecht", "raadsinformatiebrief", "done"),
        ("Zwolle", "raadsinformatiebrief", "done"),
    ]
    assert all(j.cycle.title == "NPO 2023–2025" and j.requested_by == advisor for j in jobs)
    assert re.fullmatch(rf"{BULK}\?kind=raadsinformatiebrief&jobs=\d+,\d+", response.url)

    followed = client.get(response.url).content.decode()
    assert "Amersfoort: geen raadsinformatiebrief aangevraagd." in followed
    assert "2 doelen van de cyclus “NPO 2023–2025” hebben nog geen resultaat" in followed
    assert "De raadsinformatiebrief is aangevraagd voor 2 gemeenten." in followed
    progress = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "2 van 2 raadsinformatiebrieven klaar" in progress
    assert "hx-trigger" not in progress  # all finished: polling stops
    assert progress.count("/pdf/") == 2


def test_bulk_council_letters_only_for_the_advisors_municipalities(
    client, municipality, other_municipality, member_factory
):
    advisor = member_factory(municipality, Role.ADVISOR)
    MembershipFactory(user=advisor, municipality=other_municipality, role=Role.POLICY_OFFICER)
    council_fill(other_municipality)
    client.force_login(advisor)
    response = client.post(
        BULK, {"kind": "raadsinformatiebrief", "municipalities": [other_municipality.pk]}
    )
    assert response.status_code == 400 and ReportJob.objects.count() == 0
    page = client.get(f"{BULK}?kind=raadsinformatiebrief").content.decode()
    assert ">Zwolle</label>" not in page


def test_bulk_gemeentefoto_stays_the_default(
    client, advisor_of_three, municipality, django_capture_on_commit_callbacks
):
    advisor, _ = advisor_of_three
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, {"municipalities": [municipality.pk]})
    job = ReportJob.objects.get()
    assert job.kind == "gemeentefoto" and response.url == f"{BULK}?jobs={job.pk}"


def test_the_bulk_council_page_takes_the_same_queries_with_more_municipalities(
    client, advisor_of_three, municipality, django_capture_on_commit_callbacks
):
    advisor, _ = advisor_of_three
    client.force_login(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(BULK, {"kind": "raadsinformatiebrief", "municipalities": [municipality.pk]})
    pks = ",".join(str(pk) for pk in ReportJob.objects.values_list("pk", flat=True))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"{BULK}?kind=raadsinformatiebrief&jobs={pks}")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(3):
        extra = MunicipalityFactory(name=f"Extra {i}", slug=f"extra-{i}", cbs_code=f"GM09{i:02d}")
        MembershipFactory(user=advisor, municipality=extra, role=Role.ADVISOR)
        council_fill(extra, phase=Phase.AFGEROND)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            BULK,
            {
                "kind": "raadsinformatiebrief",
                "municipalities": list(Municipality.objects.values_list("pk", flat=True)),
            },
        )
    pks = ",".join(str(pk) for pk in ReportJob.objects.values_list("pk", flat=True))
    assert ReportJob.objects.count() > 3
    assert count() == before


def test_the_portfolio_requests_council_letters_for_the_selected_municipalities(
    client, advisor_of_three, municipality, other_municipality, django_capture_on_commit_callbacks
):
    """The portfolio's bulk form has a button for the letters: it posts kind=raadsinformatiebrief
    with the ticked municipalities to the bulk page, which queues them and follows them."""
    advisor, _ = advisor_of_three
    client.force_login(advisor)
    portfolio = client.get(reverse("portfolio:index")).content.decode()
    button = re.search(r'<button[^>]*value="raadsinformatiebrief"[^>]*>([^<]+)</button>', portfolio)
    assert button and button.group(1) == "Maak raadsinformatiebrieven"
    assert 'name="kind"' in button.group(0)
    form = re.search(r'<form method="post" action="([^"]+)" class="portfolio-bulk">', portfolio)
    assert form and form.group(1) == BULK
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            BULK,
            {
                "kind": "raadsinformatiebrief",
                "municipalities": [municipality.pk, other_municipality.pk],
            },
        )
    assert response.status_code == 302 and "kind=raadsinformatiebrief" in response.url
    assert ReportJob.objects.filter(kind="raadsinformatiebrief", status="done").count() == 2
