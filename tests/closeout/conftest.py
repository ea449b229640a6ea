import datetime
from decimal import Decimal

import pytest

from municipalities.models import Role
from tests.budgets.factories import (
    BeschikkingFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)
from tests.closeout.factories import ConsultationFactory, FinalAccountingFactory


@pytest.fixture
def npo(db):
    return stream()


@pytest.fixture
def preparer(municipality, member_factory):
    return member_factory(municipality, Role.POLICY_OFFICER)


@pytest.fixture
def checker(municipality, member_factory):
    return member_factory(municipality, Role.ADVISOR)


@pytest.fixture
def ready(municipality, npo, preparer):
    """A concept accounting without blocking checks: a beschikking, spending inside the window
    matched by its commitment, grootboek equal to the eligible spending, a consultation."""
    BeschikkingFactory(municipality=municipality, amount=Decimal("5000.00"))
    goal = SpendingGoalFactory(municipality=municipality)
    CommitmentFactory(spending_goal=goal, date=datetime.date(2022, 1, 5), amount=Decimal("1200"))
    SpendingFactory(spending_goal=goal, date=datetime.date(2022, 3, 1), amount=Decimal("1200"))
    accounting = FinalAccountingFactory(municipality=municipality, prepared_by=preparer)
    accounting.ledger_amounts.create(municipality=municipality, year=2022, amount=Decimal("1200"))
    ConsultationFactory(accounting=accounting)
    return accounting
