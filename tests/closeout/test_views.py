"""The workspace pages: who reads, who writes, the forms, the sign-off buttons, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import Spending
from closeout.models import FinalAccounting
from municipalities.models import ReadLogEntry, Role
from municipalities.versions import version_of
from tests.budgets.factories import SpendingFactory, SpendingGoalFactory

pytestmark = pytest.mark.django_db
BASE = "/g/utrecht/eindverantwoording/npo-gemeenten/"


def test_the_accountant_reads_the_workspace_and_the_read_is_logged(
    client, municipality, member_factory, ready
):
    client.force_login(member_factory(municipality, Role.ACCOUNTANT))
    response = client.get(BASE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Eindverantwoording NPO gemeenten" in html
    assert "Markeer als gecontroleerd" not in html  # reads, never signs off
    assert ReadLogEntry.objects.get().kind == ReadLogEntry.Kind.FINAL_ACCOUNTING
    assert client.get(BASE + "grootboek/").status_code == 403
    assert client.post(BASE + "gecontroleerd/").status_code == 403


def test_a_viewer_reads_but_cannot_sign_off(client, municipality, member_factory, ready):
    client.force_login(member_factory(municipality, Role.VIEWER))
    assert "Markeer als gecontroleerd" not in client.get(BASE).content.decode()
    assert client.post(BASE + "gecontroleerd/", {}).status_code == 403


def test_the_index_lists_the_npo_with_its_status(client, municipality, member_factory, ready):
    client.force_login(member_factory(municipality, Role.VIEWER))
    html = client.get("/g/utrecht/eindverantwoording/").content.decode()
    assert BASE in html and "Concept" in html


def test_an_unknown_stream_is_404(officer_client):
    assert officer_client.get("/g/utrecht/eindverantwoording/bestaat-niet/").status_code == 404


def test_the_ledger_form_starts_the_accounting_and_saves(officer_client, officer, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    SpendingFactory(spending_goal=goal, date=datetime.date(2023, 2, 1), amount=Decimal("250"))
    response = officer_client.get(BASE + "grootboek/")
    assert 'name="jaar_2021"' in response.content.decode()
    assert "Subsidiabele besteding volgens het platform: € 250,00." in response.content.decode()
    response = officer_client.post(BASE + "grootboek/", {"jaar_2023": "250,00", "versie": ""})
    assert response.status_code == 302
    accounting = FinalAccounting.objects.get()
    assert accounting.prepared_by == officer
    assert accounting.ledger_amounts.get().amount == Decimal("250.00")


def test_bad_input_gets_a_dutch_error_summary(officer_client, ready):
    response = officer_client.post(
        BASE + "grootboek/", {"jaar_2022": "twaalf", "versie": version_of(ready)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        'class="utrecht-alert utrecht-alert--error" id="form-errors"' in html
        and 'href="#id_jaar_2022"' in html
    )
    assert ready.ledger_amounts.get().amount == Decimal("1200")


def test_the_sign_off_through_the_pages(client, municipality, preparer, checker, ready):
    client.force_login(preparer)
    response = client.post(BASE + "gecontroleerd/", {"controle-versie": version_of(ready)})
    assert "zelf opgesteld" in response.content.decode()
    client.force_login(checker)
    response = client.post(BASE + "gecontroleerd/", {"controle-versie": version_of(ready)})
    assert response.status_code == 302
    ready.refresh_from_db()
    client.force_login(preparer)
    html = client.get(BASE).content.decode()
    assert "Maak definitief" in html and str(checker) in html
    response = client.post(
        BASE + "definitief/",
        {
            "definitief-versie": version_of(ready),
            "definitief-decision_date": "2026-05-12",
            "definitief-decision_reference": "B&W 2026/118",
        },
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    html = client.get(BASE).content.decode()
    assert ready.status == "definitief" and ready.snapshot_sha256 in html
    assert "alleen-lezen" in html
    # The freeze reaches the budget pages: a new spending row on the stream is refused there.
    goal = SpendingGoalFactory(municipality=municipality)
    client.post(
        "/g/utrecht/budget/realisatie/nieuw/",
        {
            "stream": ready.stream_id,
            "spending_goal": goal.pk,
            "date": "2023-03-01",
            "amount": "10,00",
            "description": "Te laat",
        },
    )
    assert not Spending.objects.filter(description="Te laat").exists()
    # Reopen with a reason.
    response = client.post(BASE + "heropenen/", {"heropenen-versie": version_of(ready)})
    assert "Geef een reden" in response.content.decode()
    response = client.post(
        BASE + "heropenen/",
        {"heropenen-versie": version_of(ready), "heropenen-reason": "Correctie 2024"},
    )
    assert response.status_code == 302
    ready.refresh_from_db()
    assert ready.status == "concept"


def test_the_consultation_form_records_the_lea(officer_client, ready):
    response = officer_client.post(
        BASE + "overleg/nieuw/",
        {
            "versie": version_of(ready),
            "date": "2022-10-03",
            "participants": "SKOU, Kinderopvang Zon",
            "with_school_boards": "on",
            "with_childcare": "on",
            "in_lea_oogo": "on",
        },
    )
    assert response.status_code == 302
    assert ready.consultations.filter(in_lea_oogo=True, date="2022-10-03").exists()


def test_the_workspace_query_count_does_not_grow(
    client, municipality, member_factory, ready, django_assert_max_num_queries
):
    client.force_login(member_factory(municipality, Role.ACCOUNTANT))
    client.get(BASE)  # first: the header's theme is then kept in the cache (theming.selectors)
    with CaptureQueriesContext(connection) as few:
        client.get(BASE)
    n_few = len(few)  # read now: the next request empties the connection's query log
    for month in range(1, 13):
        goal = SpendingGoalFactory(municipality=municipality)
        SpendingFactory(spending_goal=goal, date=datetime.date(2024, month, 3))
        SpendingFactory(spending_goal=goal, date=datetime.date(2025, month, 3))
    client.get(BASE)
    with CaptureQueriesContext(connection) as many:
        client.get(BASE)
    # Session, user, membership; stream, accounting, figures (grouped sums), budgets' SiSa data
    # set, checks, consultations, freeze, the files section; the read log's insert.
    assert len(many) == n_few <= 26
