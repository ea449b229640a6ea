"""Writes. Each service validates first and saves in one transaction: nothing is half-saved."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from budgets.models import (
    LETTER_UPLOAD,
    Allocation,
    Commitment,
    FundingStream,
    PlannedAmount,
    Spending,
    SpendingGoal,
)
from core.uploads import check_upload, clean_display_name
from municipalities.models import Municipality
from municipalities.versions import version_check

ALLOCATION_FIELDS = (
    "stream",
    "period",
    "amount",
    "reference",
    "is_estimate",
    "estimate_basis",
    "note",
)


def _apply(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def allocation_save(
    *,
    municipality: Municipality,
    allocation: Allocation | None = None,
    letter=None,
    version: str | None = None,
    **fields,
) -> Allocation:
    """Create (``allocation=None``) or update an allocation. ``letter=False`` removes the letter.

    ``version``: what the edit form was opened on; a newer stored row raises EditConflict.
    """
    allocation = allocation or Allocation(municipality=municipality)
    assert allocation.municipality_id == municipality.pk
    version_check(allocation, version)
    _apply(allocation, {k: v for k, v in fields.items() if k in ALLOCATION_FIELDS})
    old_letter = allocation.letter.name if allocation.letter else ""
    if letter is False:
        allocation.letter = None
        allocation.letter_name = ""
    elif letter is not None:
        kind = check_upload(letter, policy=LETTER_UPLOAD)
        allocation.letter_name = clean_display_name(letter.name, extension=kind.extension)
        letter.name = f"beschikking{kind.extension}"  # stored under a name of GeneratedName's
        allocation.letter = letter
    if not allocation.is_estimate:
        allocation.estimate_basis = ""
    allocation.full_clean()
    allocation.save()
    if old_letter and old_letter != (allocation.letter.name if allocation.letter else ""):
        storage = Allocation._meta.get_field("letter").storage
        transaction.on_commit(lambda: storage.delete(old_letter))
    return allocation


@transaction.atomic
def allocation_delete(*, allocation: Allocation) -> None:
    letter = allocation.letter.name if allocation.letter else ""
    allocation.delete()
    if letter:
        storage = Allocation._meta.get_field("letter").storage
        transaction.on_commit(lambda: storage.delete(letter))


@transaction.atomic
def spending_goal_save(
    *,
    municipality: Municipality,
    spending_goal: SpendingGoal | None = None,
    planned: list[tuple[FundingStream, str, Decimal]],
    goals=None,
    version: str | None = None,
    **fields,
) -> SpendingGoal:
    """Create or update a spending goal and replace its planned amounts with ``planned``.

    ``version``: what the edit form was opened on; a newer stored row raises EditConflict.
    """
    spending_goal = spending_goal or SpendingGoal(municipality=municipality)
    assert spending_goal.municipality_id == municipality.pk
    version_check(spending_goal, version)
    _apply(spending_goal, fields)
    spending_goal.full_clean()
    spending_goal.save()
    if goals is not None:
        if any(goal.cycle_id != spending_goal.cycle_id for goal in goals):
            raise ValidationError(
                {"goals": _("Kies alleen doelen uit de cyclus van dit bestedingsdoel.")}
            )
        spending_goal.goals.set(goals)
    rows = [
        PlannedAmount(
            municipality=municipality,
            spending_goal=spending_goal,
            stream=stream,
            period=period,
            amount=amount,
        )
        for stream, period, amount in planned
    ]
    for row in rows:
        row.full_clean(exclude=["spending_goal", "municipality"], validate_unique=False)
    if len({(row.stream_id, row.period) for row in rows}) < len(rows):
        # The unique constraint would otherwise surface as an IntegrityError from bulk_create.
        raise ValidationError(
            _("Per geldstroom en periode kan een bestedingsdoel maar één gepland bedrag hebben.")
        )
    spending_goal.planned_amounts.all().delete()
    PlannedAmount.objects.bulk_create(rows)
    return spending_goal


@transaction.atomic
def spending_goal_delete(*, spending_goal: SpendingGoal) -> None:
    """Deleting refuses (ProtectedError) while commitments or spending point at the goal."""
    spending_goal.delete()


def _transaction_save(model, *, municipality, instance=None, **fields):
    instance = instance or model(municipality=municipality)
    assert instance.municipality_id == municipality.pk
    _apply(instance, fields)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def commitment_save(
    *, municipality: Municipality, commitment: Commitment | None = None, **fields
) -> Commitment:
    return _transaction_save(Commitment, municipality=municipality, instance=commitment, **fields)


@transaction.atomic
def spending_save(
    *, municipality: Municipality, spending: Spending | None = None, **fields
) -> Spending:
    return _transaction_save(Spending, municipality=municipality, instance=spending, **fields)


@transaction.atomic
def commitment_delete(*, commitment: Commitment) -> None:
    commitment.delete()


@transaction.atomic
def spending_delete(*, spending: Spending) -> None:
    spending.delete()
