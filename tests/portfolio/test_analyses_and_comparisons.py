"""Analyses in the portfolio rows, and the comparisons page (each municipality vs the average)."""

from decimal import Decimal

import pytest

from analyses.models import AnalysisStatus, Delay
from budgets.models import Spending
from budgets.streams import category_label
from core.npo import SpendingCategory
from cycles.models import Cycle
from municipalities.models import Role
from schools.models import Intervention, School
from tests.factories import MembershipFactory
from tests.portfolio.factories import advisor_with, analysis, fill, new_municipality

URL = "/portfolio/"
COMPARE = "/portfolio/vergelijking/"


def _intervention(name: str) -> Intervention:
    return Intervention.objects.create(
        version="test", area="A", area_description="Uitbreiding onderwijstijd", name=name
    )


@pytest.mark.django_db
def test_analyses_received_and_returned_alert(client):
    user, (m,) = advisor_with(1, filled=False)
    cycle = fill(m, schools=4)
    a, b, c, d = School.objects.filter(municipality=m).order_by("pk")
    analysis(a, cycle, AnalysisStatus.SUBMITTED)
    analysis(b, cycle, AnalysisStatus.ACCEPTED)
    analysis(c, cycle, AnalysisStatus.RETURNED)
    analysis(d, cycle, AnalysisStatus.DRAFT)
    client.force_login(user)
    response = client.get(URL)
    (row,) = response.context["rows"]
    assert (row.analyses_received, row.schools, row.analyses_percent) == (2, 4, 50)
    returned = [alert for alert in row.alerts if alert.code == "returned"]
    assert returned and returned[0].text.startswith("1 analyse")
    assert "2 van 4" in response.content.decode()
    assert [r.municipality for r in client.get(URL, {"alert": "returned"}).context["rows"]] == [m]


@pytest.mark.django_db
def test_waived_analyses_show_as_not_needed(client):
    user, (m,) = advisor_with(1)
    Cycle.objects.filter(municipality=m).update(analyses_waived=True, analyses_waiver_reason="x")
    client.force_login(user)
    (row,) = client.get(URL).context["rows"]
    assert row.analyses_received is None
    assert "niet nodig" in client.get(URL).content.decode()


@pytest.fixture
def portfolio_pair(client):
    """Two advised municipalities with analyses, and a third (foreign) one with extreme data."""
    user, (a, b) = advisor_with(2, filled=False)
    summer = _intervention("Zomerschool")
    tutoring = _intervention("Bijles in kleine groepen")
    secret = _intervention("Geheime interventie van Vreemdegem")
    for municipality, spent, large in ((a, Decimal("5000"), 5), (b, Decimal("15000"), 0)):
        # 5 schools x 100 pupils: 5 analyses each, so the counts are not withheld
        cycle = fill(municipality, schools=5, spent=spent)
        for index, school in enumerate(School.objects.filter(municipality=municipality)):
            an = analysis(
                school,
                cycle,
                AnalysisStatus.SUBMITTED,
                delay_taal=Delay.LARGE if index < large else Delay.SMALL,
            )
            an.interventions.add(summer)
            if municipality == a:
                an.interventions.add(tutoring)
    foreign = new_municipality(name="Vreemdegem")
    cycle = fill(foreign, schools=1, spent=Decimal("999999"))
    an = analysis(School.objects.get(municipality=foreign), cycle, AnalysisStatus.SUBMITTED,
                  delay_taal=Delay.LARGE)  # fmt: skip
    an.interventions.add(secret)
    # Even a non-advisor membership there does not bring it into the portfolio.
    MembershipFactory(user=user, municipality=foreign, role=Role.VIEWER)
    client.force_login(user)
    return a, b, foreign


@pytest.mark.django_db
def test_spending_per_pupil_against_the_portfolio_average(client, portfolio_pair):
    a, b, _foreign = portfolio_pair
    response = client.get(COMPARE)
    assert response.status_code == 200
    spending = response.context["spending"]
    assert [row.municipality for row in spending.rows] == [a, b]
    total = [code for code, _label in spending.columns].index("total")
    # € 5.000 / 500 pupils = € 10; € 15.000 / 500 = € 30; the mean of the two is € 20.
    assert spending.rows[0].cells[total].value == Decimal("10.00")
    assert spending.rows[1].cells[total].value == Decimal("30.00")
    assert spending.averages[total] == Decimal("20.00")
    assert spending.rows[0].cells[total].difference_percent == -50


@pytest.mark.django_db
def test_spending_on_another_streams_category_counts_in_the_total(client, portfolio_pair):
    """GOAB money spent under a GOAB category gets its own column and is in the total (it
    vanished when only the NPO's six categories were summed)."""
    a, _b, _foreign = portfolio_pair
    spending = Spending.objects.filter(municipality=a).first()
    goal = spending.spending_goal
    goal.pk = None
    goal.category = "goab-leerlingen"
    goal.save()
    Spending.objects.create(
        municipality=a,
        spending_goal=goal,
        stream=spending.stream,
        date=spending.date,
        amount=Decimal("2500"),
        description="GOAB zomerschool",
    )
    matrix = client.get(COMPARE).context["spending"]
    codes = [code for code, _label in matrix.columns]
    assert codes[:6] == list(SpendingCategory.values) and codes[6] == "goab-leerlingen"
    assert dict(matrix.columns)["goab-leerlingen"] == category_label("goab-leerlingen")
    goab, total = codes.index("goab-leerlingen"), codes.index("total")
    # € 2.500 / 500 pupils = € 5 in the GOAB column; the total goes from € 10 to € 15.
    assert matrix.rows[0].cells[goab].value == Decimal("5.00")
    assert matrix.rows[0].cells[total].value == Decimal("15.00")


