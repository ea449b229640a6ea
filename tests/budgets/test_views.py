import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import Allocation, Commitment, PlannedAmount, Spending, SpendingGoal
from municipalities.models import Role
from tests.budgets.factories import (
    ActivityFactory,
    AllocationFactory,
    CommitmentFactory,
    GoalFactory,
    PartnerFactory,
    SpendingFactory,
    SpendingGoalFactory,
    open_cycle,
    stream,
)

pytestmark = pytest.mark.django_db
D = Decimal
BASE = "/g/utrecht/budget/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def objects(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    return {
        "allocation": AllocationFactory(municipality=municipality),
        "spending_goal": goal,
        "commitment": CommitmentFactory(spending_goal=goal),
        "spending": SpendingFactory(spending_goal=goal),
    }


def read_urls(o):
    return [
        BASE,
        f"{BASE}toekenningen/",
        f"{BASE}bestedingsdoelen/",
        f"{BASE}verplichtingen/",
        f"{BASE}realisatie/",
        f"{BASE}export/verantwoording.xlsx",
        f"{BASE}export/sisa.csv",
    ]


def edit_urls(o):
    return [
        f"{BASE}toekenningen/nieuw/",
        f"{BASE}toekenningen/{o['allocation'].pk}/",
        f"{BASE}toekenningen/{o['allocation'].pk}/verwijderen/",
        f"{BASE}bestedingsdoelen/nieuw/",
        f"{BASE}bestedingsdoelen/{o['spending_goal'].pk}/",
        f"{BASE}verplichtingen/nieuw/",
        f"{BASE}verplichtingen/{o['commitment'].pk}/",
        f"{BASE}realisatie/nieuw/",
        f"{BASE}realisatie/{o['spending'].pk}/verwijderen/",
    ]


@pytest.mark.parametrize("role", [Role.POLICY_OFFICER, Role.ADVISOR, Role.VIEWER])
def test_readers_read_everything(client, municipality, member_factory, objects, role):
    client.force_login(member_factory(municipality, role))
    for url in read_urls(objects):
        assert client.get(url).status_code == 200, url


def test_viewer_cannot_open_forms_or_post(client, municipality, member_factory, objects):
    client.force_login(member_factory(municipality, Role.VIEWER))
    for url in edit_urls(objects):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    page = client.get(f"{BASE}toekenningen/").content.decode()
    assert "Toekenning toevoegen" not in page and "Wijzigen" not in page
    assert Allocation.objects.count() == 1


def test_school_sees_nothing_of_budgets(client, municipality, member_factory, objects):
    client.force_login(member_factory(municipality, Role.SCHOOL))
    for url in [*read_urls(objects), *edit_urls(objects)]:
        assert client.get(url).status_code == 403, url
    page = client.get("/g/utrecht/").content.decode()
    assert f'href="{BASE}"' not in page


def test_another_municipality_gets_404_for_objects(
    client, other_municipality, member_factory, municipality
):
    goal = SpendingGoalFactory(municipality=other_municipality)
    foreign = {
        "allocation": AllocationFactory(municipality=other_municipality),
        "spending_goal": goal,
        "commitment": CommitmentFactory(spending_goal=goal),
        "spending": SpendingFactory(spending_goal=goal),
    }
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    for url in edit_urls(foreign)[1:]:
        if "nieuw" in url:
            continue
        assert client.get(url).status_code == 404, url
    assert (
        client.get(f"{BASE}toekenningen/{foreign['allocation'].pk}/beschikking/").status_code == 404
    )
    # And a non-member of Utrecht gets 404 for the whole section.
    client.force_login(member_factory(other_municipality, Role.POLICY_OFFICER))
    assert client.get(BASE).status_code == 404


def test_officer_records_allocation_with_dutch_amount(officer_client):
    response = officer_client.post(
        f"{BASE}toekenningen/nieuw/",
        {
            "stream": stream().pk,
            "period": "2023-2024",
            "amount": "1.234.567,89",
            "reference": "BS-2023-17",
        },
    )
    assert response.status_code == 302
    allocation = Allocation.objects.get()
    assert allocation.amount == D("1234567.89")
    page = officer_client.get(f"{BASE}toekenningen/").content.decode()
    assert "€ 1.234.567,89" in page


