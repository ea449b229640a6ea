"""Services of issue 16 in budgets: beschikkingen, the prestatiedatum, closing (freezing) a stream.

A closed stream's commitments and spending cannot be added, changed, moved or deleted through the
services; a vaststelling closes the stream; reopening needs a reason and keeps the history.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from budgets import selectors, services
from budgets.models import Beschikking, Commitment, Spending, StreamFreeze
from municipalities.models import AuditLogEntry, FormerMunicipality, Role
from tests.budgets.factories import (
    AllocationFactory,
    BeschikkingFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)
from tests.concurrency import needs_postgresql, run_parallel

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(municipality, member_factory):
    return member_factory(municipality, Role.POLICY_OFFICER)


def spending_fields(goal, **overrides):
    fields = {
        "date": datetime.date(2024, 3, 1),
        "amount": Decimal("500.00"),
        "stream": stream(),
        "spending_goal": goal,
        "description": "Zomerschool",
    }
    return {**fields, **overrides}


# --- Prestatiedatum --------------------------------------------------------------------------


def test_prestatiedatum_defaults_to_the_booking_date_and_follows_it(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    spending = services.spending_save(municipality=municipality, **spending_fields(goal))
    assert spending.performance_date is None
    assert spending.effective_performance_date == datetime.date(2024, 3, 1)

    services.spending_save(
        municipality=municipality, spending=spending, date=datetime.date(2024, 4, 2)
    )
    row = Spending.objects.with_effective_performance_date().get(pk=spending.pk)
    assert row.effective_performance_date == datetime.date(2024, 4, 2)


def test_a_prestatiedatum_of_its_own_is_kept_and_filterable(municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    own = services.commitment_save(
        municipality=municipality,
        **spending_fields(goal, date=datetime.date(2025, 8, 10)),
        performance_date=datetime.date(2025, 7, 31),
    )
    CommitmentFactory(spending_goal=goal, date=datetime.date(2025, 8, 10))

    in_2025_july = Commitment.objects.with_effective_performance_date().filter(
        effective_performance_date__lte=datetime.date(2025, 7, 31)
    )
    assert list(in_2025_july) == [own]
    assert own.effective_performance_date == datetime.date(2025, 7, 31)


# --- Freezing --------------------------------------------------------------------------------


def test_freeze_refuses_every_change_to_the_streams_spending(municipality, editor):
    goal = SpendingGoalFactory(municipality=municipality)
    spending = SpendingFactory(spending_goal=goal, amount=Decimal("100.00"))
    commitment = CommitmentFactory(spending_goal=goal)
    freeze = services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    assert freeze.frozen_by == editor
    assert services.is_frozen(municipality=municipality, stream=stream())

    with pytest.raises(ValidationError, match="afgesloten sinds"):
        services.spending_save(municipality=municipality, **spending_fields(goal))
    with pytest.raises(ValidationError, match="afgesloten sinds"):
        services.spending_save(
            municipality=municipality, spending=spending, amount=Decimal("999.00")
        )
    with pytest.raises(ValidationError, match="afgesloten sinds"):
        services.spending_delete(spending=spending)
    with pytest.raises(ValidationError, match="afgesloten sinds"):
        services.commitment_save(
            municipality=municipality, commitment=commitment, amount=Decimal("1.00")
        )
    with pytest.raises(ValidationError, match="afgesloten sinds"):
        services.commitment_delete(commitment=commitment)

    spending.refresh_from_db()
    assert spending.amount == Decimal("100.00")
    assert Spending.objects.count() == 1
    assert Commitment.objects.count() == 1


def test_moving_spending_onto_or_off_a_frozen_stream_is_refused(municipality, editor):
    goal = SpendingGoalFactory(municipality=municipality)
    npo = stream()
    oab = stream("oab")
    on_npo = SpendingFactory(spending_goal=goal, stream=npo)
    on_oab = SpendingFactory(spending_goal=goal, stream=oab)
    services.stream_freeze(municipality=municipality, stream=npo, user=editor)

    with pytest.raises(ValidationError):
        services.spending_save(municipality=municipality, spending=on_npo, stream=oab)
    with pytest.raises(ValidationError):
        services.spending_save(municipality=municipality, spending=on_oab, stream=npo)
    # Another stream stays open.
    on_oab.refresh_from_db()
    services.spending_save(municipality=municipality, spending=on_oab, amount=Decimal("7.00"))
    on_npo.refresh_from_db()
    assert on_npo.stream == npo


def test_a_freeze_belongs_to_one_municipality(municipality, other_municipality, editor):
    services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    goal = SpendingGoalFactory(municipality=other_municipality)
    services.spending_save(municipality=other_municipality, **spending_fields(goal))
    assert not services.is_frozen(municipality=other_municipality, stream=stream())


def test_freezing_twice_returns_the_freeze_in_force(municipality, editor):
    first = services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    second = services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    assert first.pk == second.pk
    assert StreamFreeze.objects.count() == 1


def test_unfreeze_needs_a_reason_and_keeps_the_history(municipality, editor):
    goal = SpendingGoalFactory(municipality=municipality)
    services.stream_freeze(municipality=municipality, stream=stream(), user=editor)

    with pytest.raises(ValidationError, match="Geef een reden"):
        services.stream_unfreeze(
            municipality=municipality, stream=stream(), user=editor, reason=" "
        )
    assert services.is_frozen(municipality=municipality, stream=stream())

    freeze = services.stream_unfreeze(
        municipality=municipality, stream=stream(), user=editor, reason="Correctie accountant"
    )
    assert freeze.reopened_by == editor and freeze.reopen_reason == "Correctie accountant"
    assert not services.is_frozen(municipality=municipality, stream=stream())
    services.spending_save(municipality=municipality, **spending_fields(goal))

    # In force between freezing and reopening, not after.
    assert services.is_frozen(
        municipality=municipality,
        stream=stream(),
        on=freeze.frozen_at + (freeze.reopened_at - freeze.frozen_at) / 2,
    )
    assert not services.is_frozen(
        municipality=municipality, stream=stream(), on=freeze.frozen_at - datetime.timedelta(1)
    )
    # Freezing again makes a new row; the old one stays as history.
    services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    assert StreamFreeze.objects.count() == 2
    entries = AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(StreamFreeze),
        object_pk=str(freeze.pk),
        municipality=municipality,
    )
    assert entries.count() == 2  # created, then reopened
    assert entries.filter(actor=editor).count() == 2


def test_unfreeze_of_an_open_stream_is_refused(municipality, editor):
    with pytest.raises(ValidationError, match="niet afgesloten"):
        services.stream_unfreeze(
            municipality=municipality, stream=stream(), user=editor, reason="waarom niet"
        )


# --- Beschikkingen ---------------------------------------------------------------------------


def test_a_vaststelling_closes_the_stream(municipality, editor):
    goal = SpendingGoalFactory(municipality=municipality)
    verlening = services.beschikking_save(
        municipality=municipality,
        user=editor,
        stream=stream(),
        kind=Beschikking.Kind.VERLENING,
        amount=Decimal("250000.00"),
        date=datetime.date(2021, 6, 15),
        reference="NPO-1",
    )
    assert not services.is_frozen(municipality=municipality, stream=stream())
    assert verlening.final_amount is None

    vaststelling = services.beschikking_save(
        municipality=municipality,
        user=editor,
        stream=stream(),
        kind=Beschikking.Kind.VASTSTELLING,
        amount=Decimal("250000.00"),
        final_amount=Decimal("240000.00"),
        reclaim_amount=Decimal("10000.00"),
        date=datetime.date(2027, 11, 1),
        reference="VS-9",
    )
    freeze = selectors.stream_freeze_active(municipality=municipality, stream=stream())
    assert freeze.beschikking == vaststelling and freeze.frozen_by == editor
    assert "VS-9" in freeze.reason
    with pytest.raises(ValidationError, match="afgesloten"):
        services.spending_save(municipality=municipality, **spending_fields(goal))

    # Deleting the vaststelling does not reopen: that needs a reason.
    services.beschikking_delete(beschikking=vaststelling)
    assert services.is_frozen(municipality=municipality, stream=stream())


def test_a_vaststelling_needs_its_final_amount_and_others_may_not_have_one(municipality, editor):
    with pytest.raises(ValidationError) as refused:
        services.beschikking_save(
            municipality=municipality,
            user=editor,
            stream=stream(),
            kind=Beschikking.Kind.VASTSTELLING,
            amount=Decimal("1.00"),
            date=datetime.date(2027, 1, 1),
        )
    assert "vastgestelde bedrag" in str(refused.value)
    assert not Beschikking.objects.exists()
    assert not services.is_frozen(municipality=municipality, stream=stream())

    # A verlening drops a final amount instead of storing it.
    verlening = services.beschikking_save(
        municipality=municipality,
        user=editor,
        stream=stream(),
        kind=Beschikking.Kind.VERLENING,
        amount=Decimal("1.00"),
        final_amount=Decimal("1.00"),
        date=datetime.date(2021, 6, 1),
    )
    assert verlening.final_amount is None


def test_negative_amounts_are_refused_in_dutch(municipality, editor):
    with pytest.raises(ValidationError, match="mag niet negatief"):
        services.beschikking_save(
            municipality=municipality,
            user=editor,
            stream=stream(),
            kind=Beschikking.Kind.WIJZIGING,
            amount=Decimal("-1.00"),
            date=datetime.date(2022, 1, 1),
        )


def test_recipient_must_be_a_predecessor_of_the_municipality(
    municipality, other_municipality, editor
):
    mine = FormerMunicipality.objects.create(
        cbs_code="GM0001", name="Oudgemeente", successor=municipality, merged_on="2022-01-01"
    )
    theirs = FormerMunicipality.objects.create(
        cbs_code="GM0002", name="Elders", successor=other_municipality, merged_on="2022-01-01"
    )
    fields = {
        "stream": stream(),
        "kind": Beschikking.Kind.VERLENING,
        "amount": Decimal("5.00"),
        "date": datetime.date(2021, 6, 1),
    }
    saved = services.beschikking_save(
        municipality=municipality, user=editor, recipient_former=mine, **fields
    )
    assert saved.recipient_name == "Oudgemeente"
    with pytest.raises(ValidationError, match="niet opgegaan in deze gemeente"):
        services.beschikking_save(
            municipality=municipality, user=editor, recipient_former=theirs, **fields
        )


def test_an_allocation_links_to_a_beschikking_of_its_own_stream_and_municipality(
    municipality, other_municipality
):
    beschikking = BeschikkingFactory(municipality=municipality)
    allocation = AllocationFactory(municipality=municipality)
    services.allocation_save(
        municipality=municipality, allocation=allocation, beschikking=beschikking
    )
    assert list(beschikking.allocations.all()) == [allocation]

    foreign = BeschikkingFactory(municipality=other_municipality)
    with pytest.raises(ValidationError, match="hoort niet bij deze gemeente"):
        services.allocation_save(
            municipality=municipality, allocation=allocation, beschikking=foreign
        )
    other_stream = BeschikkingFactory(municipality=municipality, stream=stream("oab"))
    with pytest.raises(ValidationError, match="andere geldstroom"):
        services.allocation_save(
            municipality=municipality, allocation=allocation, beschikking=other_stream
        )

    # Deleting the beschikking keeps the allocation (and its amount), unlinked.
    services.beschikking_delete(beschikking=beschikking)
    allocation.refresh_from_db()
    assert allocation.beschikking is None and allocation.amount == Decimal("100000.00")


def test_frozen_stream_ids_in_one_query(municipality, editor, django_assert_num_queries):
    services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
    services.stream_freeze(municipality=municipality, stream=stream("oab"), user=editor)
    with django_assert_num_queries(1):
        ids = selectors.frozen_stream_ids(municipality=municipality)
    assert ids == {stream().pk, stream("oab").pk}
    assert selectors.is_frozen(municipality=municipality, stream=stream(), on=timezone.localdate())


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_parallel_freezes_and_saves_one_freeze_and_no_crash(municipality, editor):
    goal = SpendingGoalFactory(municipality=municipality)

    def work(i):
        if i % 2:
            return services.stream_freeze(municipality=municipality, stream=stream(), user=editor)
        return services.spending_save(municipality=municipality, **spending_fields(goal))

    results = run_parallel(10, work)
    errors = [r for r in results if isinstance(r, Exception)]
    # Refused saves say why; nothing else goes wrong (no IntegrityError of a second freeze).
    assert all(isinstance(e, ValidationError) and e.code == "stream_frozen" for e in errors), errors
    assert StreamFreeze.objects.filter(reopened_at__isnull=True).count() == 1
    freezes = {r.pk for r in results if isinstance(r, StreamFreeze)}
    assert len(freezes) == 1
    saved = [r for r in results if isinstance(r, Spending)]
    assert Spending.objects.count() == len(saved) == 5 - len(errors)


@pytest.mark.parametrize(
    ("booked", "performed", "outside"),
    [
        (datetime.date(2025, 8, 10), datetime.date(2025, 7, 31), False),  # paid late, in time
        (datetime.date(2025, 7, 31), datetime.date(2025, 8, 1), True),  # paid early, too late
        (datetime.date(2021, 7, 5), datetime.date(2021, 6, 30), True),  # cost before the start
        (datetime.date(2021, 6, 30), datetime.date(2021, 7, 1), False),
        (datetime.date(2025, 8, 1), None, True),  # no prestatiedatum: the booking date counts
    ],
)
def test_the_window_warning_counts_the_prestatiedatum(municipality, booked, performed, outside):
    SpendingFactory(
        spending_goal__municipality=municipality,
        date=booked,
        performance_date=performed,
        amount=Decimal("12.34"),
    )
    overview = selectors.budget_overview(municipality=municipality, as_of=datetime.date(2026, 1, 1))
    codes = [w.code for w in overview.warnings]
    assert ("outside_window_spending" in codes) is outside


def test_the_save_warning_counts_the_prestatiedatum(officer_client, municipality):
    goal = SpendingGoalFactory(municipality=municipality)
    data = {
        "date": "2025-08-10",
        "performance_date": "2025-07-31",
        "amount": "10",
        "stream": stream().pk,
        "spending_goal": goal.pk,
        "description": "Factuur juli, betaald in augustus",
    }
    page = officer_client.post("/g/utrecht/budget/realisatie/nieuw/", data, follow=True)
    assert "buiten de bestedingstermijn" not in page.content.decode()
    late = officer_client.post(
        "/g/utrecht/budget/realisatie/nieuw/",
        {**data, "date": "2025-07-31", "performance_date": "2025-08-01"},
        follow=True,
    )
    assert "buiten de bestedingstermijn" in late.content.decode()
