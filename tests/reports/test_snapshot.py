"""What goes into a report: sections, small-number suppression, changes, frozen versions."""

import pytest

from reports.formatting import number_nl, share, suppress
from reports.models import ReportJob
from schools.models import PartnerOrganisation, PupilCount, School
from tests.factories import SchoolFactory
from tests.reports.factories import fill_municipality
from tests.reports.helpers import build, pdf_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"), [(None, None), (0, 0), (1, "<5"), (4, "<5"), (5, 5), (1234, 1234)]
)
def test_suppress_hides_one_to_four(value, shown):
    assert suppress(value) == shown


def test_share_is_hidden_for_a_small_group():
    assert share(3, 100) is None
    assert share(25, 100) == "25,0"


def test_dutch_number_formatting():
    assert number_nl(12345) == "12.345"
    assert number_nl("<5") == "<5"


def test_public_counts_are_shown_and_duo_suppression_stays(
    municipality, officer, django_capture_on_commit_callbacks
):
    # DUO's published counts and the public school locations are shown as they are (suppressing
    # them again would only invite derivation from the totals); DUO's own <5 stays <5 and is
    # left out of every total, which says how many locations it leaves out.
    small = SchoolFactory(municipality=municipality, name="Kleine school", sector=School.Sector.BO)
    PupilCount.objects.create(school=small, year=2024, count=3)
    tiny = SchoolFactory(municipality=municipality, sector=School.Sector.BO)
    PupilCount.objects.create(school=tiny, year=2024, count=None, suppressed=True)
    SchoolFactory(municipality=municipality, sector=School.Sector.VO)
    job = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    profile = job.snapshot["profile"]
    assert (profile["total_schools"], profile["total_pupils"]) == (3, 3)
    assert profile["hidden_locations"] == 1
    assert {s["code"]: s["schools"] for s in profile["sectors"]} == {"BO": 2, "VO": 1}
    assert profile["years"] == [{"year": 2024, "pupils": 3, "hidden_locations": 1}]
    assert {s["code"]: s["pupils_share"] for s in profile["sectors"]} == {"BO": "100,0", "VO": None}
    text = " ".join(pdf_text(job).split())
    assert "exclusief 1 vestiging met <5 leerlingen" in text
    assert "Bron: DUO, 1 okt. 2024" in text
    assert "Afscherming: waar DUO een vestiging met <5 leerlingen publiceert" in text


def test_every_section_without_data_says_so_instead_of_failing(
    municipality, officer, django_capture_on_commit_callbacks
):
    for kind in ("gemeentefoto", "plan"):
        job = build(municipality, kind, officer, None, django_capture_on_commit_callbacks)
        assert job.status == "done", job.error
        text = pdf_text(job)
        assert "Geen gegevens." in text
    snap = job.snapshot
    for section in ("findings", "goals", "activities", "budget", "partners"):
        assert snap[section]["available"] is False and snap[section]["missing"]


def test_gemeentefoto_sections_with_data(municipality, officer, django_capture_on_commit_callbacks):
    cycle = fill_municipality(municipality)
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    snap = job.snapshot
    assert snap["profile"]["total_schools"] == 8
    assert snap["profile"]["weights"]["available"] and snap["profile"]["weights"]["mean"] == "30,5"
    assert [k["label"] for k in snap["partners"]["kinds"]] == [
        "Jeugdgezondheidszorg (JGZ)",
        "Bibliotheek",
    ]
    assert snap["findings"]["items"][0]["priority"] == "Hoog"
    assert snap["goals"]["items"][0]["target"] == "70%"
    assert snap["budget"]["total_planned"] == "487650.00"
    assert snap["analyses"]["available"] is False
    assert snap["changes"] is None
    text = pdf_text(job)
    # Amounts as on the pages (core.money): with cents.
    assert "€ 487.650,00" in text and "€ 1.250.000,00" in text


def test_changes_since_the_previous_gemeentefoto(
    municipality, officer, django_capture_on_commit_callbacks
):
    fill_municipality(municipality, with_cycle=False)
    first = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    PartnerOrganisation.objects.create(
        municipality=municipality, name="Kinderopvang Zon", kind="childcare"
    )
    second = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    changes = second.snapshot["changes"]
    assert changes["previous_version"] == first.version == 1
    assert {"label": "Partnerorganisaties", "before": "2", "after": "3", "direction": "up"} in (
        changes["rows"]
    )
    assert "Wat is er veranderd" in pdf_text(second)


def test_budget_changes_show_amounts_with_cents_and_a_dash_for_none():
    from reports.snapshot.figures import changes_since

    def figures(value):
        return [{"key": "budget", "label": "Begroot budget", "value": value}]

    rows = changes_since(
        {"version": 1, "key_figures": figures(None)}, {"key_figures": figures("487650.5")}
    )["rows"]
    assert rows == [
        {"label": "Begroot budget", "before": "–", "after": "€ 487.650,50", "direction": ""}
    ]
    rows = changes_since(
        {"version": 1, "key_figures": figures("1000.00")}, {"key_figures": figures("999.99")}
    )["rows"]
    assert rows[0]["before"] == "€ 1.000,00" and rows[0]["direction"] == "down"


def test_old_versions_show_the_data_as_it_was(
    municipality, officer, client, django_capture_on_commit_callbacks
):
    fill_municipality(municipality, with_cycle=False)
    v1 = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    PartnerOrganisation.objects.filter(municipality=municipality, name="GGD regio").update(
        name="Hernoemd"
    )
    v2 = build(municipality, "gemeentefoto", officer, None, django_capture_on_commit_callbacks)
    client.force_login(officer)
    old = client.get(f"/g/utrecht/rapportages/{v1.pk}/").content.decode()
    new = client.get(f"/g/utrecht/rapportages/{v2.pk}/").content.decode()
    assert "GGD regio" in old and "Hernoemd" not in old
    assert "Hernoemd" in new
    assert ReportJob.objects.filter(municipality=municipality).count() == 2
    assert "GGD regio" in pdf_text(v1)


