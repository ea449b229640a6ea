"""Rapportages pages: access per role and tenant, progress polling, downloads, bulk."""

import re

import pytest
from django.utils import timezone

from cycles.gates import checklist
from municipalities.models import Role
from reports.models import ReportJob
from tests.reports.factories import CycleFactory, ReportJobFactory
from tests.reports.helpers import build, enqueued

pytestmark = pytest.mark.django_db

LIST = "/g/utrecht/rapportages/"


def _done(municipality, officer, capture, kind="gemeentefoto", cycle=None):
    return build(municipality, kind, officer, cycle, capture)


def test_officer_requests_a_gemeentefoto_and_is_redirected_to_the_list(
    officer_client, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = officer_client.post(LIST, {"kind": "gemeentefoto"})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url == f"{LIST}?job={job.pk}#job-{job.pk}"
    assert job.status == "queued" and len(enqueued(callbacks)) == 1
    page = officer_client.get(LIST).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page and 'aria-live="polite"' in page


def test_unknown_kind_is_refused_with_a_dutch_message(officer_client):
    response = officer_client.post(LIST, {"kind": "jaarverslag"})
    assert response.status_code == 400
    assert ReportJob.objects.count() == 0
    assert "geen geldige keuze" in response.content.decode().lower() or "Selecteer" in (
        response.content.decode()
    )


def test_viewer_reads_but_cannot_request(client, municipality, member_factory):
    client.force_login(member_factory(municipality, Role.VIEWER))
    assert client.get(LIST).status_code == 200
    assert "Maak gemeentefoto" not in client.get(LIST).content.decode()
    assert client.post(LIST, {"kind": "gemeentefoto"}).status_code == 403
    assert ReportJob.objects.count() == 0


def test_progress_partial_polls_until_done_then_links_to_results(
    officer_client, municipality, officer, django_capture_on_commit_callbacks
):
    # A running plan: the gemeentefoto requested below is another report, not a repeat of it.
    job = ReportJobFactory(municipality=municipality, kind="plan", status="running", progress=40)
    url = f"{LIST}{job.pk}/voortgang/"
    partial = officer_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial
    assert 'hx-trigger="every 1s"' in partial and 'value="40"' in partial
    full = officer_client.get(url).content.decode()  # without JavaScript: page + refresh link
    assert "<html" in full and "Vernieuwen om de voortgang te zien" in full
    done = _done(municipality, officer, django_capture_on_commit_callbacks)
    partial = officer_client.get(
        f"{LIST}{done.pk}/voortgang/", headers={"HX-Request": "true"}
    ).content.decode()
    assert "hx-trigger" not in partial
    assert f"{LIST}{done.pk}/" in partial and f"{LIST}{done.pk}/pdf/" in partial


def test_html_view_renders_from_snapshot_without_inline_styles(
    officer_client, municipality, officer, django_capture_on_commit_callbacks
):
    job = _done(municipality, officer, django_capture_on_commit_callbacks)
    response = officer_client.get(f"{LIST}{job.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and "Gemeentefoto Utrecht" in html
    assert not re.search(r"\sstyle=", html) and "<style" not in html
    assert "<script>" not in html


def test_unfinished_job_html_view_redirects_to_progress(officer_client, municipality):
    job = ReportJobFactory(municipality=municipality)
    response = officer_client.get(f"{LIST}{job.pk}/")
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/voortgang/")


def test_pdf_download_is_access_checked(
    client,
    municipality,
    other_municipality,
    officer,
    member_factory,
    django_capture_on_commit_callbacks,
):
    job = _done(municipality, officer, django_capture_on_commit_callbacks)
    url = f"{LIST}{job.pk}/pdf/"
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    # a member of another municipality: 404, for this URL and via their own slug
    client.force_login(member_factory(other_municipality, Role.POLICY_OFFICER))
    assert client.get(url).status_code == 404
    assert client.get(f"/g/zwolle/rapportages/{job.pk}/pdf/").status_code == 404
    assert client.get(f"/g/zwolle/rapportages/{job.pk}/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_school_opens_only_the_published_plan(
    client, municipality, officer, member_factory, django_capture_on_commit_callbacks
):
    foto = _done(municipality, officer, django_capture_on_commit_callbacks)
    plan = _done(municipality, officer, django_capture_on_commit_callbacks, kind="plan")
    client.force_login(member_factory(municipality, Role.SCHOOL))
    for job in (foto, plan):
        assert client.get(f"{LIST}{job.pk}/").status_code == 404
        assert client.get(f"{LIST}{job.pk}/pdf/").status_code == 404
    assert client.get(f"{LIST}{plan.pk}/voortgang/").status_code == 403
    assert f"{LIST}{plan.pk}/" not in client.get(LIST).content.decode()
    ReportJob.objects.filter(pk=plan.pk).update(published_at=timezone.now())
    assert client.get(f"{LIST}{plan.pk}/").status_code == 200
    assert client.get(f"{LIST}{plan.pk}/pdf/").status_code == 200
    assert client.get(f"{LIST}{foto.pk}/pdf/").status_code == 404
    assert client.post(f"{LIST}{plan.pk}/publiceren/", {"publish": "0"}).status_code == 403


def test_editor_publishes_and_withdraws_a_plan(
    officer_client, municipality, officer, django_capture_on_commit_callbacks
):
    plan = _done(municipality, officer, django_capture_on_commit_callbacks, kind="plan")
    foto = _done(municipality, officer, django_capture_on_commit_callbacks)
    assert officer_client.post(f"{LIST}{plan.pk}/publiceren/", {"publish": "1"}).status_code == 302
    plan.refresh_from_db()
    assert plan.is_published
    officer_client.post(f"{LIST}{plan.pk}/publiceren/", {"publish": "0"})
    plan.refresh_from_db()
    assert not plan.is_published
    assert officer_client.post(f"{LIST}{foto.pk}/publiceren/", {"publish": "1"}).status_code == 404


def test_list_query_count_does_not_grow_with_versions(
    officer_client, municipality, officer, django_assert_max_num_queries
):
    cycle = CycleFactory(municipality=municipality)
    for _i in range(3):
        ReportJobFactory(municipality=municipality, cycle=cycle, requested_by=officer)
    officer_client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        officer_client.get(LIST)
    for _i in range(20):
        ReportJobFactory(municipality=municipality, cycle=cycle, kind="plan", requested_by=officer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert officer_client.get(LIST).status_code == 200


def test_gate_item_gemeentefoto_generated_for_this_cycle(
    municipality, officer, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(municipality=municipality)
    item = next(i for i in checklist(cycle) if i.key == "gemeentefoto")
    assert not item.ok and "Rapportages" in item.explanation
    # a gemeentefoto of another cycle (or without one) does not count
    _done(municipality, officer, django_capture_on_commit_callbacks)
    assert not next(i for i in checklist(cycle) if i.key == "gemeentefoto").ok
    _done(municipality, officer, django_capture_on_commit_callbacks, cycle=cycle)
    item = next(i for i in checklist(cycle) if i.key == "gemeentefoto")
    assert item.ok and "versie 1" in item.explanation


# --- Bulk -------------------------------------------------------------------------------------

BULK = "/rapportages/bulk/"


@pytest.fixture
def advisor(municipality, other_municipality, member_factory):
    from tests.factories import MembershipFactory

    user = member_factory(municipality, Role.ADVISOR)
    MembershipFactory(user=user, municipality=other_municipality, role=Role.ADVISOR)
    return user


def test_bulk_requests_gemeentefotos_for_the_advisors_municipalities(
    client, advisor, municipality, other_municipality, django_capture_on_commit_callbacks
):
    client.force_login(advisor)
    page = client.get(BULK).content.decode()
    assert ">Utrecht</label>" in page and ">Zwolle</label>" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK, {"municipalities": [municipality.pk, other_municipality.pk]})
    jobs = ReportJob.objects.order_by("municipality__name")
    assert [j.municipality.name for j in jobs] == ["Utrecht", "Zwolle"]
    assert all(j.kind == "gemeentefoto" and j.status == "done" for j in jobs)
    assert response.status_code == 302
    progress = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "2 van 2 gemeentefoto&#x27;s klaar" in progress or "2 van 2 gemeentefoto's klaar" in (
        progress
    )
    assert "hx-trigger" not in progress


def test_bulk_only_acts_where_the_user_is_advisor(
    client, municipality, other_municipality, member_factory
):
    user = member_factory(municipality, Role.ADVISOR)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, municipality=other_municipality, role=Role.POLICY_OFFICER)
    stranger = ReportJobFactory(municipality=other_municipality)
    client.force_login(user)
    page = client.get(BULK).content.decode()
    assert ">Utrecht</label>" in page and ">Zwolle</label>" not in page
    response = client.post(BULK, {"municipalities": [other_municipality.pk]})
    assert response.status_code == 400 and ReportJob.objects.count() == 1
    # a job of a municipality where the user is not advisor is never shown
    page = client.get(f"{BULK}?jobs={stranger.pk}").content.decode()
    assert "Voortgang" not in page


def test_bulk_for_someone_who_is_no_advisor(client, officer):
    client.force_login(officer)
    page = client.get(BULK).content.decode()
    assert "deze pagina is voor adviseurs" in page
    assert client.post(BULK, {"municipalities": []}).status_code == 400
    assert ReportJob.objects.count() == 0
