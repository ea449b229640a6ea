"""URL kwargs of the 4D-cycle pages, for the isolation sweep.

The URLs nest (``cycli/<cycle_pk>/doelen/<goal_pk>/``) and a municipality has at most one open
cycle, so every factory works on the municipality's one open cycle (creating it when needed):
kwargs filled independently still point at objects of the same cycle.
"""

from django.core.files.base import ContentFile

from cycles.models import Cycle, Phase, SessionAttachment
from tests.cycles.factories import (
    ActivityFactory,
    CycleFactory,
    FindingFactory,
    GoalFactory,
    SessionFactory,
)


def _cycle(municipality) -> Cycle:
    cycle = Cycle.objects.for_municipality(municipality).open().first()
    if cycle is None:
        cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    return cycle


def _goal(municipality):
    cycle = _cycle(municipality)
    return cycle.goals.first() or GoalFactory(cycle=cycle)


def _session(municipality):
    cycle = _cycle(municipality)
    return cycle.sessions.first() or SessionFactory(cycle=cycle)


def _attachment(municipality) -> int:
    session = _session(municipality)
    return SessionAttachment.objects.create(
        municipality=municipality,
        session=session,
        file=ContentFile(b"verslag", name="verslag.txt"),
        name="verslag.txt",
    ).pk


KWARG_FACTORIES = {
    "cycle_pk": lambda municipality: _cycle(municipality).pk,
    "session_pk": lambda municipality: _session(municipality).pk,
    "finding_pk": lambda municipality: FindingFactory(cycle=_cycle(municipality)).pk,
    "goal_pk": lambda municipality: _goal(municipality).pk,
    "activity_pk": lambda municipality: ActivityFactory(goal=_goal(municipality)).pk,
    "attachment_pk": _attachment,
}