def test_school_analyses_section_from_received_analyses(
    municipality, officer, django_capture_on_commit_callbacks
):
    from analyses.models import AnalysisStatus
    from tests.analyses.factories import SchoolAnalysisFactory

    cycle = fill_municipality(municipality)
    for _n in range(6):
        SchoolAnalysisFactory(
            school__municipality=municipality,
            cycle=cycle,
            status=AnalysisStatus.SUBMITTED,
            complete=True,
        )
    SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle)  # a draft: not counted
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    analyses = job.snapshot["analyses"]
    assert analyses["available"] and analyses["submitted"] == 6
    assert analyses["domains"][0]["small"] == 6 and analyses["domains"][0]["share"] == "30"
    assert "Vertragingen per domein" in pdf_text(job)


def test_few_school_analyses_show_no_breakdown(
    municipality, officer, django_capture_on_commit_callbacks
):
    from analyses.models import AnalysisStatus
    from tests.analyses.factories import SchoolAnalysisFactory

    cycle = fill_municipality(municipality)
    for _n in range(3):
        SchoolAnalysisFactory(
            school__municipality=municipality,
            cycle=cycle,
            status=AnalysisStatus.ACCEPTED,
            complete=True,
        )
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    analyses = job.snapshot["analyses"]
    # The number received is shown exactly (the dashboard shows it too); with fewer than 5 no
    # breakdown: every count would be about one or two schools.
    assert analyses["submitted"] == 3 and analyses["withheld"]
    assert analyses["domains"] == analyses["interventions"] == analyses["needs"] == []
    text = pdf_text(job)
    assert "minder dan 5 analyses ontvangen" in text


def test_a_small_count_next_to_the_total_gets_a_complementary_cell(
    municipality, officer, django_capture_on_commit_callbacks
):
    from analyses.models import AnalysisStatus
    from tests.analyses.factories import SchoolAnalysisFactory

    cycle = fill_municipality(municipality)
    # Taal: 7 large delays and 1 small of 8 received. "<5" for the small one alone would leave
    # it at 8 - 7 = 1 ("geen" cannot be negative): the 7 must be hidden too.
    for n in range(8):
        SchoolAnalysisFactory(
            school__municipality=municipality,
            cycle=cycle,
            status=AnalysisStatus.SUBMITTED,
            complete=True,
            delay_taal="klein" if n == 0 else "groot",
            delay_rekenen="geen" if n < 3 else "groot",
        )
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    domains = {d["domain"]: d for d in job.snapshot["analyses"]["domains"]}
    assert (domains["taal"]["small"], domains["taal"]["large"]) == ("<5", "x")
    # Rekenen: 0 small, 5 large, 3 none: nothing small, nothing hidden.
    assert (domains["rekenen"]["small"], domains["rekenen"]["large"]) == (0, 5)
    text = pdf_text(job)
    assert "van 1 tot en met 4 staat als <5" in text and "staat als x" in text


def test_plan_summary_counts_in_singular_and_plural():
    from reports.snapshot.plan import plan_summary

    snap = {
        "municipality": {"name": "Zwolle"},
        "findings": {"items": [{}]},
        "goals": {"items": [{}, {}]},
        "activities": {"items": [{}]},
        "budget": {"available": True, "total_planned": "2920000.00", "streams": [{}]},
    }
    assert plan_summary(snap) == [
        "Samen met scholen en partners is 1 bevinding geduid.",
        "Dit plan stelt 2 doelen, uitgewerkt in 1 activiteit.",
        "Er is € 2.920.000,00 begroot uit 1 financieringsstroom.",
    ]
    snap["budget"]["streams"] = [{}, {}]
    assert plan_summary(snap)[-1] == "Er is € 2.920.000,00 begroot over 2 financieringsstromen."
    snap["budget"]["total_planned"] = "0.00"
    assert not any("begroot" in line for line in plan_summary(snap))


def test_plan_summary_names_the_pupil_source_and_date():
    from reports.snapshot.figures import key_figures
    from reports.snapshot.plan import plan_summary

    snap = {
        "municipality": {"name": "Zwolle"},
        "profile": {"total_schools": 84, "total_pupils": 12897, "pupil_year": 2025},
    }
    assert plan_summary(snap) == [
        "In Zwolle staan 84 schoolvestigingen; in het primair onderwijs hadden de vestigingen "
        "samen 12.897 leerlingen (DUO, teldatum 1 oktober 2025)."
    ]
    pupils = next(f for f in key_figures(snap) if f["key"] == "pupils")
    assert (pupils["label"], pupils["value"]) == ("Leerlingen (PO, DUO, 1 okt. 2025)", 12897)


def test_a_mean_share_over_fewer_than_5_schools_is_not_shown(
    municipality, officer, django_capture_on_commit_callbacks
):
    from analyses.models import AnalysisStatus
    from tests.analyses.factories import SchoolAnalysisFactory

    cycle = fill_municipality(municipality)
    for n in range(6):  # 6 received, but only 2 gave the share for taal: it would describe them
        SchoolAnalysisFactory(
            school__municipality=municipality,
            cycle=cycle,
            status=AnalysisStatus.SUBMITTED,
            complete=True,
            share_taal=40 if n < 2 else None,
        )
    job = build(municipality, "gemeentefoto", officer, cycle, django_capture_on_commit_callbacks)
    domains = {d["domain"]: d for d in job.snapshot["analyses"]["domains"]}
    assert domains["taal"]["share"] is None and domains["rekenen"]["share"] == "30"
