"""The read log (issue 18): every sensitive read writes exactly one row per municipality, a
cached page never skips it, the policy officer filters and downloads it, old rows are purged."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities import pagecache
from municipalities.models import ReadLogEntry, Role
from municipalities.tasks import purge_read_log_task
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.test_isolation_sweep import TENANT_URLS, _kwargs_for, _path

pytestmark = pytest.mark.django_db
Kind = ReadLogEntry.Kind

# The sensitive pages of the issue that exist today (the final accounting and the dossier
# arrive with the close-out app and use the same decorator with Kind.FINAL_ACCOUNTING/DOSSIER).
LOGGED_PAGES = {
    "analyses:detail": Kind.ANALYSIS,
    "analyses:attachment_download": Kind.DOCUMENT,
    "budgets:allocation_letter": Kind.DOCUMENT,
    "budgets:beschikking_letter": Kind.DOCUMENT,
    "budgets:export_xlsx": Kind.EXPORT,
    "budgets:export_csv": Kind.EXPORT,
    "closeout:workspace": Kind.FINAL_ACCOUNTING,
    "cycles:attachment_download": Kind.DOCUMENT,
    "municipalities:team": Kind.TEAM,
    "reports:pdf": Kind.PDF,
    "reports:closeout_file": Kind.FINAL_ACCOUNTING,
    "reports:closeout_dossier": Kind.DOSSIER,
}


PDF = b"%PDF-1.4\n%%EOF\n"


def _give_file(url_name: str, kwargs: dict) -> None:
    """The isolation factories make a letter and a report without a file: store one."""
    if url_name == "budgets:allocation_letter":
        from budgets.models import Allocation

        allocation = Allocation.objects.get(pk=kwargs["allocation_pk"])
        allocation.letter.save("beschikking.pdf", ContentFile(PDF))
    elif url_name == "budgets:beschikking_letter":
        from budgets.models import Beschikking

        beschikking = Beschikking.objects.get(pk=kwargs["beschikking_pk"])
        beschikking.letter.save("beschikking.pdf", ContentFile(PDF))
    elif url_name == "reports:closeout_file":
        from django.core.files.storage import default_storage

        from reports.models import ReportJob
        from tests.budgets.factories import stream

        name = default_storage.save("sisa.csv", ContentFile(b"Jaar;Bedrag\r\n"))
        ReportJob.objects.filter(pk=kwargs["report_pk"]).update(
            kind=ReportJob.Kind.SISA,
            stream=stream(),
            status=ReportJob.Status.DONE,
            files={kwargs["fmt"]: {"name": name, "size": 13}},
        )
    elif url_name == "reports:closeout_dossier":
        from django.core.files.storage import default_storage

        from reports.models import ReportJob
        from tests.budgets.factories import stream

        name = default_storage.save("dossier.zip", ContentFile(b"PK\x05\x06" + b"\x00" * 18))
        ReportJob.objects.filter(pk=kwargs["report_pk"]).update(
            kind=ReportJob.Kind.DOSSIER,
            stream=stream(),
            status=ReportJob.Status.DONE,
            options={"audience": "accountant", "attachments": False},
            files={"zip": {"name": name, "size": 22}},
        )
    elif url_name == "reports:pdf":
        from reports.models import ReportJob

        job = ReportJob.objects.get(pk=kwargs["report_pk"])
        job.status = ReportJob.Status.DONE
        job.pdf.save("gemeentefoto.pdf", ContentFile(PDF))


def _rows():
    return list(ReadLogEntry.objects.order_by("pk"))


def test_exactly_the_sensitive_pages_are_logged():
    logged = {
        u.name: u.callback.read_log_kind
        for u in TENANT_URLS
        if hasattr(u.callback, "read_log_kind")
    }
    assert logged == LOGGED_PAGES


@pytest.mark.parametrize("url", [u for u in TENANT_URLS if u.name in LOGGED_PAGES], ids=str)
def test_no_sensitive_page_is_a_cached_page(url):
    assert not getattr(url.callback, "is_cached_page", False), url.name


@pytest.mark.parametrize("url", [u for u in TENANT_URLS if u.name in LOGGED_PAGES], ids=str)
def test_every_sensitive_read_writes_exactly_one_row(client, municipality, url):
    kwargs = _kwargs_for(url, municipality)
    user = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    client.force_login(user)
    _give_file(url.name, kwargs)
    path = _path(url, municipality.slug, kwargs)
    response = client.get(path)
    assert response.status_code == 200, url.name
    if response.streaming:
        b"".join(response.streaming_content)
    rows = _rows()
    assert len(rows) == 1, url.name
    row = rows[0]
    assert (row.municipality, row.user, row.viewer_email) == (municipality, user, user.email)
    assert (row.kind, row.path) == (LOGGED_PAGES[url.name], path)


def test_the_analysis_names_its_school(client, municipality):
    from tests.analyses.isolation import KWARG_FACTORIES

    analysis_pk = KWARG_FACTORIES["analysis_pk"](municipality)
    client.force_login(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
    client.get(reverse("analyses:detail", args=[municipality.slug, analysis_pk]))
    (row,) = _rows()
    assert row.school is not None and row.subject == row.school.name


def test_a_download_names_its_file(client, municipality):
    client.force_login(MembershipFactory(municipality=municipality, role=Role.ACCOUNTANT).user)
    response = client.get(reverse("budgets:export_csv", args=[municipality.slug, "toekenningen"]))
    assert response.status_code == 200
    (row,) = _rows()
    assert row.kind == Kind.EXPORT
    assert row.subject.startswith(f"budget-{municipality.slug}-toekenningen-")
    assert row.subject.endswith(".csv")


def test_htmx_partials_head_posts_and_refusals_write_nothing(client, municipality):
    team = reverse("municipalities:team", args=[municipality.slug])
    client.force_login(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
    assert client.get(team, headers={"HX-Request": "true"}).status_code == 200
    assert client.head(team).status_code == 405
    assert client.post(team).status_code == 405
    client.force_login(MembershipFactory(municipality=municipality, role=Role.SCHOOL).user)
    assert client.get(team).status_code == 403
    client.force_login(MembershipFactory(role=Role.ADVISOR).user)  # another municipality's
    assert client.get(team).status_code == 404
    assert _rows() == []


def test_a_boosted_navigation_is_a_full_page_and_logged(client, municipality):
    client.force_login(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
    headers = {"HX-Request": "true", "HX-Boosted": "true"}
    client.get(reverse("municipalities:team", args=[municipality.slug]), headers=headers)
    assert len(_rows()) == 1


def test_the_portfolio_export_logs_each_municipality_in_one_insert(
    client, municipality, other_municipality
):
    user = UserFactory()
    for m in (municipality, other_municipality):
        MembershipFactory(user=user, municipality=m, role=Role.ADVISOR)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("portfolio:export"))
    assert response.status_code == 200
    inserts = [q for q in queries if 'INSERT INTO "municipalities_readlogentry"' in q["sql"]]
    assert len(inserts) == 1
    assert {r.municipality for r in _rows()} == {municipality, other_municipality}
    assert {r.kind for r in _rows()} == {Kind.EXPORT}


# --- The page cache ---------------------------------------------------------------------------


@pytest.fixture
def cached_urls(settings):
    settings.ROOT_URLCONF = "tests.municipalities.readlog_urls"
    assert pagecache.enabled()


def test_a_cached_page_never_skips_the_log(client, municipality, cached_urls):
    client.force_login(MembershipFactory(municipality=municipality, role=Role.VIEWER).user)
    plain = f"/g/{municipality.slug}/plain/"
    logged = f"/g/{municipality.slug}/logged/"
    # The control: the same page without the log is served from the cache by the third view.
    client.get(plain)  # sets the CSRF cookie
    assert client.get(plain).get(pagecache.STATUS_HEADER) == "miss"
    assert client.get(plain).get(pagecache.STATUS_HEADER) == "hit"
    assert _rows() == []
    for _ in range(3):
        response = client.get(logged)
        assert response.status_code == 200
        assert response.get(pagecache.STATUS_HEADER) is None  # neither kept nor served
    assert len(_rows()) == 3


# --- The Leeslog page and its CSV ---------------------------------------------------------------


def _entry(municipality, user, *, kind=Kind.TEAM, subject="", school=None, days_ago=0):
    return ReadLogEntry.objects.create(
        municipality=municipality,
        user=user,
        viewer_email=user.email,
        kind=kind,
        subject=subject,
        school=school,
        path="/g/x/",
        at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def log(municipality, other_municipality):
    anna = MembershipFactory(
        municipality=municipality, role=Role.VIEWER, user=UserFactory(email="anna@example.nl")
    ).user
    bert = MembershipFactory(
        municipality=municipality, role=Role.ACCOUNTANT, user=UserFactory(email="bert@example.nl")
    ).user
    school = SchoolFactory(municipality=municipality, name="De Klimop")
    _entry(municipality, anna, kind=Kind.ANALYSIS, subject="De Klimop", school=school)
    _entry(municipality, bert, kind=Kind.EXPORT, subject="=HYPERLINK(1)", days_ago=10)
    _entry(municipality, anna, kind=Kind.DOCUMENT, subject="plan.pdf", days_ago=40)
    _entry(other_municipality, anna, kind=Kind.TEAM, subject="elders")
    return {"anna": anna, "bert": bert, "school": school}


def _page(client, municipality, **params):
    return client.get(reverse("municipalities:read_log", args=[municipality.slug]), params)


def test_the_officer_sees_only_this_municipalitys_log(officer_client, municipality, log):
    response = _page(officer_client, municipality)
    assert response.status_code == 200
    body = response.content.decode()
    assert "anna@example.nl" in body and "bert@example.nl" in body
    assert "elders" not in body
    assert len(response.context["rows"]) == 3


@pytest.mark.parametrize(
    "params,subjects",
    [
        ({"viewer": "anna"}, {"De Klimop", "plan.pdf"}),
        ({"kind": "export"}, {"=HYPERLINK(1)"}),
        ({"school": "school"}, {"De Klimop"}),
        ({"subject": "PLAN"}, {"plan.pdf"}),
        ({"date_from": 15, "date_to": 5}, {"=HYPERLINK(1)"}),
    ],
)
def test_filters(officer_client, municipality, log, params, subjects):
    today = timezone.localdate()
    resolved = {}
    for key, value in params.items():
        if key == "viewer":
            value = log[value].pk
        elif key == "school":
            value = log["school"].pk
        elif key.startswith("date_"):
            value = (today - timedelta(days=value)).isoformat()
        resolved[key] = value
    response = _page(officer_client, municipality, **resolved)
    assert response.status_code == 200
    assert {row.subject for row in response.context["rows"]} == subjects


def test_a_reversed_period_is_a_dutch_400(officer_client, municipality, log):
    response = _page(officer_client, municipality, date_from="2026-02-01", date_to="2026-01-01")
    assert response.status_code == 400
    assert "Deze datum ligt vóór de begindatum." in response.content.decode()


def test_the_csv_is_filtered_neutralised_and_not_stored(officer_client, municipality, log):
    url = reverse("municipalities:read_log_csv", args=[municipality.slug])
    response = officer_client.get(url, {"viewer": log["bert"].pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Tijdstip", "Lezer", "Soort", "Onderwerp", "Adres"]
    assert [r[1:4] for r in rows[1:]] == [["bert@example.nl", "Export", "'=HYPERLINK(1)"]]
    assert rows[1][0].count("-") == 2 and ":" in rows[1][0]  # 20-11-2026 10:15:00


def test_the_page_takes_the_same_queries_for_3_or_60_rows(officer_client, municipality, log):
    _page(officer_client, municipality)  # warm up (session, content types)
    with CaptureQueriesContext(connection) as few:
        _page(officer_client, municipality)
    ReadLogEntry.objects.bulk_create(
        ReadLogEntry(
            municipality=municipality,
            user=log["anna"],
            viewer_email="anna@example.nl",
            kind=Kind.TEAM,
            path="/g/x/team/",
        )
        for _ in range(57)
    )
    with CaptureQueriesContext(connection) as many:
        response = _page(officer_client, municipality)
    assert len(response.context["rows"]) == 50  # one page
    assert len(many) == len(few)


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.VIEWER, Role.ACCOUNTANT, Role.SCHOOL])
def test_only_policy_officers_see_the_log(client, municipality, role):
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    assert _page(client, municipality).status_code == 403
    csv_url = reverse("municipalities:read_log_csv", args=[municipality.slug])
    assert client.get(csv_url).status_code == 403


def test_another_municipalitys_officer_gets_404(client, municipality, other_municipality, log):
    client.force_login(MembershipFactory(municipality=other_municipality).user)
    assert _page(client, municipality).status_code == 404


def test_the_nav_links_the_log_for_officers_only(client, municipality):
    dashboard = reverse("municipalities:dashboard", args=[municipality.slug])
    link = reverse("municipalities:read_log", args=[municipality.slug])
    client.force_login(MembershipFactory(municipality=municipality).user)
    assert link in client.get(dashboard).content.decode()
    client.force_login(MembershipFactory(municipality=municipality, role=Role.ADVISOR).user)
    assert link not in client.get(dashboard).content.decode()


# --- Retention ------------------------------------------------------------------------------------


def test_the_purge_removes_rows_older_than_the_retention(municipality, settings):
    settings.READ_LOG_DAYS = 30
    user = UserFactory()
    old = _entry(municipality, user, days_ago=31)
    kept = _entry(municipality, user, days_ago=29)
    assert purge_read_log_task() == 1
    assert _rows() == [kept]
    assert not ReadLogEntry.objects.filter(pk=old.pk).exists()
    assert purge_read_log_task() == 0  # a second delivery is a no-op


def test_the_purge_runs_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["municipalities-purge-read-log"]
    assert entry["task"] == purge_read_log_task.name == "municipalities.purge_read_log"


# --- Staff: the admin ---------------------------------------------------------------------------


def test_staff_read_and_download_the_log_in_the_admin(client, municipality, log):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = reverse("admin:municipalities_readlogentry_changelist")
    response = client.get(changelist, {"kind__exact": "export"})
    assert response.status_code == 200
    assert "bert@example.nl" in response.content.decode()
    ids = [str(pk) for pk in ReadLogEntry.objects.values_list("pk", flat=True)]
    response = client.post(changelist, {"action": "download_csv", "_selected_action": ids})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 1 + len(ids)
    entry = ReadLogEntry.objects.first()
    change = reverse("admin:municipalities_readlogentry_change", args=[entry.pk])
    assert client.post(change, {"subject": "anders"}).status_code == 403


@pytest.mark.parametrize(
    "value,message",
    [("0", "READ_LOG_DAYS must be at least 1"), ("a year", "READ_LOG_DAYS must be a whole")],
)
def test_a_bad_retention_fails_at_start_up(value, message):
    from tests.test_settings_env import _import_settings

    result = _import_settings(SECRET_KEY="x" * 50, READ_LOG_DAYS=value)
    assert result.returncode != 0
    assert message in result.stderr
