"""Shared set-up for the notification tests."""

import datetime

from cycles.models import Cycle
from tests.analyses.factories import school_user
from tests.cycles.factories import CycleFactory
from tests.factories import SchoolFactory

DUE = datetime.date(2027, 1, 15)


def cycle_with_due(municipality, due=DUE, **kwargs) -> Cycle:
    """An open cycle in Data whose analyses are due on ``due``; its phase changed 'now' (the
    stall reminder then stays out of the dates the tests use)."""
    return CycleFactory(municipality=municipality, analyses_due=due, **kwargs)


def school_with_user(municipality, name="Basisschool De Linde", email=None):
    school = SchoolFactory(municipality=municipality, name=name)
    user = school_user(municipality, school)
    if email:
        user.email = email
        user.save(update_fields=["email"])
    return school, user
