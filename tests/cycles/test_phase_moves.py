"""Phase moves carry the phase they start from: a stale page or ten parallel clicks move once."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cycles import services
from cycles.models import Phase, PhaseTransition
from tests.concurrency import needs_postgresql, run_parallel
from tests.cycles.factories import CycleFactory, FindingFactory, SessionFactory


def url(name, cycle):
    return reverse(f"cycles:{name}", args=[cycle.municipality.slug, cycle.pk])


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_a_stale_go_back_changes_nothing_and_says_who_moved_it(
    officer_client, municipality, officer
):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    page = officer_client.get(reverse("cycles:detail", args=[municipality.slug, cycle.pk]))
    assert 'name="from_phase" value="doelen"' in page.content.decode()
    services.cycle_go_back(cycle=cycle, actor=officer, reason="Eerst", from_phase=Phase.DOELEN)

    response = officer_client.post(
        url("go_back", cycle), {"reason": "Tweede klik", "from_phase": "doelen"}
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN
    assert PhaseTransition.objects.count() == 1
    (message,) = texts(response)
    assert "intussen al naar de fase Duiden gezet door" in message
    assert officer.email in message or officer.get_full_name() in message
    assert "Er is niets veranderd" in message


@pytest.mark.django_db
def test_a_stale_advance_changes_nothing(officer_client, municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    SessionFactory(cycle=cycle)
    FindingFactory(cycle=cycle)
    services.cycle_advance(cycle=cycle, actor=officer, from_phase=Phase.DUIDEN)
    SessionFactory(cycle=cycle)

    response = officer_client.post(url("advance", cycle), {"from_phase": "duiden"})
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DOELEN
    assert PhaseTransition.objects.count() == 1
    assert "Er is niets veranderd" in texts(response)[0]


@pytest.mark.django_db
def test_a_move_without_its_starting_phase_is_refused(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOELEN)
    response = officer_client.post(url("go_back", cycle), {"reason": "Oude pagina"})
    assert response.status_code == 302
    assert "verouderd" in texts(response)[0]
    response = officer_client.post(url("advance", cycle), {})
    assert "verouderd" in texts(response)[0]
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DOELEN
    assert not PhaseTransition.objects.exists()


def _clients(user, count):
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_go_back_clicks_move_one_phase(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    clients = _clients(officer, 10)
    results = run_parallel(
        10,
        lambda i: clients[i].post(
            url("go_back", cycle), {"reason": f"Klik {i}", "from_phase": "doen"}
        ),
    )
    assert all(getattr(r, "status_code", None) == 302 for r in results), results
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DOELEN
    assert PhaseTransition.objects.filter(cycle=cycle).count() == 1
    told = [r for r in results if "Er is niets veranderd" in " ".join(texts(r))]
    assert len(told) == 9


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_advance_clicks_move_one_phase(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    SessionFactory(cycle=cycle)
    FindingFactory(cycle=cycle)
    clients = _clients(officer, 10)
    results = run_parallel(
        10, lambda i: clients[i].post(url("advance", cycle), {"from_phase": "duiden"})
    )
    assert all(getattr(r, "status_code", None) == 302 for r in results), results
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DOELEN
    assert PhaseTransition.objects.filter(cycle=cycle).count() == 1
    told = [r for r in results if "Er is niets veranderd" in " ".join(texts(r))]
    assert len(told) == 9
