"""A cycle that waived its school analyses: the gemeentefoto says none were needed."""

import pytest

from reports.snapshot.analyses import analyses_section
from tests.analyses.factories import open_cycle

pytestmark = pytest.mark.django_db


def test_waived_analyses_are_reported_as_not_needed_not_as_missing(municipality):
    cycle = open_cycle(municipality)
    assert "nog geen schoolanalyses ontvangen" in analyses_section(municipality, cycle)["missing"]

    cycle.analyses_waived = True
    cycle.analyses_waiver_reason = "De analyses liggen al bij het samenwerkingsverband."
    cycle.save()
    section = analyses_section(municipality, cycle)
    assert section == {
        "available": False,
        "missing": "Voor deze cyclus zijn geen schoolanalyses nodig: "
        "De analyses liggen al bij het samenwerkingsverband.",
    }
