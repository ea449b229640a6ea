"""One figure, one number: the dashboard, the gemeentefoto (snapshot and PDF), the portfolio's
comparison and the NPO estimate show the same pupil counts for the same municipality, counted
from every location that had pupils on the count date, whatever its status today."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.demo import npo_estimate
from municipalities.models import Role
from schools.models import PupilCount, School
from schools.selectors import municipality_pupils_per_year, pupils_on
from tests.factories import MembershipFactory, SchoolFactory
from tests.reports.helpers import build, pdf_text

pytestmark = pytest.mark.django_db

# vestiging -> (sector, active today, {year: count or "<5"})
LOCATIONS = {
    "open": (School.Sector.BO, True, {2020: 300, 2025: 250}),
    "closed": (School.Sector.BO, False, {2020: 120, 2025: 0}),
    # Not in the latest address file but with pupils on 1 Oct 2025 (like 17FL01): inactive.
    "gone": (School.Sector.BO, False, {2020: 80, 2025: 90}),
    "special": (School.Sector.SO, True, {2020: "<5", 2025: 40}),
    "new": (School.Sector.BO, True, {2020: 0, 2025: 60}),
}


@pytest.fixture
def town(municipality):
    for sector, active, counts in LOCATIONS.values():
        school = SchoolFactory(municipality=municipality, sector=sector, is_active=active)
        for year, count in counts.items():
            hidden = count == "<5"
            PupilCount.objects.create(
                school=school, year=year, count=None if hidden else count, suppressed=hidden
            )
    # Another municipality's pupils never enter these figures.
    PupilCount.objects.create(school=SchoolFactory(), year=2025, count=7777)
    return municipality


def _expected(year: int) -> tuple[int, int, int]:
    """(pupils, locations with pupils, of which <5), straight from LOCATIONS."""
    values = [counts[year] for _s, _a, counts in LOCATIONS.values()]
    hidden = sum(1 for v in values if v == "<5")
    pupils = sum(v for v in values if v != "<5")
    return pupils, sum(1 for v in values if v == "<5" or v > 0), hidden


def test_selectors_count_every_location_with_pupils_on_the_date(town):
    assert _expected(2025) == (440, 4, 0)
    assert _expected(2020) == (500, 4, 1)
    history = {
        t.year: (t.pupils, t.locations, t.hidden)
        for t in municipality_pupils_per_year(municipality=town)
    }
    assert history == {2020: _expected(2020), 2025: _expected(2025)}
    (only,) = pupils_on(municipalities=[town], year=2025, sectors=[School.Sector.SO]).values()
    assert (only.pupils, only.locations, only.hidden) == (40, 1, 0)


def test_every_page_shows_the_same_pupil_figures(
    client, town, officer, django_capture_on_commit_callbacks
):
    pupils_2025 = "440"
    # Dashboard.
    client.force_login(officer)
    body = client.get(reverse("municipalities:dashboard", args=[town.slug])).content.decode()
    assert f"<dd>{pupils_2025}</dd>" in body
    assert "Bron: DUO, 1 okt. 2025" in body

    # Gemeentefoto: the stored snapshot and the PDF built from it.
    job = build(town, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    profile = job.snapshot["profile"]
    assert (profile["pupil_year"], profile["total_pupils"]) == (2025, 440)
    years = {row["year"]: (row["pupils"], row["hidden_locations"]) for row in profile["years"]}
    assert years == {2020: (500, 1), 2025: (440, 0)}
    sectors = {row["code"]: row["pupils"] for row in profile["sectors"]}
    assert sectors == {"BO": 400, "SO": 40}
    text = pdf_text(job)
    assert pupils_2025 in text and "500" in text

    # The portfolio's comparison, for an advisor of this municipality.
    advisor = MembershipFactory(municipality=town, role=Role.ADVISOR).user
    client.force_login(advisor)
    response = client.get(reverse("portfolio:comparisons"))
    (row,) = response.context["spending"].rows
    assert (response.context["pupil_year"], row.pupils) == (2025, 440)
    assert f'<td class="num">{pupils_2025}</td>' in response.content.decode()

    # The NPO estimate: the 2020 count, closed locations included, <5 left out and named.
    total, basis = npo_estimate(town)
    assert total == Decimal("500") * Decimal("118.11")
    assert "500 leerlingen" in basis and "(3 vestigingen, DUO)" in basis
    assert "1 vestiging(en) met minder dan 5 leerlingen" in basis
