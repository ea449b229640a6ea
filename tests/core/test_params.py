"""Query parameters are validated: out-of-range dates and oversized ids give a Dutch 400 page,
never a 500."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.portfolio.factories import advisor_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def activity_url(municipality):
    return reverse("municipalities:activity_log", kwargs={"municipality_slug": municipality.slug})


@pytest.mark.parametrize("param", ["date_to", "date_from"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_activity_log_refuses_dates_outside_1900_2100(officer_client, municipality, param, value):
    response = officer_client.get(activity_url(municipality), {param: value})
    assert response.status_code == 400
    assert "Kies een datum tussen 1900 en 2100." in response.content.decode()


@pytest.mark.parametrize("value", ["1900-01-01", "2100-12-31"])
def test_activity_log_accepts_the_bounds(officer_client, municipality, value):
    response = officer_client.get(activity_url(municipality), {"date_to": value})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "jobs",
    ["99999999999999999999", "2147483648", "1," * 401 + "1", "9" * 5000, "0", "1e3", "١"],
)
def test_bulk_progress_refuses_oversized_ids_with_a_400_page(client, jobs):
    user, _ = advisor_with(1, filled=False)
    client.force_login(user)
    response = client.get(reverse("reports_bulk:bulk"), {"jobs": jobs})
    assert response.status_code == 400
    assert "Ongeldige aanvraag" in response.content.decode()


def test_bulk_progress_takes_plain_ids(client):
    user, _ = advisor_with(1, filled=False)
    client.force_login(user)
    assert client.get(reverse("reports_bulk:bulk"), {"jobs": "2147483647,1"}).status_code == 200


@pytest.mark.parametrize("cyclus", ["99999999999999999999", "9" * 5000, "-1"])
def test_analysis_overview_refuses_an_oversized_cycle_id(officer_client, municipality, cyclus):
    url = reverse("analyses:overview", kwargs={"municipality_slug": municipality.slug})
    response = officer_client.get(url, {"cyclus": cyclus})
    assert response.status_code == 400
