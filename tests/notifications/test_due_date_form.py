"""The analyses' due date is set per cycle on the Data page (the waiver form), read by the pass."""

import datetime

import pytest
from django.urls import reverse

from cycles.models import Cycle
from tests.cycles.factories import CycleFactory

pytestmark = pytest.mark.django_db


def test_the_due_date_is_set_on_the_data_page(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality)
    url = reverse("cycles:waiver", args=[municipality.slug, cycle.pk])
    response = officer_client.post(url, {"reason": "", "analyses_due": "2027-01-15"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.analyses_due == datetime.date(2027, 1, 15)
    page = officer_client.get(reverse("cycles:data", args=[municipality.slug, cycle.pk]))
    html = page.content.decode()
    assert "Inleverdatum schoolanalyses: 15 jan. 2027." in html
    assert 'name="analyses_due"' in html and 'value="2027-01-15"' in html


def test_a_malformed_due_date_gets_a_dutch_error_and_saves_nothing(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, analyses_due=datetime.date(2027, 1, 15))
    url = reverse("cycles:waiver", args=[municipality.slug, cycle.pk])
    response = officer_client.post(url, {"reason": "", "analyses_due": "15-13-2027"})
    assert response.status_code in (200, 400)
    assert "Voer een geldige datum in." in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).analyses_due == datetime.date(2027, 1, 15)
