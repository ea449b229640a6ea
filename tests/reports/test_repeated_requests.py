"""A report request while an identical job is queued or running returns that job: one report."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from reports import services
from reports.models import ReportJob
from tests.concurrency import needs_postgresql, run_parallel
from tests.reports.factories import CycleFactory
from tests.reports.helpers import enqueued

LIST = "/g/utrecht/rapportages/"


@pytest.mark.django_db
def test_a_second_request_while_queued_or_running_returns_the_same_job(
    municipality, officer, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(municipality=municipality)
    request = {"municipality": municipality, "kind": "gemeentefoto", "user": officer}
    request["cycle"] = cycle
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.report_request(**request)
        again = services.report_request(**request)
    assert again.pk == first.pk and again.already_requested and not first.already_requested
    assert len(enqueued(callbacks)) == 1
    ReportJob.objects.filter(pk=first.pk).update(status=ReportJob.Status.RUNNING)
    assert services.report_request(**request, enqueue=False).pk == first.pk

    # Another kind or another cycle is another report.
    plan = services.report_request(**{**request, "kind": "plan"}, enqueue=False)
    loose = services.report_request(**{**request, "cycle": None}, enqueue=False)
    assert len({first.pk, plan.pk, loose.pk}) == 3

    # Once finished (done or failed), a request makes the next version.
    for status in (ReportJob.Status.DONE, ReportJob.Status.FAILED):
        ReportJob.objects.filter(pk=first.pk).update(status=status)
        fresh = services.report_request(**request, enqueue=False)
        assert fresh.pk != first.pk and fresh.version == first.version + 1
        fresh.delete()


@pytest.mark.django_db
def test_the_page_says_the_report_is_already_being_made(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        officer_client.post(LIST, {"kind": "gemeentefoto"})
        response = officer_client.post(LIST, {"kind": "gemeentefoto"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}?job={job.pk}#job-{job.pk}"
    (message,) = [str(m) for m in get_messages(response.wsgi_request)][-1:]
    assert "wordt al gemaakt; er is geen nieuwe aangevraagd" in message


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_report_clicks_make_one_job(municipality, officer, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "report_enqueue", lambda *, job_pk: sent.append(job_pk))
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(officer)
        clients.append(client)
    results = run_parallel(10, lambda i: clients[i].post(LIST, {"kind": "gemeentefoto"}))
    assert all(getattr(r, "status_code", None) == 302 for r in results), results
    job = ReportJob.objects.get()
    assert sent == [job.pk]
    assert {r.url for r in results} == {f"{LIST}?job={job.pk}#job-{job.pk}"}