@pytest.mark.parametrize(
    ("amount", "period", "message"),
    [
        ("12,3,4", "2023-2024", "meer dan één decimaalteken"),
        ("abc", "2023-2024", "alleen uit cijfers"),
        ("-100", "2023-2024", "niet negatief"),
        ("10,001", "2023-2024", "hoogstens twee cijfers"),
        ("100", "2024", "NPO gemeenten gaat per schooljaar"),
        ("100", "2023-2025", "twee opeenvolgende jaren"),
    ],
)
def test_bad_allocation_input_is_refused_in_dutch(officer_client, amount, period, message):
    response = officer_client.post(
        f"{BASE}toekenningen/nieuw/",
        {"stream": stream().pk, "period": period, "amount": amount},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Allocation.objects.exists()


def test_estimate_needs_a_basis_and_shows_as_schatting(officer_client):
    data = {"stream": stream().pk, "period": "2021-2022", "amount": "100", "is_estimate": "on"}
    response = officer_client.post(f"{BASE}toekenningen/nieuw/", data)
    assert "Leg uit waarop de schatting is gebaseerd." in response.content.decode()
    data["estimate_basis"] = "1.000 leerlingen × € 118,11"
    assert officer_client.post(f"{BASE}toekenningen/nieuw/", data).status_code == 302
    assert "schatting" in officer_client.get(f"{BASE}toekenningen/").content.decode()
    assert "schatting" in officer_client.get(BASE).content.decode()


def test_letter_is_private_and_served_only_to_readers(
    officer_client, client, municipality, member_factory, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    not_pdf = SimpleUploadedFile("brief.pdf", b"<html>no</html>", content_type="application/pdf")
    data = {"stream": stream().pk, "period": "2023-2024", "amount": "10"}
    response = officer_client.post(f"{BASE}toekenningen/nieuw/", {**data, "letter": not_pdf})
    assert "Voeg de beschikking toe als pdf-bestand." in response.content.decode()
    misnamed = SimpleUploadedFile("brief.docx", PDF, content_type="application/pdf")
    response = officer_client.post(f"{BASE}toekenningen/nieuw/", {**data, "letter": misnamed})
    assert "De naam eindigt op .docx, maar het bestand is een PDF-bestand." in (
        response.content.decode()
    )
    letter = SimpleUploadedFile("Beschikking NPO.pdf", PDF, content_type="application/pdf")
    assert (
        officer_client.post(f"{BASE}toekenningen/nieuw/", {**data, "letter": letter}).status_code
        == 302
    )
    allocation = Allocation.objects.get()
    assert allocation.letter.name.startswith(f"budgets/beschikkingen/{municipality.pk}/")
    assert "Beschikking" not in allocation.letter.name  # random stored name
    assert (
        allocation.letter.name.endswith(".pdf") and allocation.letter_name == "Beschikking NPO.pdf"
    )
    url = f"{BASE}toekenningen/{allocation.pk}/beschikking/"
    response = officer_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    client.force_login(member_factory(municipality, Role.SCHOOL))
    assert client.get(url).status_code == 403


def test_spending_goal_with_planned_amounts_and_goals(officer_client, municipality):
    cycle = open_cycle(municipality)
    goal = GoalFactory(municipality=municipality)
    data = {
        "cycle": cycle.pk,
        "category": "inhalen",
        "suboption": "zomerschool",
        "title": "Zomerschool 2024",
        "description": "",
        "goals": [goal.pk],
        "gepland-TOTAL_FORMS": "2",
        "gepland-INITIAL_FORMS": "0",
        "gepland-0-stream": stream().pk,
        "gepland-0-period": "2023-2024",
        "gepland-0-amount": "12.500,50",
        "gepland-1-stream": stream("overig").pk,
        "gepland-1-period": "2024",
        "gepland-1-amount": "1.000",
    }
    assert officer_client.post(f"{BASE}bestedingsdoelen/nieuw/", data).status_code == 302
    spending_goal = SpendingGoal.objects.get()
    assert list(spending_goal.goals.all()) == [goal]
    assert sorted(spending_goal.planned_amounts.values_list("amount", flat=True)) == [
        D("1000.00"),
        D("12500.50"),
    ]
    # Editing replaces the planned rows; a wrong period kind is refused and nothing changes.
    bad = {**data, "gepland-1-period": "2024-2025"}
    response = officer_client.post(f"{BASE}bestedingsdoelen/{spending_goal.pk}/", bad)
    assert response.status_code == 200
    assert "gaat per kalenderjaar" in response.content.decode()
    assert PlannedAmount.objects.count() == 2


def test_spending_goal_suboption_must_fit_category(officer_client, municipality):
    data = {
        "cycle": open_cycle(municipality).pk,
        "category": "voorschool",
        "suboption": "zomerschool",
        "title": "X",
        "gepland-TOTAL_FORMS": "0",
        "gepland-INITIAL_FORMS": "0",
    }
    response = officer_client.post(f"{BASE}bestedingsdoelen/nieuw/", data)
    assert "Dit onderdeel hoort niet bij de gekozen categorie." in response.content.decode()
    assert not SpendingGoal.objects.exists()


def test_goals_of_another_cycle_are_refused(officer_client, municipality):
    from tests.budgets.factories import CycleFactory

    old = CycleFactory(municipality=municipality, phase="afgerond")
    old_goal = GoalFactory(municipality=municipality, cycle=old)
    data = {
        "cycle": open_cycle(municipality).pk,
        "category": "inhalen",
        "title": "X",
        "goals": [old_goal.pk],
        "gepland-TOTAL_FORMS": "0",
        "gepland-INITIAL_FORMS": "0",
    }
    response = officer_client.post(f"{BASE}bestedingsdoelen/nieuw/", data)
    assert "Kies alleen doelen uit de gekozen cyclus." in response.content.decode()


def test_commitment_and_negative_spending(officer_client, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    partner = PartnerFactory(municipality=municipality)
    activity = ActivityFactory(municipality=municipality)
    data = {
        "date": "2024-03-01",
        "amount": "2.500,00",
        "stream": stream().pk,
        "spending_goal": goal.pk,
        "partner": partner.pk,
        "activity": activity.pk,
        "description": "Opdracht bijlesbureau",
        "reference": "PO-1",
    }
    assert officer_client.post(f"{BASE}verplichtingen/nieuw/", data).status_code == 302
    assert Commitment.objects.get().partner == partner
    refused = officer_client.post(f"{BASE}verplichtingen/nieuw/", {**data, "amount": "-1"})
    assert "niet negatief" in refused.content.decode()
    credit = {**data, "amount": "-250,00", "description": "Creditnota"}
    assert officer_client.post(f"{BASE}realisatie/nieuw/", credit).status_code == 302
    assert Spending.objects.get().amount == D("-250.00")


def test_partner_and_goal_of_another_municipality_are_refused(
    officer_client, municipality, other_municipality
):
    foreign_goal = SpendingGoalFactory(municipality=other_municipality)
    foreign_partner = PartnerFactory(municipality=other_municipality)
    data = {
        "date": "2024-03-01",
        "amount": "1",
        "stream": stream().pk,
        "spending_goal": foreign_goal.pk,
        "partner": foreign_partner.pk,
        "description": "x",
    }
    response = officer_client.post(f"{BASE}realisatie/nieuw/", data)
    assert response.status_code == 200
    assert not Spending.objects.exists()


def test_spending_outside_window_is_saved_with_a_warning(officer_client, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    data = {
        "date": "2025-09-01",
        "amount": "10",
        "stream": stream().pk,
        "spending_goal": goal.pk,
        "description": "Te laat",
    }
    response = officer_client.post(f"{BASE}realisatie/nieuw/", data, follow=True)
    assert "valt buiten de bestedingstermijn van NPO gemeenten" in response.content.decode()
    overview = officer_client.get(BASE).content.decode()
    assert 'data-code="outside_window_spending"' in overview


def test_spending_goal_with_spending_cannot_be_deleted(officer_client, municipality):
    spending = SpendingFactory(spending_goal__municipality=municipality)
    url = f"{BASE}bestedingsdoelen/{spending.spending_goal.pk}/verwijderen/"
    response = officer_client.post(url, follow=True)
    assert "kan daarom niet worden verwijderd" in response.content.decode()
    assert SpendingGoal.objects.exists()


@pytest.mark.parametrize(
    ("url", "make"),
    [
        (f"{BASE}toekenningen/", lambda m, i: AllocationFactory(municipality=m)),
        (f"{BASE}verplichtingen/", lambda m, i: CommitmentFactory(spending_goal__municipality=m)),
        (f"{BASE}realisatie/", lambda m, i: SpendingFactory(spending_goal__municipality=m)),
        (
            f"{BASE}bestedingsdoelen/",
            lambda m, i: __import__(
                "tests.budgets.factories"
            ).budgets.factories.PlannedAmountFactory(spending_goal__municipality=m),
        ),
    ],
)
def test_list_pages_query_count_does_not_grow(officer_client, municipality, url, make):
    make(municipality, 0)
    with CaptureQueriesContext(connection) as few:
        assert officer_client.get(url).status_code == 200
    for i in range(20):
        make(municipality, i)
    with CaptureQueriesContext(connection) as many:
        assert officer_client.get(url).status_code == 200
    assert len(few) == len(many)


def test_overview_htmx_partial_and_peildatum(officer_client, municipality):
    AllocationFactory(municipality=municipality, period="2021-2022", amount=D("1000.00"))
    SpendingFactory(
        spending_goal__municipality=municipality, date=datetime.date(2021, 9, 1), amount=D("10")
    )
    response = officer_client.get(f"{BASE}?peildatum=2022-07-31", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="overview-body">')
    assert "naar verwachting" in html
    bad = officer_client.get(f"{BASE}?peildatum=morgen").content.decode()
    assert "De peildatum is geen geldige datum" in bad


def test_commitment_and_spending_pages_follow_the_language_of_the_request(officer_client):
    # Their titles were once translated at import time, so they stayed Dutch in English.
    assert officer_client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    commitments = officer_client.get(f"{BASE}verplichtingen/").content.decode()
    assert (
        '<h1 class="utrecht-heading-1">Commitments</h1>' in commitments
        and "Record commitment" in commitments
    )
    spending = officer_client.get(f"{BASE}realisatie/").content.decode()
    assert (
        '<h1 class="utrecht-heading-1">Spending</h1>' in spending and "Record payment" in spending
    )
    assert "Verplichtingen zijn bedragen" not in commitments
    assert "Realisatie zijn de bedragen" not in spending


def test_dates_in_lists_use_the_one_house_style(officer_client, municipality):
    # Once "15-03-2024" here, "1 Aug 2023" and "31 Okt 2026" elsewhere; now "15 mrt. 2024".
    CommitmentFactory(municipality=municipality, date=datetime.date(2024, 3, 15))
    body = officer_client.get(f"{BASE}verplichtingen/").content.decode()
    assert "15 mrt. 2024" in body and "15-03-2024" not in body
    assert officer_client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert "15 March 2024" in officer_client.get(f"{BASE}verplichtingen/").content.decode()


@pytest.mark.parametrize(
    ("peildatum", "status"),
    [("9999-12-31", 400), ("1899-12-31", 400), ("2100-12-31", 200), ("1900-01-01", 200)],
)
def test_peildatum_outside_1900_2100_gets_the_dutch_400_page(
    officer_client, municipality, peildatum, status
):
    response = officer_client.get(f"{BASE}?peildatum={peildatum}")
    assert response.status_code == status
    if status == 400:
        assert "Ongeldige aanvraag" in response.content.decode()
