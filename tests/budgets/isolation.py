"""URL kwargs of the budget pages, for the isolation sweep: each makes an object in ``municipality``."""

from decimal import Decimal

from budgets.models import Beschikking
from tests.budgets.factories import (
    AllocationFactory,
    BeschikkingFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
    StreamFreezeFactory,
)


def _vaststelling_freeze(municipality) -> int:
    """A stream closed by a vaststelling (the only kind the budget pages reopen)."""
    vaststelling = BeschikkingFactory(
        municipality=municipality,
        kind=Beschikking.Kind.VASTSTELLING,
        final_amount=Decimal("1000.00"),
    )
    return StreamFreezeFactory(
        municipality=municipality, stream=vaststelling.stream, beschikking=vaststelling
    ).pk


KWARG_FACTORIES = {
    "beschikking_pk": lambda municipality: BeschikkingFactory(municipality=municipality).pk,
    "freeze_pk": _vaststelling_freeze,
    "allocation_pk": lambda municipality: AllocationFactory(municipality=municipality).pk,
    "spending_goal_pk": lambda municipality: SpendingGoalFactory(municipality=municipality).pk,
    "commitment_pk": lambda municipality: (
        CommitmentFactory(spending_goal=SpendingGoalFactory(municipality=municipality)).pk
    ),
    "spending_pk": lambda municipality: (
        SpendingFactory(spending_goal=SpendingGoalFactory(municipality=municipality)).pk
    ),
    # Not an object: the name of a CSV export (the same in every municipality).
    "dataset": lambda municipality: "toekenningen",
}
