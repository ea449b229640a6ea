"""One read, one function per figure (budgets.figures): the dashboard panel, the overview, the
portfolio, the SiSa export and the plan's snapshot show the same figures, each from the same
selector, in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from budgets.figures import budget_figures, budget_figures_for, budget_total, budget_warnings
from budgets.models import Spending
from budgets.panels import budget_panel
from budgets.selectors import budget_overview
from budgets.sisa import sisa_dataset
from cycles.models import Phase
from municipalities.models import Role
from portfolio.selectors import AlertCode, portfolio_rows
from reports.snapshot.budget import budget_section
from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
    CycleFactory,
    PlannedAmountFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
AS_OF = datetime.date(2024, 9, 1)


@pytest.fixture(autouse=True)
def _dutch():
    with translation.override("nl"):
        yield


def fill(municipality, scale=1):
    """Two streams, two categories, money in two periods, a cost dated by its prestatiedatum in
    the next school year, spending outside the window and an overrun: every figure and several
    warnings have something to show."""
    oab = stream("oab")
    AllocationFactory(municipality=municipality, period="2023-2024", amount=D("1000.00") * scale)
    AllocationFactory(municipality=municipality, period="2024-2025", amount=D("500.00") * scale)
    AllocationFactory(municipality=municipality, stream=oab, period="2024", amount=D("80.00"))
    summer = SpendingGoalFactory(municipality=municipality)
    care = SpendingGoalFactory(municipality=municipality, category="jeugdhulp", suboption="")
    PlannedAmountFactory(spending_goal=summer, period="2023-2024", amount=D("1600.00") * scale)
    PlannedAmountFactory(spending_goal=care, stream=oab, period="2024", amount=D("50.00"))
    CommitmentFactory(spending_goal=summer, date=datetime.date(2024, 3, 1), amount=D("1700.00"))
    SpendingFactory(
        spending_goal=summer,
        date=datetime.date(2024, 7, 20),
        performance_date=datetime.date(2024, 8, 15),
        amount=D("100.10"),
    )
    SpendingFactory(
        spending_goal=care, stream=oab, date=datetime.date(2024, 5, 1), amount=D("9.99")
    )
    SpendingFactory(spending_goal=summer, date=datetime.date(2019, 1, 1), amount=D("7.00"))


def test_panel_overview_portfolio_export_and_snapshot_show_the_same_figures(
    municipality, other_municipality
):
    fill(municipality)
    fill(other_municipality, scale=3)  # different figures next door, never mixed in
    advisor = UserFactory()
    for m in (municipality, other_municipality):
        MembershipFactory(user=advisor, municipality=m, role=Role.ADVISOR)

    overview = budget_overview(municipality=municipality, as_of=AS_OF)
    panel = budget_panel(municipality=municipality, membership=None)
    read = budget_figures_for(municipality=municipality, as_of=AS_OF)

    t = overview.total
    assert (t.allocated, t.planned, t.committed, t.spent) == (
        D("1580.00"),
        D("1650.00"),
        D("1700.00"),
        D("117.09"),
    )
    # The panel: the overview's total and the first three of the overview's warnings.
    assert panel["total"] == t == read.total == budget_total(overview.blocks)
    codes = [w.code for w in overview.warnings]
    assert {"planned_over_allocated", "committed_over_allocated", "outside_window_spending"} <= set(
        codes
    )
    today = budget_overview(municipality=municipality)  # the panel's reference date
    assert [w.text for w in panel["warnings"]] == [w.text for w in today.warnings[:3]]
    assert panel["more"] == len(today.warnings) - 3 > 0
    # The same warnings on the same date, whichever page asks.
    dated = budget_figures_for(municipality=municipality, as_of=AS_OF)
    assert [w.text for w in dated.warnings] == [w.text for w in overview.warnings]
    assert [w.text for w in budget_warnings(overview.blocks)] == [w.text for w in overview.warnings]

    # The portfolio row: the same total and the overview's warnings (the projection is its own
    # alert), for both municipalities from one read.
    rows = {r.municipality.pk: r for r in portfolio_rows(user=advisor, today=AS_OF)}
    row = rows[municipality.pk]
    assert (row.allocated, row.planned, row.spent) == (t.allocated, t.planned, t.spent)
    assert [a.text for a in row.alerts if a.code == AlertCode.BUDGET] == [
        w.text for w in overview.warnings if w.code != "projected_unspent"
    ]
    other = budget_overview(municipality=other_municipality, as_of=AS_OF)
    assert rows[other_municipality.pk].allocated == other.total.allocated == D("4580.00")

    # The SiSa export: per stream the overview's allocation, and its spending by calendar year.
    sisa = sisa_dataset(municipality=municipality, as_of=AS_OF)
    for block in overview.blocks:
        lines = [line for line in sisa if line.stream == block.stream]
        assert {line.allocated_total for line in lines} == {block.total.allocated}
        assert sum((line.spent for line in lines), D("0")) == block.total.spent
        assert sum((line.committed for line in lines), D("0")) == block.total.committed

    # The plan's snapshot: the overview's blocks.
    section = budget_section(municipality, None)
    assert [(s["label"], D(s["planned"]), D(s["spent"])) for s in section["streams"]] == [
        (b.stream.name, b.total.planned, b.total.spent) for b in overview.blocks
    ]


def test_prestatiedatum_puts_a_cost_in_its_period_on_every_page(municipality):
    fill(municipality)
    overview = budget_overview(municipality=municipality, as_of=AS_OF)
    npo = overview.blocks[0]
    # Booked in July 2024, performed in August 2024: the next school year.
    assert dict(npo.periods)["2024-2025"].spent == D("100.10")
    assert overview.by_year[(npo.stream.pk, 2024)].spent == D("100.10")


def test_one_read_for_many_municipalities_in_three_queries(municipality, other_municipality):
    fill(municipality)
    fill(other_municipality, scale=3)
    ids = [municipality.pk, other_municipality.pk]
    with CaptureQueriesContext(connection) as few:
        together = budget_figures(municipality_ids=ids, as_of=AS_OF)
    # Each municipality's figures are its own: the same as when read alone.
    for m in (municipality, other_municipality):
        alone = budget_figures_for(municipality=m, as_of=AS_OF)
        assert together[m.pk].total == alone.total
        assert [w.text for w in together[m.pk].warnings] == [w.text for w in alone.warnings]
    assert together[municipality.pk].total != together[other_municipality.pk].total
    goal = SpendingGoalFactory(municipality=municipality)
    Spending.objects.bulk_create(
        Spending(
            municipality=municipality,
            spending_goal=goal,
            stream=stream(),
            date=datetime.date(2023, 9, 1) + datetime.timedelta(days=i % 300),
            amount=D("1.00"),
            description=f"Rij {i}",
        )
        for i in range(500)
    )
    with CaptureQueriesContext(connection) as many:
        grown = budget_figures(municipality_ids=ids, as_of=AS_OF)
    # The streams, allocations with planned amounts, commitments with spending.
    assert len(few) == len(many) == 3
    assert grown[municipality.pk].total.spent == together[municipality.pk].total.spent + 500
    assert grown[other_municipality.pk].total == together[other_municipality.pk].total
    assert budget_figures(municipality_ids=[], as_of=AS_OF) == {}


def test_cycle_limits_planning_and_spending_not_allocations(municipality):
    fill(municipality)
    earlier = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    goal = SpendingGoalFactory(municipality=municipality, cycle=earlier)
    PlannedAmountFactory(spending_goal=goal, amount=D("30.00"))
    SpendingFactory(spending_goal=goal, amount=D("3.00"))
    whole = budget_figures_for(municipality=municipality, as_of=AS_OF)
    limited = budget_figures_for(municipality=municipality, as_of=AS_OF, cycle=earlier)
    assert (limited.total.allocated, limited.total.planned, limited.total.spent) == (
        whole.total.allocated,
        D("30.00"),
        D("3.00"),
    )
    assert whole.total.planned == D("1680.00")
    overview = budget_overview(municipality=municipality, as_of=AS_OF, cycle=earlier)
    assert overview.total == limited.total


def test_panel_query_count_is_constant_and_smaller_than_the_overview(municipality):
    fill(municipality)
    with CaptureQueriesContext(connection) as panel_queries:
        budget_panel(municipality=municipality, membership=None)
    with CaptureQueriesContext(connection) as overview_queries:
        budget_overview(municipality=municipality)
    assert len(panel_queries) == len(overview_queries) == 3
    # The panel groups by stream and month only, the overview also by category.
    assert "category" not in " ".join(q["sql"] for q in panel_queries.captured_queries)
    assert "category" in " ".join(q["sql"] for q in overview_queries.captured_queries)


def test_npo_estimate_reads_po_vo_and_vavo_pupils_in_one_query(municipality, other_municipality):
    from budgets.estimate import npo_estimates
    from schools.models import PupilCount, School
    from schools.selectors import PO_SECTORS, pupils_on, vavo_on
    from tests.factories import SchoolFactory

    def count(m, sector, **values):
        school = SchoolFactory(municipality=m, sector=sector)
        PupilCount.objects.create(school=school, year=2020, **values)

    count(municipality, School.Sector.BO, count=200)
    count(municipality, School.Sector.SBO, count=None, suppressed=True)  # <5: hidden
    count(municipality, School.Sector.BO, count=0)  # no pupils: not a location that year
    count(municipality, School.Sector.VO, count=900, vavo=12)
    count(other_municipality, School.Sector.VO, count=50)  # no PO pupils at all
    ids = [municipality.pk, other_municipality.pk]
    with CaptureQueriesContext(connection) as queries:
        estimates = npo_estimates(municipalities=ids)
    pupil_queries = [q for q in queries.captured_queries if "schools_pupilcount" in q["sql"]]
    assert len(pupil_queries) == 1
    mine, other = estimates[municipality.pk], estimates[other_municipality.pk]
    # The same figures as the per-sector selectors the other pages use.
    assert mine.po == pupils_on(municipalities=ids, year=2020, sectors=PO_SECTORS)[municipality.pk]
    assert mine.vo == pupils_on(municipalities=ids, year=2020, sectors=["VO"])[municipality.pk]
    assert (mine.po.pupils, mine.po.locations, mine.po.hidden) == (200, 2, 1)
    assert (mine.vo.pupils, mine.vavo, mine.pupils) == (900, 12, 1100)
    assert vavo_on(municipalities=ids, year=2020) == {municipality.pk: 12}
    assert other.po.pupils == 0 and other.vo.pupils == 50 and other.vavo == 0
    assert other_municipality.pk not in pupils_on(municipalities=ids, year=2020, sectors=PO_SECTORS)


def test_npo_estimate_takes_its_allocations_from_the_budget_read(
    municipality, officer_client, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # count the pages being built
    from budgets.estimate import npo_allocations, npo_estimate
    from schools.models import PupilCount
    from tests.factories import SchoolFactory

    PupilCount.objects.create(school=SchoolFactory(municipality=municipality), year=2020, count=9)
    assert npo_allocations([]) == (None, None)
    assert npo_estimate(municipality=municipality).allocated is None
    AllocationFactory(municipality=municipality, amount=D("700.00"), is_estimate=True)
    read = budget_figures_for(municipality=municipality)
    assert npo_allocations(read.blocks) == (None, D("700.00"))
    AllocationFactory(municipality=municipality, amount=D("1000.00"))
    AllocationFactory(municipality=municipality, stream=stream("oab"), amount=D("5.00"))
    read = budget_figures_for(municipality=municipality)
    assert npo_allocations(read.blocks) == (D("1000.00"), D("700.00"))
    with CaptureQueriesContext(connection) as given:
        estimate = npo_estimate(municipality=municipality, blocks=read.blocks)
    assert (estimate.allocated, estimate.estimated_allocations) == (D("1000.00"), D("700.00"))
    assert not [q for q in given.captured_queries if "budgets_allocation" in q["sql"]]
    # Without a read at hand it reads the budget itself: the same figures.
    alone = npo_estimate(municipality=municipality)
    assert (alone.allocated, alone.estimated_allocations) == (D("1000.00"), D("700.00"))
    # The dashboard and the overview read allocations once (the budget read), not twice.
    for url in ("/g/utrecht/", "/g/utrecht/budget/"):
        with CaptureQueriesContext(connection) as page:
            assert officer_client.get(url).status_code == 200
        sums = [q for q in page.captured_queries if 'FROM "budgets_allocation"' in q["sql"]]
        assert len(sums) == 1, url
