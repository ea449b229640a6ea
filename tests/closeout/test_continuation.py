"""Voortzetting (closeout.services): decisions per activity of a closed cycle, and continuing the
work in the next cycle under another funding stream, with the link to its history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budgets.models import PlannedAmount, SpendingGoal
from closeout import services
from closeout.models import ActivityContinuation
from cycles.models import Activity, ActivityStatus, Cycle, Goal, GoalOutcome, Phase
from tests.budgets.factories import stream
from tests.cycles.factories import ActivityFactory, CycleFactory, GoalFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

Decision = ActivityContinuation.Decision


@pytest.fixture
def closed(municipality):
    """An NPO cycle 2023-2025, afgerond: two goals, three activities."""
    cycle = CycleFactory(
        municipality=municipality,
        title="NPO 2023–2025",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.AFGEROND,
        lessons_learned="Vroeg beginnen werkt.",
    )
    reading = GoalFactory(cycle=cycle, title="Lezen groep 8")
    toddlers = GoalFactory(cycle=cycle, title="Bereik peuters")
    GoalOutcome.objects.create(
        municipality=municipality, goal=reading, result="partly", explanation="70 van 80%."
    )
    ProgressUpdateFactory(
        activity=ActivityFactory(goal=reading, title="Voorleescoach"),
        measured_value=Decimal("70"),
    )
    ActivityFactory(goal=reading, title="Zomerschool", status=ActivityStatus.DONE)
    ActivityFactory(goal=toddlers, title="Toeleiding VVE")
    return cycle


def activity(cycle, title) -> Activity:
    return Activity.objects.get(goal__cycle=cycle, title=title)


def decide(cycle, officer, *items):
    return services.continuations_save(
        cycle=cycle,
        actor=officer,
        decisions=[
            services.ContinuationInput(
                activity_id=activity(cycle, title).pk,
                decision=decision,
                stream=stream(code) if code else None,
                category=category,
            )
            for title, decision, code, category in items
        ],
    )


def carry_over(cycle, officer):
    return services.continuation_carry_over(
        cycle=cycle,
        actor=officer,
        title="LEA 2025–2027",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2027, 7, 31),
    )


def test_continued_activities_go_into_the_new_cycle_with_their_history(closed, officer):
    decide(
        closed,
        officer,
        ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"),
        ("Toeleiding VVE", Decision.CHANGE, "oab", "goab-voorschool"),
        ("Zomerschool", Decision.STOP, None, ""),
    )
    result = carry_over(closed, officer)

    new = result.cycle
    assert (new.title, new.predecessor, new.phase) == ("LEA 2025–2027", closed, Phase.DATA)
    assert new.previous_lessons == "Vroeg beginnen werkt."
    copies = {a.title: a for a in Activity.objects.filter(goal__cycle=new)}
    assert set(copies) == {"Voorleescoach", "Toeleiding VVE"}  # the stopped one is not copied
    coach = copies["Voorleescoach"]
    assert coach.carried_from == activity(closed, "Voorleescoach")  # the link to its history
    assert coach.status == ActivityStatus.PLANNED and coach.carried_over
    # Its goal came along once, starting from the last measurement.
    goal = coach.goal
    assert goal.carried_from.title == "Lezen groep 8" and goal.baseline == Decimal("70")
    assert goal.deadline is None  # 1 July 2025 lies before the new period: the officer sets it
    assert Goal.objects.filter(cycle=new).count() == 2
    # Per stream and category a spending goal in the new cycle, without planned amounts.
    spending = {sg.category: sg for sg in SpendingGoal.objects.filter(cycle=new)}
    assert set(spending) == {"goab-leerlingen", "goab-voorschool"}
    assert list(spending["goab-leerlingen"].goals.all()) == [goal]
    assert "GOAB/OAB" in spending["goab-leerlingen"].title
    assert not PlannedAmount.objects.filter(spending_goal__cycle=new).exists()


def test_carrying_over_twice_copies_nothing_twice(closed, officer):
    decide(closed, officer, ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"))
    first = carry_over(closed, officer)
    assert len(first.created) == 1
    # A second click, and a later decision for another activity: into the same (existing) cycle.
    decide(closed, officer, ("Toeleiding VVE", Decision.CONTINUE, "oab", "goab-leerlingen"))
    second = carry_over(closed, officer)
    assert second.cycle == first.cycle
    assert [a.title for a in second.created] == ["Toeleiding VVE"]
    assert [a.title for a in second.already] == ["Voorleescoach"]
    assert Activity.objects.filter(goal__cycle=first.cycle).count() == 2
    assert Cycle.objects.filter(predecessor=closed).count() == 1
    (spending_goal,) = SpendingGoal.objects.filter(cycle=first.cycle)  # reused, not doubled
    assert spending_goal.goals.count() == 2


def test_into_a_successor_started_earlier_without_doubling_its_carried_goals(closed, officer):
    from cycles.services import cycle_start_next

    # The next cycle was started the usual way: unfinished goals and activities came along.
    successor = cycle_start_next(
        cycle=closed,
        actor=officer,
        title="4D-cyclus 2025–2026",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2026, 7, 31),
    )
    before = Activity.objects.filter(goal__cycle=successor).count()
    decide(closed, officer, ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"))
    result = carry_over(closed, officer)
    assert result.cycle == successor and not result.created
    assert Activity.objects.filter(goal__cycle=successor).count() == before
    assert Goal.objects.filter(cycle=successor, title="Lezen groep 8").count() == 1


def test_it_is_all_or_nothing(closed, officer, monkeypatch):
    decide(closed, officer, ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"))

    def broken(**kwargs):
        raise ValidationError("kapot")

    monkeypatch.setattr(services.budget_services, "spending_goal_save", broken)
    with pytest.raises(ValidationError):
        carry_over(closed, officer)
    assert not Cycle.objects.filter(predecessor=closed).exists()
    assert not Activity.objects.filter(carried_from__isnull=False).exists()


def test_one_bad_decision_saves_none(closed, officer):
    with pytest.raises(ValidationError) as error:
        decide(
            closed,
            officer,
            ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"),
            ("Toeleiding VVE", Decision.CONTINUE, "oab", "inhalen"),  # an NPO category
        )
    assert "geen categorie van Gemeentelijk onderwijsachterstandenbeleid" in str(error.value)
    assert not ActivityContinuation.objects.exists()


@pytest.mark.parametrize(
    ("code", "category", "field", "message"),
    [
        ("oab", "inhalen", "category", "geen categorie van"),
        ("school-en-omgeving", "goab-voorschool", "category", "geen categorie van"),
        ("npo-gemeenten", "inhalen", "stream", "liep af op 31 juli 2025"),
        (None, "goab-voorschool", "stream", "Kies uit welke geldstroom"),
        ("oab", "", "category", "Kies de bestedingscategorie"),
    ],
)
def test_a_category_must_belong_to_its_stream(code, category, field, message):
    errors = services.continuation_errors(
        decision=Decision.CONTINUE,
        stream=stream(code) if code else None,
        category=category,
        today=datetime.date(2026, 11, 30),
    )
    assert message in errors[field]


def test_streams_without_categories_of_their_own_take_any_category():
    assert not services.continuation_errors(
        decision=Decision.CHANGE, stream=stream("overig"), category="goab-overig"
    )
    assert not services.continuation_errors(decision=Decision.STOP, stream=None, category="")


def test_decisions_only_for_a_closed_cycle(municipality, officer):
    running = CycleFactory(municipality=municipality, phase=Phase.DOEN)
    item = ActivityFactory(goal=GoalFactory(cycle=running))
    with pytest.raises(ValidationError, match="Evaluatie of Afgerond"):
        services.continuations_save(
            cycle=running,
            actor=officer,
            decisions=[services.ContinuationInput(activity_id=item.pk, decision=Decision.STOP)],
        )


def test_a_cycle_in_evaluatie_records_decisions_but_starts_no_second_open_cycle(closed, officer):
    Cycle.objects.filter(pk=closed.pk).update(phase=Phase.EVALUATIE)
    closed.refresh_from_db()
    decide(closed, officer, ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"))
    with pytest.raises(ValidationError, match="Rond de cyclus eerst af"):
        carry_over(closed, officer)
    assert ActivityContinuation.objects.count() == 1


def test_an_activity_of_another_cycle_is_refused(closed, officer, other_municipality):
    elsewhere = ActivityFactory(
        goal=GoalFactory(cycle=CycleFactory(municipality=other_municipality))
    )
    with pytest.raises(ValidationError, match="hoort niet bij deze cyclus"):
        services.continuations_save(
            cycle=closed,
            actor=officer,
            decisions=[
                services.ContinuationInput(activity_id=elsewhere.pk, decision=Decision.STOP)
            ],
        )


def test_a_continued_decision_is_fixed_and_an_empty_one_removes(closed, officer):
    decide(
        closed,
        officer,
        ("Voorleescoach", Decision.CONTINUE, "oab", "goab-leerlingen"),
        ("Zomerschool", Decision.STOP, None, ""),
    )
    carry_over(closed, officer)
    with pytest.raises(ValidationError, match="al voortgezet in LEA 2025–2027"):
        decide(closed, officer, ("Voorleescoach", Decision.STOP, None, ""))
    decide(closed, officer, ("Zomerschool", "", None, ""))
    assert list(ActivityContinuation.objects.values_list("activity__title", flat=True)) == [
        "Voorleescoach"
    ]


def test_nothing_to_continue_is_said(closed, officer):
    decide(closed, officer, ("Zomerschool", Decision.STOP, None, ""))
    with pytest.raises(ValidationError, match="nog geen activiteit om voort te zetten"):
        carry_over(closed, officer)
