"""Pages of the 4D cycle: rendering, roles, cross-tenant 404s, htmx partials, query counts."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cycles.models import (
    Cycle,
    Finding,
    Goal,
    GoalRevision,
    Phase,
    SessionAttachment,
    StakeholderSession,
)
from municipalities.models import Role
from municipalities.versions import version_of
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    FindingFactory,
    GoalFactory,
    PartnerFactory,
    ProgressUpdateFactory,
    SessionFactory,
)
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

PAGES = ["detail", "data", "duiden", "doelen", "doen", "evaluatie"]


def url(name, cycle, *args):
    return reverse(f"cycles:{name}", args=[cycle.municipality.slug, cycle.pk, *args])


def filled_cycle(municipality, phase=Phase.DOEN, goals=1):
    cycle = CycleFactory(municipality=municipality, phase=phase)
    partner = PartnerFactory(municipality=municipality)
    school = SchoolFactory(municipality=municipality)
    for _ in range(goals):
        session = SessionFactory(cycle=cycle)
        session.partners.add(partner)
        session.schools.add(school)
        finding = FindingFactory(cycle=cycle)
        finding.sessions.add(session)
        goal = GoalFactory(cycle=cycle)
        goal.findings.add(finding)
        goal.schools.add(school)
        goal.responsible_partners.add(partner)
        activity = ActivityFactory(goal=goal, executing_partner=partner)
        activity.schools.add(school)
        ProgressUpdateFactory(activity=activity, measured_value=70)
    return cycle


@pytest.mark.parametrize("page", PAGES)
def test_officer_sees_every_page(officer_client, municipality, page):
    cycle = filled_cycle(municipality)
    response = officer_client.get(url(page, cycle))
    assert response.status_code == 200
    assert cycle.title in response.content.decode()


def test_cycle_list_and_create(officer_client, municipality):
    response = officer_client.get(reverse("cycles:list", args=[municipality.slug]))
    assert response.status_code == 200
    assert "Nieuwe cyclus starten" in response.content.decode()
    response = officer_client.post(
        reverse("cycles:list", args=[municipality.slug]),
        {"title": "Cyclus 2024-2025", "start_date": "2024-08-01", "end_date": "2025-07-31"},
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response.url == url("detail", cycle)
    assert cycle.phase == Phase.DATA and cycle.municipality == municipality
    # A second open cycle is refused with a Dutch message, nothing created.
    response = officer_client.post(
        reverse("cycles:list", args=[municipality.slug]),
        {"title": "Nog een", "start_date": "2025-08-01", "end_date": "2026-07-31"},
        follow=True,
    )
    assert "al een lopende cyclus" in response.content.decode()
    assert Cycle.objects.count() == 1


def test_create_rejects_end_before_start(officer_client, municipality):
    response = officer_client.post(
        reverse("cycles:list", args=[municipality.slug]),
        {"title": "X", "start_date": "2025-08-01", "end_date": "2024-07-31"},
    )
    assert response.status_code == 200
    assert "einddatum ligt voor de begindatum" in response.content.decode()
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SCHOOL])
def test_viewer_and_school_cannot_change_anything(client, municipality, member_factory, role):
    cycle = filled_cycle(municipality, phase=Phase.DUIDEN)
    client.force_login(member_factory(municipality, role))
    goal = cycle.goals.first()
    posts = [
        (reverse("cycles:list", args=[municipality.slug]), {"title": "x"}),
        (url("advance", cycle), {}),
        (url("go_back", cycle), {"reason": "x"}),
        (url("waiver", cycle), {"waived": "on", "reason": "x"}),
        (url("session_add", cycle), {"title": "x", "date": "2024-10-01"}),
        (url("finding_add", cycle), {"theme": "x"}),
        (url("goal_edit", cycle, goal.pk), {"title": "x"}),
        (url("activity_add", cycle, goal.pk), {"title": "x"}),
        (url("evaluation", cycle), {"process_evaluation": "x"}),
    ]
    for path, data in posts:
        assert client.post(path, data).status_code == 403, path
    assert cycle.transitions.count() == 0
    assert StakeholderSession.objects.count() == 1
    # Edit forms are not even shown to them.
    assert client.get(url("session_add", cycle)).status_code == 403
    expected_read = 200 if role == Role.VIEWER else 403
    assert client.get(url("detail", cycle)).status_code == expected_read


def test_viewer_reads_without_edit_controls(client, municipality, member_factory):
    cycle = filled_cycle(municipality, phase=Phase.DUIDEN)
    client.force_login(member_factory(municipality, Role.VIEWER))
    body = client.get(url("duiden", cycle)).content.decode()
    assert "Sessie toevoegen" not in body and "Bewerken" not in body
    body = client.get(url("detail", cycle)).content.decode()
    assert "Naar de volgende fase" not in body


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.POLICY_OFFICER])
def test_advisor_and_officer_move_phases(client, municipality, member_factory, role):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    SessionFactory(cycle=cycle)
    FindingFactory(cycle=cycle)
    client.force_login(member_factory(municipality, role))
    response = client.post(
        url("advance", cycle), {"note": "Prioriteiten vastgesteld", "from_phase": "duiden"}
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DOELEN
    response = client.post(url("go_back", cycle), {"reason": "", "from_phase": "doelen"})
    assert response.status_code == 200 and "Dit veld is verplicht" in response.content.decode()
    client.post(url("go_back", cycle), {"reason": "Extra sessie nodig", "from_phase": "doelen"})
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN
    body = client.get(url("detail", cycle)).content.decode()
    assert "Extra sessie nodig" in body and "Prioriteiten vastgesteld" in body


def test_blocked_advance_explains_what_is_missing(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    body = officer_client.get(url("detail", cycle)).content.decode()
    assert 'aria-disabled="true"' in body
    assert "Nog niet mogelijk: 2 punten staan open" in body
    response = officer_client.post(url("advance", cycle), {"from_phase": "duiden"}, follow=True)
    assert "Leg minstens één duidingssessie" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN


@pytest.mark.parametrize(
    "name,kwarg",
    [
        ("session_edit", "session"),
        ("finding_edit", "finding"),
        ("goal_edit", "goal"),
        ("activity_edit", "activity"),
        ("progress_add", "activity"),
        ("outcome", "goal"),
    ],
)
def test_other_municipalitys_objects_are_404(
    officer_client, municipality, other_municipality, name, kwarg
):
    mine = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    theirs = filled_cycle(other_municipality)
    objects = {
        "session": theirs.sessions.first(),
        "finding": theirs.findings.first(),
        "goal": theirs.goals.first(),
        "activity": theirs.goals.first().activities.first(),
    }
    obj = objects[kwarg]
    # Their object under my cycle, and their cycle itself: both 404.
    assert officer_client.get(url(name, mine, obj.pk)).status_code == 404
    assert officer_client.post(url(name, mine, obj.pk), {"title": "x"}).status_code == 404
    assert officer_client.get(url("detail", theirs)).status_code == 404


def test_schools_and_partners_only_from_this_municipality(
    officer_client, municipality, other_municipality
):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    foreign_school = SchoolFactory(municipality=other_municipality)
    foreign_partner = PartnerFactory(municipality=other_municipality)
    for field, value in (("schools", foreign_school.pk), ("partners", foreign_partner.pk)):
        response = officer_client.post(
            url("session_add", cycle),
            {"title": "Sessie", "date": "2024-10-01", field: [value]},
        )
        assert response.status_code == 200
        assert "Selecteer een geldige keuze" in response.content.decode()
    assert not StakeholderSession.objects.exists()


def test_session_add_with_and_without_htmx(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    partner = PartnerFactory(municipality=municipality)
    data = {"title": "Sessie met JGZ", "date": "2024-10-01", "partners": [partner.pk]}
    response = officer_client.post(url("session_add", cycle), data)
    assert response.status_code == 302 and response.url.endswith("#sessions-section")
    response = officer_client.post(url("session_add", cycle), data, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="sessions-section"')
    assert "<html" not in body and body.count("Sessie met JGZ") >= 2
    # Invalid via htmx: the form comes back, retargeted to where it stands.
    response = officer_client.post(
        url("session_add", cycle), {"title": ""}, headers={"HX-Request": "true"}
    )
    assert response["HX-Retarget"] == "#session-add"
    assert "Controleer het formulier" in response.content.decode()
    assert StakeholderSession.objects.count() == 2


def test_edit_form_partial_for_htmx(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    finding = FindingFactory(cycle=cycle)
    response = officer_client.get(
        url("finding_edit", cycle, finding.pk), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert f'id="finding-{finding.pk}"' in body and "<html" not in body
    response = officer_client.post(
        url("finding_edit", cycle, finding.pk),
        {"theme": "Rekenen groep 5", "domain": "rekenen", "target_group": "po", "priority": "2"},
    )
    finding.refresh_from_db()
    assert (finding.theme, finding.priority) == ("Rekenen groep 5", 2)


def test_phase_decides_what_is_editable(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    response = officer_client.post(
        url("session_add", cycle), {"title": "Te laat", "date": "2024-10-01"}
    )
    assert response.status_code == 200
    assert "Sessies leg je vast in de fasen Duiden en Doelen" in response.content.decode()
    assert not StakeholderSession.objects.exists()


def test_goal_change_in_doen_is_a_logged_bijstelling(officer_client, municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    goal = GoalFactory(cycle=cycle, target_value=80)
    data = {
        "title": goal.title,
        "indicator": goal.indicator,
        "baseline": "60",
        "target_value": "75",
        "unit": "%",
        "deadline": "2025-07-01",
        "spending_category": goal.spending_category,
        "target_group": goal.target_group,
        "versie": version_of(goal),  # what the edit form was opened on
    }
    response = officer_client.post(url("goal_edit", cycle, goal.pk), data)
    assert response.status_code == 200 and "geef een reden" in response.content.decode()
    goal.refresh_from_db()
    assert goal.target_value == 80 and not GoalRevision.objects.exists()

    response = officer_client.post(
        url("goal_edit", cycle, goal.pk), {**data, "reason": "Streefwaarde te ambitieus"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.target_value == 75
    revision = GoalRevision.objects.get()
    assert revision.reason == "Streefwaarde te ambitieus" and revision.actor == officer
    assert revision.changes == {"streefwaarde": ["80.00", "75"]}
    assert "Bijstelling van doel" in officer_client.get(url("detail", cycle)).content.decode()
    # No new goals once fixed.
    response = officer_client.post(url("goal_add", cycle), data)
    assert Goal.objects.count() == 1


def test_progress_update_sets_activity_status_and_rejects_future(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    activity = ActivityFactory(goal=GoalFactory(cycle=cycle), status="planned")
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    officer_client.post(
        url("progress_add", cycle, activity.pk),
        {"date": future, "narrative": "x", "status": "running"},
    )
    assert not activity.updates.exists()
    officer_client.post(
        url("progress_add", cycle, activity.pk),
        {
            "date": "2025-01-15",
            "narrative": "Gestart op 4 scholen",
            "status": "running",
            "measured_value": "65",
        },
    )
    activity.refresh_from_db()
    assert activity.status == "running" and activity.updates.get().measured_value == 65


def _list_queries(client, path, django_assert_num_queries, expected=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # first: the header's theme is then kept in the cache (theming.selectors)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_rows(
    officer_client, municipality, page, django_assert_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # count the page being built (the cache has its own tests)
    cycle = filled_cycle(municipality, goals=1)
    small = _list_queries(officer_client, url(page, cycle), django_assert_num_queries)
    # Same cycle, many more rows of everything.
    for _ in range(4):
        session = SessionFactory(cycle=cycle)
        finding = FindingFactory(cycle=cycle)
        finding.sessions.add(session)
        goal = GoalFactory(cycle=cycle)
        goal.findings.add(finding)
        for _ in range(2):
            ProgressUpdateFactory(activity=ActivityFactory(goal=goal), measured_value=65)
    with django_assert_num_queries(small):
        officer_client.get(url(page, cycle))


def test_cycle_list_query_count_does_not_grow(
    officer_client, municipality, django_assert_num_queries
):
    filled_cycle(municipality)
    path = reverse("cycles:list", args=[municipality.slug])
    small = _list_queries(officer_client, path, django_assert_num_queries)
    for year in range(2010, 2015):
        c = CycleFactory(
            municipality=municipality,
            phase=Phase.AFGEROND,
            start_date=datetime.date(year, 8, 1),
            end_date=datetime.date(year + 1, 7, 31),
        )
        ProgressUpdateFactory(
            activity=ActivityFactory(goal=GoalFactory(cycle=c)), measured_value=70
        )
    with django_assert_num_queries(small):
        officer_client.get(path)


def test_cross_tenant_list_shows_only_own_cycles(officer_client, municipality, other_municipality):
    CycleFactory(municipality=other_municipality, title="Zwolse cyclus")
    body = officer_client.get(reverse("cycles:list", args=[municipality.slug])).content.decode()
    assert "Zwolse cyclus" not in body
    assert (
        officer_client.get(reverse("cycles:list", args=[other_municipality.slug])).status_code
        == 404
    )


def test_finding_listed_in_priority_order(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    FindingFactory(cycle=cycle, theme="Laag thema", priority=Finding.Priority.LOW)
    FindingFactory(cycle=cycle, theme="Zonder prioriteit", priority=None)
    FindingFactory(cycle=cycle, theme="Hoog thema", priority=Finding.Priority.HIGH)
    body = officer_client.get(url("duiden", cycle)).content.decode()
    assert body.index("Hoog thema") < body.index("Laag thema") < body.index("Zonder prioriteit")


def test_a_locked_tab_says_why_and_how_to_go_back(
    client, officer_client, municipality, member_factory
):
    cycle = filled_cycle(municipality, phase=Phase.DOEN)
    duiden = officer_client.get(url("duiden", cycle)).content.decode()
    assert "Sessies leg je vast in de fasen Duiden en Doelen." in duiden
    assert "Bevindingen leg je vast in de fasen Duiden en Doelen." in duiden
    assert f'href="{url("detail", cycle)}#go-back"' in duiden
    assert 'id="go-back"' in officer_client.get(url("detail", cycle)).content.decode()
    # Doen's own work is open in Doen: no lock on that tab.
    assert "phase-lock" not in officer_client.get(url("doen", cycle)).content.decode()
    # A reader could never edit: the phase is not the reason, so nothing is said.
    client.force_login(member_factory(municipality, Role.VIEWER))
    assert "phase-lock" not in client.get(url("duiden", cycle)).content.decode()


def test_in_data_the_lock_has_no_way_back(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DATA)
    doen = officer_client.get(url("doen", cycle)).content.decode()
    assert "Voortgang leg je vast in de fasen Doen en Evaluatie." in doen
    assert "#go-back" not in doen


def test_an_activity_can_be_added_from_its_goal_on_doelen(officer_client, municipality):
    cycle = filled_cycle(municipality, phase=Phase.DOELEN)
    goal = cycle.goals.get()
    doelen = officer_client.get(url("doelen", cycle)).content.decode()
    add_url = url("activity_add", cycle, goal.pk)
    assert f'href="{add_url}"' in doelen
    assert officer_client.get(add_url).status_code == 200


def test_an_htmx_save_announces_its_confirmation_in_the_live_region(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    page = officer_client.get(url("duiden", cycle)).content.decode()
    assert '<div id="messages" class="page-messages" role="status" aria-live="polite">' in page
    data = {"title": "Sessie met JGZ", "date": "2024-10-01"}
    body = officer_client.post(
        url("session_add", cycle), data, headers={"HX-Request": "true"}
    ).content.decode()
    # Swapped into the region's content, so the region itself stays and announces the change.
    assert '<div id="messages" hx-swap-oob="innerHTML">' in body
    assert "Sessie opgeslagen." in body.split('hx-swap-oob="innerHTML">')[1]


def _hrefs(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', body))


@pytest.mark.parametrize(
    ("phase", "page", "links"),
    [
        (
            Phase.DUIDEN,
            "duiden",
            lambda cycle: (
                [
                    (name, row.pk)
                    for row in cycle.sessions.all()
                    for name in ("session_edit", "attachment_add", "session_delete")
                ]
                + [
                    ("attachment_download", a.pk)
                    for a in SessionAttachment.objects.filter(session__cycle=cycle)
                ]
                + [
                    (name, row.pk)
                    for row in cycle.findings.all()
                    for name in ("finding_edit", "finding_delete")
                ]
            ),
        ),
        (
            Phase.DOELEN,
            "doelen",
            lambda cycle: [
                (name, goal.pk)
                for goal in cycle.goals.all()
                for name in ("goal_edit", "goal_delete", "activity_add")
            ],
        ),
        (
            Phase.DOEN,
            "doen",
            lambda cycle: (
                [
                    (name, goal.pk)
                    for goal in cycle.goals.all()
                    for name in ("goal_edit", "activity_add")
                ]
                + [
                    (name, activity.pk)
                    for goal in cycle.goals.all()
                    for activity in goal.activities.all()
                    for name in ("progress_add", "activity_edit", "activity_delete")
                ]
            ),
        ),
    ],
)
def test_each_rows_links_lead_to_its_own_views(officer_client, municipality, phase, page, links):
    """The per-row links (reversed once per page, each row's pk put in: views.common.row_urls)
    are the URLs of each row's own views."""
    cycle = filled_cycle(municipality, phase=phase, goals=2)
    for session in cycle.sessions.all():
        upload = SimpleUploadedFile("verslag.pdf", b"%PDF-1.7\n x", content_type="application/pdf")
        assert officer_client.post(url("attachment_add", cycle, session.pk), {"file": upload})
    hrefs = _hrefs(officer_client.get(url(page, cycle)).content.decode())
    expected = links(cycle)
    assert len(expected) >= 6
    for name, pk in expected:
        assert url(name, cycle, pk) in hrefs, (name, pk)
