"""The intake overview: every school with its status, filters, completeness and reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analyses import selectors
from analyses.models import AnalysisReminder, AnalysisStatus
from schools.models import School
from tests.analyses.factories import SchoolAnalysisFactory, school_user
from tests.factories import SchoolBoardFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


def make_schools(municipality, cycle, n):
    board = SchoolBoardFactory()
    statuses = [None, *AnalysisStatus.values]
    for i in range(n):
        school = SchoolFactory(
            municipality=municipality, board=board,
            sector=School.Sector.VO if i % 4 == 0 else School.Sector.BO,
        )  # fmt: skip
        status = statuses[i % len(statuses)]
        if status:
            SchoolAnalysisFactory(school=school, cycle=cycle, status=status)
        if i % 3 == 0:
            school_user(municipality, school)


def test_overview_query_count_does_not_grow_with_schools(
    officer_client, municipality, cycle, django_assert_num_queries
):
    make_schools(municipality, cycle, 5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert officer_client.get(url("overview", municipality)).status_code == 200
    make_schools(municipality, cycle, 195)
    with django_assert_num_queries(len(small.captured_queries)):
        response = officer_client.get(url("overview", municipality))
    # Paged like the school list: 50 rows of 200, and the completeness still counts all 200.
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (200, 50, 4)
    assert response.context["overview"].total == 200
    assert "pagina=2" in response.content.decode()
    with CaptureQueriesContext(connection) as first_page:
        officer_client.get(url("overview", municipality))
    with django_assert_num_queries(len(first_page.captured_queries)):
        last = officer_client.get(url("overview", municipality), {"pagina": "4"})
    assert len(last.context["page"].object_list) == 50
    first_names = {s.name for s in page.object_list}
    assert not first_names & {s.name for s in last.context["page"].object_list}


def test_overview_pages_keep_the_filters(officer_client, municipality, cycle):
    for i in range(60):
        SchoolFactory(municipality=municipality, sector="BO", name=f"BO {i:02}")
    SchoolFactory(municipality=municipality, sector="VO", name="VO 0")
    response = officer_client.get(url("overview", municipality), {"sector": "BO"})
    assert response.context["page"].paginator.count == 60
    assert "sector=BO&amp;pagina=2" in response.content.decode()
    second = officer_client.get(url("overview", municipality), {"sector": "BO", "pagina": "2"})
    assert [s.name for s in second.context["page"].object_list] == [
        f"BO {i:02}" for i in range(50, 60)
    ]
    assert response.context["overview"].total == 61  # completeness is never filtered


def test_completeness_per_sector_and_filters(officer_client, municipality, cycle):
    bo = [SchoolFactory(municipality=municipality, sector="BO", name=f"BO {i}") for i in range(4)]
    vo = [SchoolFactory(municipality=municipality, sector="VO", name=f"VO {i}") for i in range(2)]
    SchoolFactory(municipality=municipality, sector="BO", is_active=False, name="Dicht")
    SchoolAnalysisFactory(school=bo[0], cycle=cycle, status=AnalysisStatus.SUBMITTED)
    SchoolAnalysisFactory(school=bo[1], cycle=cycle, status=AnalysisStatus.ACCEPTED)
    SchoolAnalysisFactory(school=bo[2], cycle=cycle, status=AnalysisStatus.DRAFT)
    SchoolAnalysisFactory(school=vo[0], cycle=cycle, status=AnalysisStatus.RETURNED)

    response = officer_client.get(url("overview", municipality))
    overview = response.context["overview"]
    assert (overview.total, overview.received, overview.percent) == (6, 2, 33)
    per_sector = {s.sector: (s.total, s.received, s.percent) for s in overview.per_sector}
    assert per_sector == {"BO": (4, 2, 50), "VO": (2, 0, 0)}
    body = response.content.decode()
    assert "2 van 6 schoolvestigingen ingediend (33%)" in body
    assert "Dicht" not in body

    names = lambda r: [s.name for s in r.context["page"].object_list]  # noqa: E731
    assert names(officer_client.get(url("overview", municipality), {"sector": "VO"})) == [
        "VO 0",
        "VO 1",
    ]
    assert names(officer_client.get(url("overview", municipality), {"status": "ontbreekt"})) == [
        "BO 3",
        "VO 1",
    ]
    assert names(
        officer_client.get(url("overview", municipality), {"status": "teruggestuurd"})
    ) == ["VO 0"]
    assert names(
        officer_client.get(
            url("overview", municipality), {"status": "niet_ontvangen", "sector": "BO"}
        )
    ) == ["BO 2", "BO 3"]
    # htmx gets only the results partial.
    partial = officer_client.get(
        url("overview", municipality), {"sector": "VO"}, HTTP_HX_REQUEST="true"
    )
    assert "<h1 " not in partial.content.decode() and "VO 0" in partial.content.decode()


def test_overview_without_open_cycle(officer_client, municipality):
    response = officer_client.get(url("overview", municipality))
    assert "Er is geen open 4D-cyclus." in response.content.decode()


def test_reminder_one_mail_per_school_user_and_not_twice_a_day(
    officer_client, officer, municipality, cycle, django_capture_on_commit_callbacks
):
    missing = SchoolFactory(municipality=municipality, name="Zonder analyse")
    draft = SchoolFactory(municipality=municipality, name="Met concept")
    done = SchoolFactory(municipality=municipality, name="Ingediend")
    lonely = SchoolFactory(municipality=municipality, name="Zonder gebruiker")
    SchoolAnalysisFactory(school=draft, cycle=cycle, status=AnalysisStatus.DRAFT)
    SchoolAnalysisFactory(school=done, cycle=cycle, status=AnalysisStatus.SUBMITTED)
    a1, a2 = school_user(municipality, missing), school_user(municipality, missing)
    b1 = school_user(municipality, draft)
    school_user(municipality, done)

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url("remind", municipality), follow=True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a1.email, a2.email, b1.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "Herinnering: NPO-schoolanalyse voor gemeente Utrecht" in mail.outbox[0].subject
    assert "/g/utrecht/schoolanalyses/mijn/" in mail.outbox[0].body
    body = response.content.decode()
    assert "Herinneringen verstuurd aan 2 scholen (3 e-mails)." in body
    assert "1 school heeft nog geen gebruiker om te mailen." in body
    reminders = AnalysisReminder.objects.for_municipality(municipality)
    assert sorted(r.school.name for r in reminders) == ["Met concept", "Zonder analyse"]
    assert lonely not in [r.school for r in reminders]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url("remind", municipality), follow=True)
    assert mail.outbox == []
    assert "2 scholen kregen het afgelopen etmaal al een herinnering" in response.content.decode()

    # A day later they may be reminded again.
    reminders.update(sent_at=timezone.now() - datetime.timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(url("remind", municipality))
    assert len(mail.outbox) == 3


def test_reminder_by_viewer_is_refused(client, municipality, viewer, cycle):
    school_user(municipality, SchoolFactory(municipality=municipality))
    client.force_login(viewer)
    assert client.post(url("remind", municipality)).status_code == 403
    assert mail.outbox == [] and not AnalysisReminder.objects.exists()


def test_figures_for_the_gemeentefoto_count_only_received_analyses(
    municipality, cycle, django_assert_max_num_queries
):
    from analyses.figures import analysis_figures
    from analyses.models import AnalysisNeed
    from schools.models import Intervention

    tutoring = Intervention.objects.create(
        version="2023", area="A", area_description="x", name="Bijles in kleine groepen"
    )
    a = SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle, complete=True,
                              status=AnalysisStatus.ACCEPTED, delay_taal="groot", share_taal=60)  # fmt: skip
    b = SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle, complete=True,
                              status=AnalysisStatus.SUBMITTED, delay_taal="klein", share_taal=20)  # fmt: skip
    draft = SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle, complete=True,
                                  delay_taal="groot", share_taal=90)  # fmt: skip
    for analysis in (a, b, draft):
        analysis.interventions.add(tutoring)
        AnalysisNeed.objects.create(
            municipality=municipality, analysis=analysis, category="inhalen", explanation="x"
        )
    with django_assert_max_num_queries(3):
        figures = analysis_figures(cycles=[cycle])[cycle.pk]
    assert figures.received == 2 and figures.withheld  # fewer than 5: no breakdown shown
    taal = figures.domains[0]
    assert taal.domain == "taal"
    assert taal.counts == {"geen": 0, "klein": 1, "groot": 1, "leeg": 0} and taal.mean_share == 40
    assert [(i.area, i.name, i.schools) for i in figures.interventions] == [
        ("A", "Bijles in kleine groepen", 2)
    ]
    assert figures.needs["inhalen"] == 2
    assert figures.delay("taal", "groot") is None and figures.need("inhalen") is None


def test_waived_cycle_counts_as_done_no_reminders_and_dashboard_says_so(
    officer_client, municipality, cycle, django_capture_on_commit_callbacks
):
    missing = SchoolFactory(municipality=municipality, name="Zonder analyse")
    school_user(municipality, missing)
    cycle.analyses_waived = True
    cycle.analyses_waiver_reason = "De analyses liggen al bij het samenwerkingsverband."
    cycle.save()

    overview = officer_client.get(url("overview", municipality)).content.decode()
    assert "Voor deze cyclus zijn geen schoolanalyses nodig; er ontbreekt er dus geen." in overview
    assert "Stuur herinnering" not in overview

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(url("remind", municipality), follow=True)
    assert mail.outbox == [] and not AnalysisReminder.objects.exists()
    assert "er gaan geen herinneringen uit" in response.content.decode()

    dashboard = officer_client.get(
        reverse("municipalities:dashboard", kwargs={"municipality_slug": municipality.slug})
    ).content.decode()
    assert "Voor deze cyclus zijn geen schoolanalyses nodig." in dashboard
    assert "scholen hebben hun analyse ingediend" not in dashboard


def test_cycle_chooser_own_cycles_only_and_the_open_one_by_default(
    officer_client, municipality, other_municipality, cycle
):
    """One query lists the cycles for the chooser and picks the shown one from them."""
    from cycles.models import Phase
    from tests.cycles.factories import CycleFactory

    done = CycleFactory(
        municipality=municipality, phase=Phase.AFGEROND, title="Afgeronde cyclus",
        start_date=cycle.start_date - datetime.timedelta(days=800),
    )  # fmt: skip
    foreign = CycleFactory(municipality=other_municipality, title="Andermans cyclus")
    response = officer_client.get(url("overview", municipality))
    assert response.context["cycle"] == cycle
    assert [c.pk for c in response.context["cycles"]] == [cycle.pk, done.pk]
    chosen = officer_client.get(url("overview", municipality), {"cyclus": done.pk})
    assert chosen.context["cycle"] == done
    assert (
        officer_client.get(url("overview", municipality), {"cyclus": foreign.pk}).status_code == 404
    )
    assert officer_client.get(url("overview", municipality), {"cyclus": "x1"}).status_code == 400


@pytest.mark.parametrize(
    ("sector", "status"),
    [
        ("", ""),
        (School.Sector.VO, ""),
        ("", selectors.MISSING),
        ("", selectors.NOT_RECEIVED),
        (School.Sector.BO, AnalysisStatus.SUBMITTED),
    ],
)
def test_the_prepared_page_reads_what_the_queryset_lists(
    municipality, cycle, sector, status, django_assert_num_queries
):
    """``intake_overview``'s ``read`` (one prepared query per filter and page) gives the rows,
    annotations and count of its queryset, for every filter."""
    from core.pagination import with_total

    make_schools(municipality, cycle, 23)
    AnalysisReminder.objects.create(
        municipality=municipality,
        school=School.objects.filter(municipality=municipality).first(),
        cycle=cycle,
        recipients=1,
    )
    overview = selectors.intake_overview(
        municipality=municipality, cycle=cycle, sector=sector, status=status
    )
    fields = ("pk", "analysis_status", "analysis_pk", "last_reminder_at", "has_school_user")
    for bottom, top in ((0, 10), (10, 20), (20, 30)):
        expected = list(with_total(overview.shown())[bottom:top])
        with django_assert_num_queries(1):
            got = overview.read(bottom, top)
        assert [[getattr(s, f) for f in fields] for s in got] == [
            [getattr(s, f) for f in fields] for s in expected
        ]
        assert {s.pagination_total for s in got} == {s.pagination_total for s in expected}
    assert overview.read(0, 50), "the filters leave rows to compare"
