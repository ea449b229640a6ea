"""What editors enter: reported SiSa values, the year and an eindverantwoording already given,
consultations; all only while the accounting is a concept."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from closeout import services
from closeout.models import ReportedSisaValue
from municipalities.versions import version_of
from tests.closeout.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
BASE = "/g/utrecht/eindverantwoording/npo-gemeenten/"


def test_reported_values_are_set_changed_and_cleared(ready, preparer):
    services.reported_values_save(
        accounting=ready, user=preparer, amounts={2022: Decimal("1000"), 2023: Decimal("5")}
    )
    services.reported_values_save(
        accounting=ready, user=preparer, amounts={2022: Decimal("1100"), 2023: None}
    )
    assert dict(ReportedSisaValue.objects.values_list("year", "amount")) == {2022: Decimal("1100")}


def test_a_year_outside_the_accounting_is_refused(ready, preparer):
    with pytest.raises(ValidationError, match="2027 valt buiten"):
        services.reported_values_save(accounting=ready, user=preparer, amounts={2027: Decimal("1")})


def test_the_final_year_is_2025_or_at_the_latest_2026(ready, preparer):
    with pytest.raises(ValidationError) as error:
        services.accounting_settings_save(accounting=ready, user=preparer, final_year=2027)
    assert "uiterlijk 2026" in error.value.message_dict["final_year"][0]
    services.accounting_settings_save(accounting=ready, user=preparer, final_year=2026)
    ready.refresh_from_db()
    assert ready.final_year == 2026


def test_an_eindverantwoording_already_given_needs_year_date_and_amount(ready, preparer):
    with pytest.raises(ValidationError, match="het jaar, de datum en het bedrag"):
        services.accounting_settings_save(
            accounting=ready, user=preparer, final_year=2025, given_year=2025
        )
    services.accounting_settings_save(
        accounting=ready,
        user=preparer,
        final_year=2025,
        given_year=2025,
        given_on=datetime.date(2026, 7, 10),
        given_amount=Decimal("1200.00"),
    )
    ready.refresh_from_db()
    assert (ready.given_year, ready.given_amount) == (2025, Decimal("1200.00"))


def test_the_settings_page_records_a_given_eindverantwoording(officer_client, ready):
    response = officer_client.post(
        BASE + "gegevens/",
        {
            "versie": version_of(ready),
            "final_year": "2025",
            "given_year": "2025",
            "given_on": "2026-07-10",
            "given_amount": "1.200,00",
        },
    )
    assert response.status_code == 302
    html = officer_client.get(BASE).content.decode()
    assert "al gegeven in de jaarrekening over 2025" in html


def test_the_reported_page_saves_and_shows_the_correction(officer_client, ready):
    response = officer_client.post(
        BASE + "gerapporteerd/", {"versie": version_of(ready), "jaar_2022": "1.000,00"}
    )
    assert response.status_code == 302
    html = officer_client.get(BASE).content.decode()
    assert "€ 200,00" in html  # 1.200 computed now - 1.000 reported then


def test_a_stale_form_keeps_the_input_and_says_who_changed_it(officer_client, ready, checker):
    stale = version_of(ready)
    services.ledger_amounts_save(accounting=ready, user=checker, amounts={2022: Decimal("1200")})
    response = officer_client.post(BASE + "grootboek/", {"versie": stale, "jaar_2022": "999,00"})
    html = response.content.decode()
    assert "Iemand anders heeft dit opgeslagen" in html and 'value="999,00"' in html
    assert ready.ledger_amounts.get().amount == Decimal("1200")


def test_a_consultation_is_deleted_only_in_concept(officer_client, ready, checker):
    consultation = ConsultationFactory(accounting=ready)
    url = f"{BASE}overleg/{consultation.pk}/verwijderen/"
    assert officer_client.get(url).status_code == 200
    services.accounting_check(accounting=ready, user=checker)
    ready.refresh_from_db()
    response = officer_client.post(url, {"versie": version_of(ready)})
    assert "zet haar eerst terug naar concept" in response.content.decode()
    assert ready.consultations.filter(pk=consultation.pk).exists()
    services.accounting_reopen(accounting=ready, user=checker, reason="Overleg dubbel")
    ready.refresh_from_db()
    assert officer_client.post(url, {"versie": version_of(ready)}).status_code == 302
    assert not ready.consultations.filter(pk=consultation.pk).exists()
