"""Migration 0005 keeps the return remark of an analysis returned before remarks were kept: it
becomes the first remark of the conversation, so the school sees it and can reply."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from analyses.models import AnalysisRemark
from tests.analyses.factories import SchoolAnalysisFactory

BEFORE = [("analyses", "0004_tenantmodel_stamps")]


@pytest.mark.django_db(transaction=True)
def test_existing_return_remarks_become_the_first_remark():
    returned = SchoolAnalysisFactory(status="teruggestuurd", review_comment="Onderbouw rekenen.")
    SchoolAnalysisFactory(status="ingediend")  # no remark: nothing made
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    remark = AnalysisRemark.objects.get()
    assert (remark.analysis_id, remark.kind, remark.text) == (
        returned.pk,
        AnalysisRemark.Kind.RETURN,
        "Onderbouw rekenen.",
    )
    assert remark.municipality_id == returned.municipality_id