@pytest.mark.django_db
def test_large_delays_and_interventions_against_the_average(client, portfolio_pair):
    a, b, _foreign = portfolio_pair
    response = client.get(COMPARE)
    delays = response.context["delays"]
    taal = [code for code, _label in delays.columns].index("taal")
    assert delays.rows[0].cells[taal].value == Decimal("100.00")
    assert delays.rows[1].cells[taal].value == Decimal("0.00")
    assert delays.averages[taal] == Decimal("50.00")
    top = response.context["interventions"]
    assert [row.intervention.name for row in top] == ["Zomerschool", "Bijles in kleine groepen"]
    assert top[0].schools == 10
    assert [cell.value for cell in top[1].cells] == [Decimal("100.00"), Decimal("0.00")]


@pytest.mark.django_db
def test_small_counts_are_hidden_as_in_the_gemeentefoto_and_left_out_of_totals(client):
    from analyses.figures import analysis_figures

    user, (a, b, few) = advisor_with(3, filled=False)
    summer = _intervention("Zomerschool")
    for municipality, large, chose, schools in ((a, 2, 2, 6), (b, 5, 6, 6), (few, 1, 1, 3)):
        cycle = fill(municipality, schools=schools)
        for index, school in enumerate(School.objects.filter(municipality=municipality)):
            an = analysis(school, cycle, AnalysisStatus.SUBMITTED,
                          delay_taal=Delay.LARGE if index < large else Delay.SMALL)  # fmt: skip
            if index < chose:
                an.interventions.add(summer)
    client.force_login(user)
    response = client.get(COMPARE)
    delays = response.context["delays"]
    taal = [code for code, _label in delays.columns].index("taal")
    by_municipality = {row.municipality: row.cells[taal] for row in delays.rows}
    cells = [by_municipality[m] for m in (a, b, few)]
    # a: 2 of 6 large, 4 small: both "<5" (together at most 6: neither has one value left);
    # b: 5 of 6 large, 1 small: the small one is "<5" in the gemeentefoto, so the 5 is "x" in
    # both; few: 3 analyses: withheld.
    assert [(c.value, c.hidden) for c in cells] == [(None, "<5"), (None, "x"), (None, "–")]
    assert delays.averages[taal] is None  # no shown cell: no average that could give one back
    for m, cell in zip((a, b), cells[:2], strict=True):
        (fig,) = analysis_figures(cycles=m.cycles.all()).values()
        assert fig.delay("taal", "groot") == cell.hidden
    (row,) = response.context["interventions"]
    # Only b's 6 count: a's 2 is "<5", few is withheld; the column says so.
    assert (row.schools, row.hidden_municipalities) == (6, 2)
    order = [r.municipality for r in delays.rows]
    intervention_cells = dict(zip(order, row.cells, strict=True))
    assert [intervention_cells[m].hidden for m in (a, b, few)] == ["<5", None, "–"]
    assert intervention_cells[b].average == Decimal("100.00")
    page = response.content.decode()
    assert "exclusief 2 gemeenten met &lt;5" in page and "&lt;5 <span" in page


@pytest.mark.django_db
def test_comparisons_never_show_another_municipality(client, portfolio_pair):
    page = client.get(COMPARE).content.decode()
    # The header switcher may list it (the user is a viewer there); the comparison must not.
    content = page[page.index("<main") : page.index("</main>")]
    assert "Vreemdegem" not in content
    assert "Geheime interventie" not in content


@pytest.mark.django_db
def test_comparisons_query_count_does_not_grow(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 8):
        user, _ = advisor_with(n)
        client.force_login(user)
        client.get(COMPARE)
        with CaptureQueriesContext(connection) as captured:
            client.get(COMPARE)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_difference_to_the_average_is_computed_from_unrounded_values():
    from types import SimpleNamespace

    from portfolio.comparisons import _matrix

    a, b, c = (SimpleNamespace(pk=pk) for pk in (1, 2, 3))
    # € 0,0249 per pupil against a mean of € 0,0083: exactly three times the mean (+200%),
    # although the rounded amounts shown (€ 0,02 against € 0,01) would say +100%.
    values = {(1, "x"): Decimal("0.0249"), (2, "x"): Decimal(0), (3, "x"): Decimal(0)}
    matrix = _matrix([a, b, c], [("x", "x")], values)
    cell = matrix.rows[0].cells[0]
    assert (cell.value, cell.average, matrix.averages) == (
        Decimal("0.02"),
        Decimal("0.01"),
        [Decimal("0.01")],
    )
    assert cell.difference_percent == 200
    assert matrix.rows[1].cells[0].difference_percent == -100
