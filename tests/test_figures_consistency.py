"""One figure, one number: the dashboard, the gemeentefoto (snapshot and PDF), the portfolio's
comparison and the NPO estimate show the same pupil counts for the same municipality, counted
from every location that had pupils on the count date, whatever its status today."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.estimate import npo_estimate
from budgets.models import Allocation, FundingStream
from budgets.streams import funding_streams_ensure
from municipalities.models import FormerMunicipality, Role
from schools.models import PupilCount, School
from schools.selectors import (
    latest_pupil_year,
    municipality_pupil_figures,
    municipality_pupils_per_year,
    pupil_figures,
    pupils_on,
)
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory
from tests.reports.helpers import build, pdf_text

pytestmark = pytest.mark.django_db

# vestiging -> (sector, active today, {year: count or "<5"})
LOCATIONS = {
    "open": (School.Sector.BO, True, {2020: 300, 2022: 280, 2025: 250}),
    "closed": (School.Sector.BO, False, {2020: 120, 2025: 0}),
    # Not in the latest address file but with pupils on 1 Oct 2025 (like 17FL01): inactive.
    "gone": (School.Sector.BO, False, {2020: 80, 2025: 90}),
    "special": (School.Sector.SO, True, {2020: "<5", 2025: 40}),
    "new": (School.Sector.BO, True, {2020: 0, 2025: 60}),
    # VO: DUO's VO files cover 1 Oct 2017-2022 only; pupils placed with vavo are in the count.
    "vo": (School.Sector.VO, True, {2020: 900, 2022: 950}),
    "vo_closed": (School.Sector.VO, False, {2020: 100}),
}
VAVO_2020 = 12  # of the 900 at "vo"


@pytest.fixture
def town(municipality):
    for sector, active, counts in LOCATIONS.values():
        school = SchoolFactory(municipality=municipality, sector=sector, is_active=active)
        for year, count in counts.items():
            hidden = count == "<5"
            vavo = VAVO_2020 if count == 900 else None
            PupilCount.objects.create(
                school=school,
                year=year,
                count=None if hidden else count,
                suppressed=hidden,
                vavo=vavo,
            )
    # Another municipality's pupils never enter these figures.
    PupilCount.objects.create(school=SchoolFactory(), year=2025, count=7777)
    return municipality


def _expected(year: int, vo: bool | None = None) -> tuple[int, int, int]:
    """(pupils, locations with pupils, of which <5), straight from LOCATIONS (``vo``: only VO
    locations, only PO ones, or None for all)."""
    values = [
        counts.get(year, 0)
        for sector, _a, counts in LOCATIONS.values()
        if vo is None or (sector == School.Sector.VO) == vo
    ]
    hidden = sum(1 for v in values if v == "<5")
    pupils = sum(v for v in values if v != "<5")
    return pupils, sum(1 for v in values if v == "<5" or v > 0), hidden


def test_selectors_count_every_location_with_pupils_on_the_date(town):
    assert _expected(2025) == (440, 4, 0)
    assert _expected(2020, vo=False) == (500, 4, 1)
    assert _expected(2020) == (1500, 6, 1)  # PO and VO on the NPO count date
    history = {
        t.year: (t.pupils, t.locations, t.hidden)
        for t in municipality_pupils_per_year(municipality=town)
    }
    assert history == {2020: _expected(2020), 2022: _expected(2022), 2025: _expected(2025)}
    (only,) = pupils_on(municipalities=[town], year=2025, sectors=[School.Sector.SO]).values()
    assert (only.pupils, only.locations, only.hidden) == (40, 1, 0)


def test_the_dashboard_pupil_read_is_one_query_with_the_latest_count_date(
    town, django_assert_num_queries
):
    """``municipality_pupil_figures``: the latest count date of all and the NPO's, one query,
    the same rows as the two reads it replaces; without counts it asks the latest date alone."""
    with django_assert_num_queries(1):
        figures = municipality_pupil_figures(municipality=town)
    assert figures.latest_year == latest_pupil_year() == 2025
    assert sorted(figures.rows) == sorted(
        pupil_figures(municipalities=[town], years=[2020, 2025]).rows
    )
    on = figures.on(2025, {"all": None})["all"][town.pk]
    assert (on.pupils, on.locations, on.hidden) == _expected(2025)
    # A newer count date elsewhere is the latest, also for a municipality without it.
    PupilCount.objects.create(school=SchoolFactory(), year=2026, count=5)
    with django_assert_num_queries(1):
        figures = municipality_pupil_figures(municipality=town)
    assert figures.latest_year == 2026
    assert {row[1] for row in figures.rows} == {2020}
    empty = MunicipalityFactory()
    with django_assert_num_queries(2):
        figures = municipality_pupil_figures(municipality=empty)
    assert (figures.latest_year, figures.rows) == (2026, [])


def test_every_page_shows_the_same_pupil_figures(
    client, town, officer, django_capture_on_commit_callbacks
):
    pupils_2025 = "440"
    # Dashboard.
    client.force_login(officer)
    body = client.get(reverse("municipalities:dashboard", args=[town.slug])).content.decode()
    assert f"<dd>{pupils_2025}</dd>" in body
    assert "Bron: DUO, 1 okt. 2025" in body
    # VO beside it, with its own (last) count date.
    assert "Leerlingen vo, incl. vavo (1 oktober 2022)</dt><dd>950</dd>" in body
    assert "VO: Bron: DUO, 1 okt. 2022" in body

    # Gemeentefoto: the stored snapshot and the PDF built from it.
    job = build(town, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    profile = job.snapshot["profile"]
    assert (profile["pupil_year"], profile["total_pupils"]) == (2025, 440)
    years = {row["year"]: (row["pupils"], row["hidden_locations"]) for row in profile["years"]}
    assert years == {2020: (500, 1), 2022: (280, 0), 2025: (440, 0)}  # PO (incl. SO)
    # VO beside PO in the years DUO's VO files have; the history says which years those are.
    assert {row["year"]: row.get("vo_pupils") for row in profile["years"]} == {
        2020: 1000,
        2022: 950,
        2025: None,
    }
    assert profile["vo_years"] == [2020, 2022]
    sectors = {row["code"]: row["pupils"] for row in profile["sectors"]}
    assert sectors == {"BO": 400, "SO": 40, "VO": None}  # no VO count on 1 Oct 2025
    text = pdf_text(job)
    assert pupils_2025 in text and "500" in text and "1.000" in text
    assert "alleen bekend voor 1 oktober 2020 tot en met 2022" in " ".join(text.split())
    assert "Leerlingen voortgezet onderwijs: DUO open onderwijsdata" in " ".join(text.split())

    # The portfolio's comparison, for an advisor of this municipality.
    advisor = MembershipFactory(municipality=town, role=Role.ADVISOR).user
    client.force_login(advisor)
    response = client.get(reverse("portfolio:comparisons"))
    (row,) = response.context["spending"].rows
    assert (response.context["pupil_year"], row.pupils) == (2025, 440)
    assert (
        f'<td class="utrecht-table__cell utrecht-table__cell--numeric-data">{pupils_2025}</td>'
        in response.content.decode()
    )

    # The NPO estimate: PO and VO on 1 Oct 2020, closed locations included, <5 left out
    # and named, vavo included.
    estimate = npo_estimate(municipality=town)
    assert (estimate.po.pupils, estimate.vo.pupils, estimate.vavo) == (500, 1000, VAVO_2020)
    assert estimate.total == Decimal("1500") * Decimal("118.11")
    basis = estimate.basis_text()
    assert "1.500 leerlingen op 1 oktober 2020: 500 in het primair onderwijs" in basis
    assert "1.000 in het voortgezet onderwijs (incl. 12 uitbesteed aan vavo)" in basis
    assert "Exclusief 1 vestiging met <5 leerlingen" in basis
    assert "niet meegeteld: geen openbare scores" in basis
    assert "Bron: DUO, 1 okt. 2020" in basis


def test_estimate_adds_predecessors_oab_score_and_stands_beside_the_beschikking(
    client, town, officer
):
    # A municipality merged into the town after 2020: its location counts here (DUO's current
    # files place it here) and the estimate names it.
    FormerMunicipality.objects.create(
        cbs_code="GM0999", name="Oudedorp", successor=town, merged_on="2022-01-01"
    )
    gone = SchoolFactory(municipality=town, sector=School.Sector.VO, is_active=False)
    PupilCount.objects.create(school=gone, year=2020, count=500, vavo=0)
    estimate = npo_estimate(municipality=town)
    assert estimate.pupils == 2000
    assert "inclusief de leerlingen van Oudedorp (heringedeeld)" in estimate.includes_text()

    # An editor enters the onderwijsachterstandsscore: the OAB part counts, audited.
    client.force_login(officer)
    page = reverse("budgets:npo_estimate", args=[town.slug])
    response = client.post(page, {"score": "1.234,50"})
    assert response.status_code == 302
    town.refresh_from_db()
    assert town.npo_oab_score == Decimal("1234.50")
    estimate = npo_estimate(municipality=town)
    assert estimate.oab_part == Decimal("27949.08")  # 1234,50 × € 22,64
    assert estimate.total == Decimal("2000") * Decimal("118.11") + Decimal("27949.08")
    assert "OAB-deel: onderwijsachterstandsscore 1.234,50" in estimate.oab_text()
    log = client.get(reverse("municipalities:activity_log", args=[town.slug])).content.decode()
    assert "1234.50" in log or "1234,50" in log

    # No beschikking yet: the page says the amount is an estimate.
    body = client.get(reverse("budgets:allocation_list", args=[town.slug])).content.decode()
    assert "Er is nog geen beschikking ingevoerd" in body
    assert "niet meegeteld" not in body  # the score is known now

    # Real beschikking amounts (not marked as estimate) count; the estimate stands beside
    # them with the difference.
    funding_streams_ensure()
    npo = FundingStream.objects.get(code="npo-gemeenten")
    # An allocation marked as estimate: the dashboard says the NPO amount is an estimate.
    Allocation.objects.create(
        municipality=town,
        stream=npo,
        period="2023-2024",
        amount=1000,
        is_estimate=True,
        estimate_basis="schatting",
    )
    dashboard = reverse("municipalities:dashboard", args=[town.slug])
    body = client.get(dashboard).content.decode()
    assert "Het NPO-bedrag is een schatting: 2.000 leerlingen (po en vo, incl. vavo)" in body
    Allocation.objects.filter(is_estimate=True).delete()
    Allocation.objects.create(municipality=town, stream=npo, period="2021-2022", amount=200000)
    Allocation.objects.create(municipality=town, stream=npo, period="2022-2023", amount=50000)
    estimate = npo_estimate(municipality=town)
    assert estimate.allocated == Decimal("250000")
    assert estimate.difference == Decimal("250000") - estimate.total
    # The PDF's budget chapter says the same, with what the estimate includes.
    from reports.snapshot.budget import budget_section

    note = budget_section(town, None)["note"]
    assert "NPO: toegekend volgens beschikking € 250.000,00" in note
    assert "2.000 leerlingen op 1 oktober 2020" in note and "Bron: DUO, 1 okt. 2020" in note
    body = client.get(dashboard).content.decode()
    assert "NPO: toegekend volgens beschikking € 250.000,00; schatting" in body
    for url in ("budgets:overview", "budgets:allocation_list", "budgets:npo_estimate"):
        body = client.get(reverse(url, args=[town.slug])).content.decode()
        assert 'data-testid="npo-allocated">€ 250.000,00' in body, url
        assert 'data-testid="npo-difference">€ -14.169,08' in body or (
            'data-testid="npo-difference">-€ 14.169,08' in body
        ), url


def test_a_reader_sees_the_estimate_but_cannot_enter_the_score(client, town, member_factory):
    viewer = member_factory(town, Role.VIEWER)
    client.force_login(viewer)
    page = reverse("budgets:npo_estimate", args=[town.slug])

    body = client.get(page).content.decode()
    assert "niet meegeteld: geen openbare scores" in body
    assert 'name="score"' not in body
    assert client.post(page, {"score": "10"}).status_code == 403
    town.refresh_from_db()
    assert town.npo_oab_score is None


def test_every_page_hides_the_same_counts_of_schools_from_the_analyses(
    client, municipality, officer, django_capture_on_commit_callbacks
):
    """Counts of schools from their NPO analyses: the same cells are hidden on the dashboard,
    the gemeentefoto (snapshot and PDF) and the portfolio's comparison."""
    from analyses.models import AnalysisStatus
    from schools.models import Intervention
    from tests.analyses.factories import SchoolAnalysisFactory
    from tests.budgets.factories import CycleFactory

    cycle = CycleFactory(municipality=municipality)
    rare = Intervention.objects.create(version="t", area="A", area_description="x", name="Zeldzaam")
    common = Intervention.objects.create(version="t", area="B", area_description="x", name="Vaak")
    # 8 received: taal 1 small + 7 large (the 7 would give the 1 back: "x"); rekenen 2 large
    # ("<5"), 6 none; "Zeldzaam" chosen by 3 ("<5"), "Vaak" by 6.
    for n in range(8):
        analysis = SchoolAnalysisFactory(
            school__municipality=municipality,
            cycle=cycle,
            status=AnalysisStatus.SUBMITTED,
            complete=True,
            delay_taal="klein" if n == 0 else "groot",
            delay_rekenen="groot" if n < 2 else "geen",
        )
        analysis.interventions.add(*([rare] if n < 3 else []), *([common] if n < 6 else []))

    client.force_login(officer)
    dashboard = client.get(reverse("municipalities:dashboard", args=[municipality.slug]))
    assert "8 van 8 scholen hebben hun analyse ingediend" in dashboard.content.decode()

    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    section = job.snapshot["analyses"]
    domains = {d["domain"]: d for d in section["domains"]}
    assert section["submitted"] == 8
    assert (domains["taal"]["small"], domains["taal"]["large"]) == ("<5", "x")
    assert (domains["rekenen"]["small"], domains["rekenen"]["large"]) == (0, "<5")
    assert {i["name"]: i["schools"] for i in section["interventions"]} == {
        "B. Vaak": 6,
        "A. Zeldzaam": "<5",
    }
    text = pdf_text(job)
    assert "A. Zeldzaam (<5 scholen)" in text and "B. Vaak (6 scholen)" in text
    assert "staat als x" in text

    advisor = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    client.force_login(advisor)
    response = client.get(reverse("portfolio:comparisons"))
    delays = response.context["delays"]
    (row,) = delays.rows
    cells = dict(zip([code for code, _l in delays.columns], row.cells, strict=True))
    assert (cells["taal"].hidden, cells["rekenen"].hidden) == ("x", "<5")
    assert cells["taal"].value is None and cells["rekenen"].value is None
    assert cells["sociaal_emotioneel"].value is not None  # complete=True: all small, 0 large
    shown = {r.intervention.name: r.cells[0] for r in response.context["interventions"]}
    assert shown["Vaak"].value == Decimal("75.00")  # 6 of 8
    assert "Zeldzaam" not in shown  # its only count is hidden: nothing shown to rank it by
