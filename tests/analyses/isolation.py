"""URL kwargs of the school-analysis pages, for the isolation sweep (tests/test_isolation_sweep.py).

``analysis_attachment_pk`` nests under ``analysis_pk``: both factories work on the municipality's
first analysis, so kwargs filled independently still belong together.
"""

from analyses.models import AnalysisIntake, SchoolAnalysis
from tests.analyses.factories import SchoolAnalysisFactory, attachment_for, open_cycle


def _analysis(municipality) -> SchoolAnalysis:
    existing = SchoolAnalysis.objects.for_municipality(municipality).order_by("pk").first()
    return existing or SchoolAnalysisFactory(school__municipality=municipality)


def _attachment(municipality) -> int:
    analysis = _analysis(municipality)
    existing = analysis.attachments.first()
    return (existing or attachment_for(analysis)).pk


def _intake(municipality) -> str:
    return AnalysisIntake.objects.create(
        municipality=municipality, cycle=open_cycle(municipality), file_name="sjabloon.xlsx"
    ).token


KWARG_FACTORIES = {
    "analysis_pk": lambda municipality: _analysis(municipality).pk,
    "analysis_attachment_pk": _attachment,
    "intake_token": _intake,
}
