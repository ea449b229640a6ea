"""URL kwargs of the budget pages, for the isolation sweep: each makes an object in ``municipality``."""

from tests.budgets.factories import (
    AllocationFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
)

KWARG_FACTORIES = {
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
