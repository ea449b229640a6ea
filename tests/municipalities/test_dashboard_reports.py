"""The dashboard's reports panel: the newest finished gemeentefoto and plan, however many newer
versions of other reports there are (issue 23)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Role
from reports.models import ReportJob
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


def _done(municipality, kind, version, days_ago):
    return ReportJobFactory(
        municipality=municipality,
        kind=kind,
        version=version,
        status=ReportJob.Status.DONE,
        finished_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def test_the_plan_shows_behind_many_newer_gemeentefoto_versions(
    client, municipality, member_factory
):
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    _done(municipality, ReportJob.Kind.PLAN, 3, days_ago=40)
    for version in range(1, 26):
        _done(municipality, ReportJob.Kind.GEMEENTEFOTO, version, days_ago=30 - version)
    path = reverse("municipalities:dashboard", args=[municipality.slug])
    client.get(path)  # the first request after login refreshes the session
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(path).content.decode()
    assert "Gemeentefoto versie 25" in body
    assert "Plan (gemeentelijke NPO-aanpak) versie 3" in body
    job_reads = [q for q in ctx.captured_queries if 'FROM "reports_reportjob"' in q["sql"]]
    # The two of the panel, and the gemeentefoto item of the checklist when a cycle is open.
    assert len(job_reads) <= 3, job_reads
    assert all('"reports_reportjob"."snapshot"' not in q["sql"] for q in job_reads)
