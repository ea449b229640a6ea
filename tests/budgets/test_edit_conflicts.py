"""No lost edits on budgets: a save against a newer version is refused, says who changed what,
keeps the input; ten parallel saves of one allocation: one saved, nine told."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client

from budgets.models import Allocation, SpendingGoal
from municipalities.models import Role
from tests.budgets.factories import AllocationFactory, SpendingGoalFactory, open_cycle, stream
from tests.concurrency import needs_postgresql, run_parallel

BASE = "/g/utrecht/budget/"


def version_on(page) -> str:
    match = re.search(r'name="versie" value="([^"]*)"', page.content.decode())
    assert match, "the form carries no version"
    return html.unescape(match.group(1))


def allocation_data(allocation, amount, version):
    return {
        "stream": allocation.stream.pk,
        "period": allocation.period,
        "amount": amount,
        "reference": allocation.reference,
        "versie": version,
    }


@pytest.mark.django_db
def test_a_save_against_a_newer_version_is_refused_with_who_and_what(
    client, municipality, member_factory
):
    anna = member_factory(municipality, Role.POLICY_OFFICER, user__display_name="Anna de Vries")
    bram = member_factory(municipality, Role.POLICY_OFFICER)
    allocation = AllocationFactory(municipality=municipality, amount=Decimal("1000.00"))
    url = f"{BASE}toekenningen/{allocation.pk}/"
    other = Client()
    other.force_login(anna)
    client.force_login(bram)
    opened = version_on(client.get(url))

    assert other.post(url, allocation_data(allocation, "2.000", opened)).status_code == 302
    response = client.post(url, allocation_data(allocation, "3.333,33", opened))

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "Iemand anders heeft dit opgeslagen nadat je het formulier opende" in body
    assert f"Anna de Vries ({anna.email}) op " in body
    assert "van „1000.00” naar „2000.00”" in body
    assert 'value="3.333,33"' in body  # the input is kept
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("2000.00")

    # The form now carries the stored version: saving again is a deliberate overwrite.
    again = client.post(url, allocation_data(allocation, "3.333,33", version_on(response)))
    assert again.status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("3333.33")


@pytest.mark.django_db
def test_an_edit_without_a_version_is_refused(officer_client, municipality):
    allocation = AllocationFactory(municipality=municipality, amount=Decimal("1000.00"))
    data = allocation_data(allocation, "5,00", "")
    response = officer_client.post(f"{BASE}toekenningen/{allocation.pk}/", data)
    assert response.status_code == 200
    assert "mist zijn versie" in response.content.decode()
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("1000.00")
    # Creating needs no version.
    new = officer_client.post(f"{BASE}toekenningen/nieuw/", {**data, "reference": "BS-9"})
    assert new.status_code == 302 and Allocation.objects.count() == 2


@pytest.mark.django_db
def test_spending_goal_conflict_keeps_the_input(officer_client, municipality, officer):
    cycle = open_cycle(municipality)
    goal = SpendingGoalFactory(municipality=municipality, cycle=cycle, title="Oud")
    url = f"{BASE}bestedingsdoelen/{goal.pk}/"
    opened = version_on(officer_client.get(url))
    data = {
        "cycle": cycle.pk,
        "category": goal.category,
        "title": "Mijn titel",
        "gepland-TOTAL_FORMS": "1",
        "gepland-INITIAL_FORMS": "0",
        "gepland-0-stream": stream().pk,
        "gepland-0-period": "2023-2024",
        "gepland-0-amount": "12,50",
        "versie": opened,
    }
    assert officer_client.post(url, {**data, "title": "Eerst"}).status_code == 302
    response = officer_client.post(url, data)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "van „Oud” naar „Eerst”" in body
    assert 'value="Mijn titel"' in body and 'value="12,50"' in body
    assert SpendingGoal.objects.get().title == "Eerst"


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_saves_of_one_allocation_one_saved_nine_told(municipality, officer):
    allocation = AllocationFactory(municipality=municipality, amount=Decimal("1000.00"))
    url = f"{BASE}toekenningen/{allocation.pk}/"
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(officer)
        clients.append(client)
    opened = version_on(clients[0].get(url))
    results = run_parallel(
        10, lambda i: clients[i].post(url, allocation_data(allocation, f"{i + 1}.000", opened))
    )
    codes = sorted(getattr(r, "status_code", r) for r in results)
    assert codes == [200] * 9 + [302], results
    told = [r for r in results if r.status_code == 200]
    assert all("Iemand anders heeft dit opgeslagen" in r.content.decode() for r in told)
    (saved,) = [i for i, r in enumerate(results) if r.status_code == 302]
    allocation.refresh_from_db()
    assert allocation.amount == Decimal(f"{saved + 1}000.00")
