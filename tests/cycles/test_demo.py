import io

import pytest

from cycles import demo, gates
from cycles.models import Cycle, Phase
from municipalities import demo as municipalities_demo

pytestmark = pytest.mark.django_db


def test_demo_has_utrecht_in_doen_and_zwolle_in_duiden_and_is_idempotent():
    municipalities_demo.seed(io.StringIO())
    out = io.StringIO()
    demo.seed(out)
    demo.seed(out)
    utrecht = Cycle.objects.get(municipality__cbs_code="GM0344")
    zwolle = Cycle.objects.get(municipality__cbs_code="GM0193")
    assert utrecht.phase == Phase.DOEN and zwolle.phase == Phase.DUIDEN
    assert Cycle.objects.count() == 2
    assert utrecht.goals.count() == 3 and all(g.is_complete for g in utrecht.goals.all())
    assert utrecht.transitions.count() == 3
    # Realistic Doen: every activity is monitored, so the Doen gate is satisfied.
    assert gates.check_activities_monitored(utrecht).ok
    # Zwolle's finding is not yet prioritised: the Duiden gate shows work to do.
    assert not gates.check_prioritised_finding(zwolle).ok
