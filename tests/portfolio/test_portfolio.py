"""The portfolio page: rows, alerts, sorting, filtering, htmx partial and query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles.models import Cycle, Phase, PhaseTransition
from municipalities import pagecache
from municipalities.models import Role
from reports.models import ReportJob
from tests.factories import MembershipFactory, UserFactory
from tests.portfolio.factories import advisor_with, at, fill, new_municipality

URL = "/portfolio/"


def names(response) -> list[str]:
    return [row.municipality.name for row in response.context["rows"]]


@pytest.mark.django_db
def test_advisor_sees_one_row_per_municipality_with_its_figures(client):
    user, (a, b) = advisor_with(2)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(names(response)) == sorted([a.name, b.name])
    row = response.context["rows"][0]
    assert row.phase == Phase.DOELEN
    assert row.days_in_phase == 10
    assert row.schools == 2
    assert row.allocated == Decimal("100000.00")
    assert row.planned == Decimal("40000.00")
    assert row.spent == Decimal("1000.00")
    assert (row.planned_percent, row.spent_percent) == (40, 1)
    assert row.last_gemeentefoto == at(datetime.date(2024, 3, 1))
    content = response.content.decode()
    assert "€ 100.000,00" in content
    assert a.name in content and b.name in content


@pytest.mark.django_db
def test_days_in_phase_count_from_cycle_start_without_transitions(client):
    user, (m,) = advisor_with(1, filled=False)
    start = timezone.localdate() - datetime.timedelta(days=30)
    Cycle.objects.create(
        municipality=m, title="C", start_date=start, end_date=start + datetime.timedelta(days=700)
    )
    client.force_login(user)
    (row,) = client.get(URL).context["rows"]
    assert row.days_in_phase == 30
    assert row.phase == Phase.DATA


@pytest.mark.django_db
def test_no_other_municipality_in_portfolio(client):
    """Not a member, or a member in another role, or an ended advisorship: never a row."""
    user, (mine,) = advisor_with(1)
    foreign = new_municipality(name="Vreemdegem")
    fill(foreign)
    officer_there = new_municipality(name="Beleidsgem")
    fill(officer_there)
    MembershipFactory(user=user, municipality=officer_there, role=Role.POLICY_OFFICER)
    ended = new_municipality(name="Vroegergem")
    fill(ended)
    MembershipFactory(user=user, municipality=ended, role=Role.ADVISOR, ended_at=timezone.now())
    client.force_login(user)
    response = client.get(URL)
    assert names(response) == [mine.name]
    content = response.content.decode()
    assert "Vreemdegem" not in content and "Vroegergem" not in content
    # The policy-officer membership is still reachable, as a plain link below the table.
    assert [m.municipality for m in response.context["other_memberships"]] == [officer_there]


@pytest.mark.django_db
def test_non_advisor_gets_a_note_and_no_rows(client):
    user = UserFactory()
    m = new_municipality()
    fill(m)
    MembershipFactory(user=user, municipality=m, role=Role.POLICY_OFFICER)
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "geen enkele gemeente adviseur" in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- Alerts ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_alert_unspent_money_at_window_end(client):
    user, (m,) = advisor_with(1)
    client.force_login(user)
    (row,) = client.get(URL).context["rows"]
    # € 100.000 allocated, € 1.000 spent, and the NPO window ended on 31 July 2025.
    unspent = [a for a in row.alerts if a.code == "unspent"]
    assert unspent, row.alerts
    assert "€ 99.000,00" in unspent[0].text


@pytest.mark.django_db
def test_no_unspent_alert_when_everything_is_spent(client):
    user, (m,) = advisor_with(1, filled=False)
    fill(m, spent=Decimal("100000.00"))
    client.force_login(user)
    (row,) = client.get(URL).context["rows"]
    assert "unspent" not in row.alert_codes


@pytest.mark.django_db
def test_alert_stale_phase_uses_configured_weeks(client, settings):
    user, (m,) = advisor_with(1)
    PhaseTransition.objects.filter(municipality=m).update(
        created_at=timezone.now() - datetime.timedelta(weeks=5)
    )
    client.force_login(user)
    settings.PORTFOLIO_STALE_WEEKS = 8
    (row,) = client.get(URL).context["rows"]
    assert "stale" not in row.alert_codes
    settings.PORTFOLIO_STALE_WEEKS = 4
    (row,) = client.get(URL).context["rows"]
    assert "stale" in row.alert_codes
    assert "5 weken" in next(a.text for a in row.alerts if a.code == "stale")


@pytest.mark.django_db
def test_alert_failed_report_until_a_later_attempt(client):
    user, (m,) = advisor_with(1)
    cycle = Cycle.objects.get(municipality=m)
    failed = ReportJob.objects.create(
        municipality=m, cycle=cycle, kind=ReportJob.Kind.PLAN, version=1,
        status=ReportJob.Status.FAILED, error="kapot",
    )  # fmt: skip
    client.force_login(user)
    (row,) = client.get(URL).context["rows"]
    assert "report_failed" in row.alert_codes
    ReportJob.objects.create(
        municipality=m, cycle=cycle, kind=ReportJob.Kind.PLAN, version=2,
        status=ReportJob.Status.QUEUED,
    )  # fmt: skip
    ReportJob.objects.filter(pk=failed.pk).update(
        queued_at=timezone.now() - datetime.timedelta(hours=1)
    )
    (row,) = client.get(URL).context["rows"]
    assert "report_failed" not in row.alert_codes


# --- Sorting, filtering, htmx ---------------------------------------------------------------


@pytest.fixture
def three(client):
    user = UserFactory()
    made = {}
    for name, phase, spent in (
        ("Aagem", Phase.DOEN, Decimal("90000")),
        ("Bebgem", Phase.DATA, Decimal("100000")),
        ("Cecgem", Phase.DUIDEN, Decimal("5000")),
    ):
        m = new_municipality(name=name)
        MembershipFactory(user=user, municipality=m, role=Role.ADVISOR)
        fill(m, phase=phase, spent=spent)
        made[name] = m
    client.force_login(user)
    return made


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Aagem", "Bebgem", "Cecgem"]),
        ("-name", ["Cecgem", "Bebgem", "Aagem"]),
        ("phase", ["Bebgem", "Cecgem", "Aagem"]),
        ("-spent", ["Bebgem", "Aagem", "Cecgem"]),
        ("bogus", ["Aagem", "Bebgem", "Cecgem"]),
    ],
)
def test_sorting(client, three, sort, expected):
    assert names(client.get(URL, {"sort": sort})) == expected


@pytest.mark.django_db
def test_sorting_on_the_amount_allocated(client, three):
    from tests.budgets.factories import AllocationFactory

    AllocationFactory(municipality=three["Cecgem"], amount=Decimal("50000.00"), period="2024-2025")
    assert names(client.get(URL, {"sort": "-allocated"}))[0] == "Cecgem"
    assert names(client.get(URL, {"sort": "allocated"}))[-1] == "Cecgem"
    assert 'href="/portfolio/?sort=allocated"' in client.get(URL).content.decode()


@pytest.mark.django_db
def test_filter_on_alert_and_phase(client, three):
    # Everything spent in Bebgem: only the other two keep money over.
    assert names(client.get(URL, {"alert": "unspent"})) == ["Aagem", "Cecgem"]
    assert names(client.get(URL, {"alert": "unspent", "phase": "duiden"})) == ["Cecgem"]
    assert names(client.get(URL, {"alert": "report_failed"})) == []
    assert names(client.get(URL, {"phase": "data"})) == ["Bebgem"]
    assert names(client.get(URL, {"alert": "any"})) == ["Aagem", "Cecgem"]


@pytest.mark.django_db
def test_htmx_request_renders_only_the_table(client, three):
    response = client.get(URL, {"sort": "-name"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and "<h1 " not in content
    assert 'id="gemeente-cecgem"' in content
    assert content.index("Cecgem") < content.index("Aagem")
    assert response["Vary"] and "HX-Request" in response["Vary"]
    full = client.get(URL).content.decode()
    assert (
        '<h1 class="utrecht-heading-1">Mijn gemeenten</h1>' in full
        and 'hx-get="/portfolio/"' in full
    )


# --- Query count ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_query_count_constant_for_3_and_30_municipalities(client, django_assert_num_queries, htmx):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    counts, cached_counts = [], []
    for n in (3, 30):
        user, _ = advisor_with(n)
        client.force_login(user)
        client.get(URL, headers=headers)  # warm-up: session and content types
        pagecache.retire_all()  # measure the page being built, not served from the cache
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, headers=headers)
        assert len(response.context["rows"]) == n
        counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, headers=headers)
        assert response.context is None  # served from the page cache
        assert response.content.decode().count('<tr id="gemeente-') == n
        cached_counts.append(len(captured))
    assert counts[0] == counts[1], counts
    assert cached_counts[0] == cached_counts[1] < counts[0], (cached_counts, counts)
    pagecache.retire_all()
    with django_assert_num_queries(counts[0]):
        client.get(URL, headers=headers)


# --- Home ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_shows_the_portfolio_to_an_advisor_with_several_municipalities(client):
    user, (a, b) = advisor_with(2)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "portfolio/portfolio.html"
    assert sorted(names(response)) == sorted([a.name, b.name])
    assert 'href="/portfolio/"' in response.content.decode()  # header link


@pytest.mark.django_db
def test_home_keeps_the_plain_list_for_non_advisors(client):
    user = UserFactory()
    for _ in range(2):
        MembershipFactory(user=user, municipality=new_municipality(), role=Role.POLICY_OFFICER)
    client.force_login(user)
    response = client.get("/")
    assert response.templates[0].name == "municipalities/home.html"
    assert 'href="/portfolio/"' not in response.content.decode()
