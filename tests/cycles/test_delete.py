"""Deleting a mistaken session, finding, goal or activity: the confirmation page, the rules per
phase, what goes with it and what only loses the link, the audit trail, roles and tenants."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import ProtectedError
from django.urls import reverse

from budgets.models import Commitment, SpendingGoal
from cycles import services
from cycles.models import (
    Activity,
    Finding,
    Goal,
    GoalOutcome,
    GoalRevision,
    Phase,
    ProgressUpdate,
    SessionAttachment,
    StakeholderSession,
)
from municipalities.models import AuditLogEntry, Role
from tests.budgets.factories import CommitmentFactory, SpendingGoalFactory
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    FindingFactory,
    GoalFactory,
    ProgressUpdateFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

MODELS = (
    StakeholderSession,
    SessionAttachment,
    Finding,
    Goal,
    GoalRevision,
    Activity,
    ProgressUpdate,
    GoalOutcome,
    SpendingGoal,
    Commitment,
)


def state() -> dict:
    """Every row of the cycle models and the links between them, for 'nothing changed'."""
    rows = {m.__name__: list(m.objects.order_by("pk").values_list()) for m in MODELS}
    rows["finding_sessions"] = sorted(
        Finding.sessions.through.objects.values_list("finding_id", "stakeholdersession_id")
    )
    rows["goal_findings"] = sorted(
        Goal.findings.through.objects.values_list("goal_id", "finding_id")
    )
    rows["audit"] = AuditLogEntry.objects.count()
    return rows


def delete_url(name, cycle, pk):
    return reverse(f"cycles:{name}_delete", args=[cycle.municipality.slug, cycle.pk, pk])


def page_url(page, cycle):
    return reverse(f"cycles:{page}", args=[cycle.municipality.slug, cycle.pk])


def deleted_entry(obj, pk):
    return AuditLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_pk=str(pk),
        action=AuditLogEntry.Action.DELETE,
    )


def attach(session, name="verslag.txt"):
    return SessionAttachment.objects.create(
        municipality=session.municipality,
        session=session,
        file=ContentFile(b"verslag", name=name),
        name=name,
    )


# --- Sessions ---------------------------------------------------------------------------------------


@pytest.fixture
def duiden(municipality):
    return CycleFactory(municipality=municipality, phase=Phase.DUIDEN)


def test_session_confirmation_says_what_goes_with_it(officer_client, duiden):
    session = SessionFactory(cycle=duiden, title="Dubbele sessie")
    attach(session, "a.txt")
    attach(session, "b.txt")
    FindingFactory(cycle=duiden).sessions.add(session)

    response = officer_client.get(delete_url("session", duiden, session.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Weet je zeker dat je de sessie “Dubbele sessie” wilt verwijderen?" in body
    assert "2 bijlagen" in body
    assert "1 bevinding" in body
    assert ">Verwijderen</button>" in body
    # The cancel link leads back to the section (whatever its class attributes).
    cancel = re.escape(page_url("duiden", duiden) + "#sessions-section")
    assert re.search(rf'<a href="{cancel}"[^>]*>Annuleren</a>', body)
    assert StakeholderSession.objects.filter(pk=session.pk).exists()  # GET deletes nothing


def test_editor_deletes_a_session_with_its_attachments_and_files_after_commit(
    officer_client, officer, duiden, django_capture_on_commit_callbacks
):
    session = SessionFactory(cycle=duiden, title="Testsessie")
    other = SessionFactory(cycle=duiden)
    attachments = [attach(session, "a.txt"), attach(session, "b.txt")]
    kept_attachment = attach(other, "c.txt")
    names = [a.file.name for a in attachments]
    finding = FindingFactory(cycle=duiden)
    finding.sessions.add(session, other)
    pk = session.pk

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(delete_url("session", duiden, pk))
        # The files stay until the transaction has committed.
        assert all(default_storage.exists(name) for name in names)
    assert not any(default_storage.exists(name) for name in names)
    assert default_storage.exists(kept_attachment.file.name)

    assert response.status_code == 302
    assert response.url == f"{page_url('duiden', duiden)}#sessions-section"
    assert not StakeholderSession.objects.filter(pk=pk).exists()
    assert list(SessionAttachment.objects.all()) == [kept_attachment]
    # The finding stays; it only loses the link to the deleted session.
    assert list(finding.sessions.all()) == [other]

    entry = deleted_entry(session, pk)
    assert entry.actor == officer and entry.municipality == duiden.municipality
    for attachment in attachments:
        assert deleted_entry(attachment, attachment.pk).actor == officer
    assert "Sessie “Testsessie” verwijderd." in officer_client.get(response.url).content.decode()


def test_session_delete_is_refused_outside_duiden_and_doelen(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    session = SessionFactory(cycle=cycle)
    attachment = attach(session)
    before = state()

    page = officer_client.get(delete_url("session", cycle, session.pk)).content.decode()
    assert "Sessies leg je vast in de fasen Duiden en Doelen." in page
    assert ">Verwijderen</button>" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(delete_url("session", cycle, session.pk), follow=True)
    assert "Sessies leg je vast in de fasen Duiden en Doelen." in response.content.decode()
    assert state() == before
    assert default_storage.exists(attachment.file.name)


def test_the_service_refuses_a_session_of_another_cycle(municipality, officer):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    old = CycleFactory(municipality=municipality, phase=Phase.AFGEROND)
    session = SessionFactory(cycle=old)
    with pytest.raises(ValidationError, match="hoort niet bij deze cyclus"):
        services.session_delete(cycle=cycle, session=session, user=officer)
    assert StakeholderSession.objects.filter(pk=session.pk).exists()


# --- Findings ---------------------------------------------------------------------------------------


def test_editor_deletes_a_finding_and_its_goals_only_lose_the_link(officer_client, officer, duiden):
    finding = FindingFactory(cycle=duiden, theme="Testbevinding")
    other = FindingFactory(cycle=duiden)
    session = SessionFactory(cycle=duiden)
    finding.sessions.add(session)
    goals = [GoalFactory(cycle=duiden), GoalFactory(cycle=duiden)]
    for goal in goals:
        goal.findings.add(finding, other)

    page = officer_client.get(delete_url("finding", duiden, finding.pk)).content.decode()
    assert "Weet je zeker dat je de bevinding “Testbevinding” wilt verwijderen?" in page
    assert "2 doelen" in page

    pk = finding.pk
    response = officer_client.post(delete_url("finding", duiden, pk))
    assert response.status_code == 302
    assert response.url == f"{page_url('duiden', duiden)}#findings-section"
    assert list(Finding.objects.all()) == [other]
    assert StakeholderSession.objects.filter(pk=session.pk).exists()
    for goal in goals:
        assert Goal.objects.filter(pk=goal.pk).exists()
        assert list(goal.findings.all()) == [other]
    assert deleted_entry(finding, pk).actor == officer


def test_finding_delete_is_refused_in_doen(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    finding = FindingFactory(cycle=cycle)
    GoalFactory(cycle=cycle).findings.add(finding)
    before = state()
    response = officer_client.post(delete_url("finding", cycle, finding.pk), follow=True)
    assert "Bevindingen leg je vast in de fasen Duiden en Doelen." in response.content.decode()
    assert state() == before


# --- Goals ------------------------------------------------------------------------------------------


@pytest.fixture
def doelen(municipality):
    return CycleFactory(municipality=municipality, phase=Phase.DOELEN)


def test_editor_deletes_a_goal_with_its_activities_and_revisions(officer_client, officer, doelen):
    goal = GoalFactory(cycle=doelen, title="Dubbel doel")
    other = GoalFactory(cycle=doelen)
    activities = [ActivityFactory(goal=goal), ActivityFactory(goal=goal)]
    kept_activity = ActivityFactory(goal=other)
    revision = GoalRevision.objects.create(
        municipality=doelen.municipality, goal=goal, reason="Eerder bijgesteld", changes={}
    )
    finding = FindingFactory(cycle=doelen)
    goal.findings.add(finding)
    spending_goal = SpendingGoalFactory(municipality=doelen.municipality, cycle=doelen)
    spending_goal.goals.add(goal, other)
    commitment = CommitmentFactory(spending_goal=spending_goal, activity=activities[0])

    page = officer_client.get(delete_url("goal", doelen, goal.pk)).content.decode()
    assert "Weet je zeker dat je het doel “Dubbel doel” wilt verwijderen?" in page
    for line in ("2 activiteiten", "1 bijstelling", "1 bevinding", "1 bestedingsdoel"):
        assert line in page
    assert "1 verplichting" in page

    pk = goal.pk
    response = officer_client.post(delete_url("goal", doelen, pk))
    assert response.status_code == 302
    assert response.url == f"{page_url('doelen', doelen)}#goals-section"
    assert list(Goal.objects.all()) == [other]
    assert list(Activity.objects.all()) == [kept_activity]
    assert not GoalRevision.objects.exists()
    # What referred to the goal stays and only loses the link.
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert list(spending_goal.goals.all()) == [other]
    commitment.refresh_from_db()
    assert commitment.activity is None

    assert deleted_entry(goal, pk).actor == officer
    for obj in (*activities, revision):
        assert deleted_entry(obj, obj.pk).municipality == doelen.municipality
    assert "Doel “Dubbel doel” verwijderd." in officer_client.get(response.url).content.decode()


def test_goal_with_recorded_progress_is_not_deleted(officer_client, doelen):
    # Back in Doelen after Doen: the monitoring history must not disappear with the goal.
    goal = GoalFactory(cycle=doelen)
    ProgressUpdateFactory(activity=ActivityFactory(goal=goal))
    before = state()

    page = officer_client.get(delete_url("goal", doelen, goal.pk)).content.decode()
    assert "Bij dit doel is voortgang vastgelegd" in page
    assert ">Verwijderen</button>" not in page

    response = officer_client.post(delete_url("goal", doelen, goal.pk), follow=True)
    assert "Bij dit doel is voortgang vastgelegd" in response.content.decode()
    assert state() == before


def test_goal_with_an_outcome_is_not_deleted(officer_client, doelen):
    goal = GoalFactory(cycle=doelen)
    GoalOutcome.objects.create(
        municipality=doelen.municipality, goal=goal, result="partly", explanation="Deels."
    )
    before = state()
    response = officer_client.post(delete_url("goal", doelen, goal.pk), follow=True)
    assert "resultaat al geëvalueerd" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("phase", "message"),
    [
        (Phase.DOEN, "Een vastgesteld doel verwijder je niet; stel het bij met een reden."),
        (Phase.EVALUATIE, "Een vastgesteld doel verwijder je niet; stel het bij met een reden."),
        (Phase.AFGEROND, "Doelen zijn in deze fase niet te wijzigen."),
    ],
)
def test_goal_delete_is_refused_once_fixed_or_finished(
    officer_client, municipality, phase, message
):
    cycle = CycleFactory(municipality=municipality, phase=phase)
    goal = GoalFactory(cycle=cycle)
    ActivityFactory(goal=goal)
    before = state()
    response = officer_client.post(delete_url("goal", cycle, goal.pk), follow=True)
    assert message in response.content.decode()
    assert state() == before


def test_a_protecting_reference_becomes_a_dutch_message(monkeypatch, doelen, officer):
    goal = GoalFactory(cycle=doelen)
    spending_goal = SpendingGoalFactory(municipality=doelen.municipality, cycle=doelen)

    def protected(self, *args, **kwargs):
        raise ProtectedError("protected", {spending_goal})

    monkeypatch.setattr(Goal, "delete", protected)
    with pytest.raises(ValidationError) as exc:
        services.goal_delete(cycle=doelen, goal=goal, user=officer)
    assert exc.value.messages == [
        "Dit kan niet worden verwijderd: er verwijzen nog bestedingsdoelen naar. Haal die "
        "verwijzingen eerst weg."
    ]
    assert Goal.objects.filter(pk=goal.pk).exists()


# --- Activities -------------------------------------------------------------------------------------


@pytest.fixture
def doen(municipality):
    return CycleFactory(municipality=municipality, phase=Phase.DOEN)


def test_editor_deletes_an_activity_and_budget_rows_only_lose_the_link(
    officer_client, officer, doen
):
    goal = GoalFactory(cycle=doen)
    activity = ActivityFactory(goal=goal, title="Testactiviteit")
    other = ActivityFactory(goal=goal)
    commitment = CommitmentFactory(
        spending_goal=SpendingGoalFactory(municipality=doen.municipality, cycle=doen),
        activity=activity,
    )

    page = officer_client.get(delete_url("activity", doen, activity.pk)).content.decode()
    assert "Weet je zeker dat je de activiteit “Testactiviteit” wilt verwijderen?" in page
    assert "1 verplichting" in page

    pk = activity.pk
    response = officer_client.post(delete_url("activity", doen, pk))
    assert response.status_code == 302
    assert response.url == f"{page_url('doen', doen)}#activities-section"
    assert list(Activity.objects.all()) == [other]
    assert Goal.objects.filter(pk=goal.pk).exists()
    commitment.refresh_from_db()
    assert commitment.activity is None
    assert deleted_entry(activity, pk).actor == officer


def test_activity_with_recorded_progress_is_not_deleted(officer_client, doen):
    activity = ActivityFactory(goal=GoalFactory(cycle=doen))
    ProgressUpdateFactory(activity=activity)
    before = state()
    page = officer_client.get(delete_url("activity", doen, activity.pk)).content.decode()
    assert "Bij deze activiteit is voortgang vastgelegd" in page
    response = officer_client.post(delete_url("activity", doen, activity.pk), follow=True)
    assert "Bij deze activiteit is voortgang vastgelegd" in response.content.decode()
    assert state() == before


def test_activity_delete_is_refused_in_duiden(officer_client, duiden):
    activity = ActivityFactory(goal=GoalFactory(cycle=duiden))
    before = state()
    response = officer_client.post(delete_url("activity", duiden, activity.pk), follow=True)
    assert "Activiteiten zijn in deze fase niet te wijzigen." in response.content.decode()
    assert state() == before


# --- For all four: roles, tenants, links on the pages -----------------------------------------------


def _make(kind, cycle):
    if kind == "session":
        session = SessionFactory(cycle=cycle)
        attach(session)
        return session
    if kind == "finding":
        return FindingFactory(cycle=cycle)
    if kind == "goal":
        return GoalFactory(cycle=cycle)
    return ActivityFactory(goal=GoalFactory(cycle=cycle))


KINDS = ["session", "finding", "goal", "activity"]
# A phase in which each kind may be deleted.
PHASE = {"session": Phase.DUIDEN, "finding": Phase.DUIDEN, "goal": Phase.DOELEN}


@pytest.mark.parametrize("kind", KINDS)
def test_viewer_can_neither_see_the_confirmation_nor_delete(
    client, municipality, member_factory, kind
):
    cycle = CycleFactory(municipality=municipality, phase=PHASE.get(kind, Phase.DOEN))
    obj = _make(kind, cycle)
    client.force_login(member_factory(municipality, Role.VIEWER))
    before = state()
    assert client.get(delete_url(kind, cycle, obj.pk)).status_code == 403
    assert client.post(delete_url(kind, cycle, obj.pk)).status_code == 403
    assert state() == before


@pytest.mark.parametrize("kind", KINDS)
def test_another_municipalitys_object_is_a_404(
    officer_client, municipality, other_municipality, kind
):
    phase = PHASE.get(kind, Phase.DOEN)
    cycle = CycleFactory(municipality=municipality, phase=phase)
    foreign_cycle = CycleFactory(municipality=other_municipality, phase=phase)
    foreign = _make(kind, foreign_cycle)
    before = state()
    # Someone else's id under our own cycle, and someone else's cycle under our slug.
    for url in (
        delete_url(kind, cycle, foreign.pk),
        reverse(f"cycles:{kind}_delete", args=[municipality.slug, foreign_cycle.pk, foreign.pk]),
    ):
        assert officer_client.get(url).status_code == 404
        assert officer_client.post(url).status_code == 404
    assert state() == before


@pytest.mark.parametrize(
    ("kind", "page"),
    [("session", "duiden"), ("finding", "duiden"), ("goal", "doelen"), ("activity", "doen")],
)
def test_pages_link_to_the_confirmation_for_editors_only(
    client, municipality, member_factory, kind, page
):
    cycle = CycleFactory(municipality=municipality, phase=PHASE.get(kind, Phase.DOEN))
    obj = _make(kind, cycle)
    link = f'href="{delete_url(kind, cycle, obj.pk)}"'

    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    assert link in client.get(page_url(page, cycle)).content.decode()
    client.force_login(member_factory(municipality, Role.VIEWER))
    assert link not in client.get(page_url(page, cycle)).content.decode()


def test_no_delete_links_where_the_phase_does_not_allow_it(officer_client, municipality):
    cycle = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    session, finding, goal = _make("session", cycle), _make("finding", cycle), _make("goal", cycle)
    duiden_page = officer_client.get(page_url("duiden", cycle)).content.decode()
    assert delete_url("session", cycle, session.pk) not in duiden_page
    assert delete_url("finding", cycle, finding.pk) not in duiden_page
    assert (
        delete_url("goal", cycle, goal.pk)
        not in officer_client.get(page_url("doelen", cycle)).content.decode()
    )
