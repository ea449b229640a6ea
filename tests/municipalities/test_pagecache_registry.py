"""Which writes retire cached pages: the models registered with ``municipalities.pagecache``.

A model opts in with ``pagecache.register`` (in its app's ``ready()``); rows written on reads or
by the worker's bookkeeping are deliberately left out, so a login or a progress tick never
retires pages. Two checks keep the registry honest: every model of ours is either registered or
in the exact list of deliberate exceptions below, and every table a cached page reads belongs to
a registered model (or to the commented allow-list of tables no write through the app changes
what a page shows).
"""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from analyses.models import AnalysisReminder
from cycles.models import Cycle
from municipalities import pagecache
from municipalities.models import AuditLogEntry, Invitation, Membership, Municipality, Role, User
from npo_platform.demo import SEEDERS
from reports import services as reports
from reports.models import ReportJob
from schools.models import PupilCount, School, SchoolWeight
from tests.analyses.factories import open_cycle
from tests.factories import TEST_PASSWORD, SchoolFactory

pytestmark = pytest.mark.django_db

# Models of ours whose writes deliberately retire no cached page. Adding a model to an app
# fails test_every_model_is_registered_or_deliberately_left_out until it is decided either way.
UNREGISTERED = {
    # Written on every login and beside every audited write; only the activity page (not cached)
    # reads it.
    "municipalities.AuditLogEntry",
    # The read log: written on every sensitive read; only the Leeslog page (not cached) reads it.
    "municipalities.ReadLogEntry",
    # An e-mail invitation: only the team page (not cached) shows it; accepting one creates the
    # Membership, which is registered.
    "municipalities.Invitation",
    # The reference-data loader's bookkeeping; the loader writes with raw SQL and retires the
    # reference version itself.
    "schools.ReferenceImport",
    # A record of reminder mails sent: shown on the analyses overview only (not cached).
    "analyses.AnalysisReminder",
    # An uploaded intake file's preview; confirming it writes the (registered) analyses.
    "analyses.AnalysisIntake",
    # Operational tables (no tenant data): tasks waiting for the broker, and when the worker
    # and beat were last seen (only /healthz reads them, never cached).
    "core.OutboxMessage",
    "core.Heartbeat",
    # Sign-in: providers (admin only), linked sign-on accounts (written at a first sign-on) and
    # the user's sessions (written at login and once per touch interval); only the uncached
    # sessions page and the login flow read them.
    "accounts.OIDCProvider",
    "accounts.OIDCIdentity",
    "accounts.UserSession",
    # Mail: the log of every message (operational, only the admin reads it), the language a user
    # chose (read for their mails), and notifications with the mail preferences: the header's
    # bell loads its count with its own uncached request, and only uncached pages list them.
    "core.MailLog",
    "accounts.UserSettings",
    "notifications.Notification",
    "notifications.Preference",
}

# Tables the cached pages read that belong to no registered model, and why that is safe.
ALLOWED_TABLES = {
    # The session is the browser's own, read by the middleware before the page is looked up;
    # a page is kept only when the view left the session unchanged, never with messages
    # waiting, and under a key made of the user and the CSRF cookie.
    "django_session",
}

CACHED_PAGES = {
    "municipalities:dashboard",
    "schools:school_list",
    "cycles:detail",
    "budgets:overview",
    "portfolio:index",
}

TABLE_READ = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"', re.IGNORECASE)


def _our_app_configs() -> list:
    base = Path(settings.BASE_DIR)
    return [
        config
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(base)
        and not {".venv", "site-packages"} & set(Path(config.path).parts)
    ]


def _our_models() -> set:
    return {model for config in _our_app_configs() for model in config.get_models()}


def test_every_model_is_registered_or_deliberately_left_out():
    ours = _our_models()
    assert {config.label for config in _our_app_configs()} >= {
        "municipalities",
        "schools",
        "cycles",
        "analyses",
        "budgets",
        "reports",
    }
    left_out = {model._meta.label for model in ours if not pagecache.is_registered(model)}
    assert left_out == UNREGISTERED
    # Registrations stay inside our apps.
    assert pagecache.registered_models() <= ours


def _cached_url_names() -> set[str]:
    """URL names of the views wrapped by ``cached_tenant_page`` or ``cached_page``."""
    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                namespace = f"{pattern.namespace}:" if pattern.namespace else ""
                walk(pattern.url_patterns, prefix + namespace)
            elif getattr(pattern.callback, "is_cached_page", False):
                found.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return found


def test_the_cached_pages_are_the_ones_checked_below():
    assert _cached_url_names() == CACHED_PAGES


def _demo_like_data() -> None:
    """The demo (``make run``) on a handful of factory schools instead of the DUO files, plus
    a row of each unregistered model a page might be tempted to read."""
    import_string(SEEDERS[0])(io.StringIO())  # municipalities and people
    sectors = [School.Sector.BO] * 7 + [School.Sector.SBO, School.Sector.VO, School.Sector.VO]
    for municipality in Municipality.objects.all():
        for sector in sectors:
            school = SchoolFactory(municipality=municipality, sector=sector)
            PupilCount.objects.create(school=school, year=2025, count=240)
            SchoolWeight.objects.create(
                school=school, school_year="2024-2025", weight="29.10", pupils=240, spread="1.2"
            )
    for path in SEEDERS[1:]:
        import_string(path)(io.StringIO())
    utrecht = Municipality.objects.get(slug="utrecht")
    cycle = Cycle.objects.for_municipality(utrecht).open().get()
    officer = User.objects.get(email="beleid@utrecht.demo")
    Invitation.objects.create(
        municipality=utrecht,
        email="nieuw@utrecht.example.nl",
        role=Role.VIEWER,
        token_hash="0" * 64,
        invited_by=officer,
        expires_at=timezone.now() + timedelta(days=7),
    )
    school = School.objects.for_municipality(utrecht).first()
    AnalysisReminder.objects.create(
        municipality=utrecht, cycle=cycle, school=school, recipients=1, sent_by=officer
    )
    failed = reports.report_request(
        municipality=utrecht, kind="plan", user=officer, cycle=cycle, enqueue=False
    )
    reports.report_fail(job_pk=failed.pk, message="Mislukt (test).")


def _page_urls(user: User) -> list[tuple[str, str]]:
    """(URL name, URL) of every cached page this user has (the pages of each membership)."""
    urls = [("portfolio:index", reverse("portfolio:index"))]
    for membership in user.memberships.active().select_related("municipality"):
        slug = membership.municipality.slug
        for name in ("municipalities:dashboard", "schools:school_list", "budgets:overview"):
            urls.append((name, reverse(name, args=[slug])))
        for cycle in Cycle.objects.for_municipality(membership.municipality):
            urls.append(("cycles:detail", reverse("cycles:detail", args=[slug, cycle.pk])))
    return urls


def test_every_table_a_cached_page_reads_belongs_to_a_registered_model(monkeypatch):
    # The reports' PDFs are on no page (their snapshots and status are); WeasyPrint is slow.
    monkeypatch.setattr("reports.rendering.render_pdf", lambda data: b"%PDF-1.7\n%%EOF\n")
    _demo_like_data()
    tables = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    ours = {config.label for config in _our_app_configs()}
    people = User.objects.filter(memberships__ended_at__isnull=True).distinct()
    assert {m.role for m in Membership.objects.filter(user__in=people)} == set(Role)
    rendered, unregistered, seen = set(), {}, set()
    for user in people:
        client = Client()
        client.force_login(user)
        for name, url in _page_urls(user):
            pagecache.retire_all()  # rendered, not served from the cache
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, follow=False)
            if response.status_code != 200:
                continue  # e.g. a school member has no budget overview
            assert response.context is not None, url
            rendered.add(name)
            for query in queries.captured_queries:
                for table in TABLE_READ.findall(query["sql"]):
                    seen.add(table)
                    model = tables.get(table)
                    assert model is not None or table in ALLOWED_TABLES, (url, table)
                    if table in ALLOWED_TABLES:
                        continue
                    if model._meta.app_label in ours and pagecache.is_registered(model):
                        continue
                    unregistered.setdefault(table, set()).add(url)
    assert rendered == CACHED_PAGES
    # The check sees what it must: report jobs (the worker writes them) and memberships. (The
    # cycle page used to read the goals' schools too; since issue 23 it reads only titles and
    # progress, so the automatic through tables are checked on their own below.)
    assert {"reports_reportjob", "municipalities_membership"} <= seen
    assert unregistered == {}


def test_an_automatic_through_table_counts_as_its_registered_owner():
    from cycles.models import Goal

    through = Goal.schools.through
    assert through._meta.auto_created is Goal
    sql = str(through.objects.filter(goal_id=1).query)
    assert TABLE_READ.findall(sql) == ["cycles_goal_schools"]
    tables = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    assert tables["cycles_goal_schools"] is through
    assert pagecache.is_registered(through)


# --- What retires pages, and what does not --------------------------------------------------


def _dashboard(client, municipality):
    response = client.get(reverse("municipalities:dashboard", args=[municipality.slug]))
    assert response.status_code == 200
    return response


def _cached(response) -> bool:
    return response.get(pagecache.STATUS_HEADER) == "hit"


def _prime(client, municipality) -> None:
    _dashboard(client, municipality)
    _dashboard(client, municipality)
    assert _cached(_dashboard(client, municipality))


def test_a_login_keeps_the_pages(client, officer, municipality):
    """A login writes last_login and an audit entry: neither is on a cached page."""
    open_cycle(municipality)
    client.force_login(officer)
    _prime(client, municipality)
    response = Client().post(
        reverse("login"), {"username": officer.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.last_login is not None
    assert AuditLogEntry.objects.filter(event=AuditLogEntry.Event.LOGIN).exists()
    assert _cached(_dashboard(client, municipality))


def test_a_change_of_the_users_name_retires_their_pages(officer_client, officer, municipality):
    open_cycle(municipality)
    _prime(officer_client, municipality)
    officer.display_name = "Fatima El Amrani-de Wit"
    officer.save()
    response = _dashboard(officer_client, municipality)
    assert not _cached(response) and "Fatima El Amrani-de Wit" in response.text


def test_writes_to_unregistered_models_keep_the_pages(officer_client, officer, municipality):
    cycle = open_cycle(municipality)
    school = SchoolFactory(municipality=municipality)
    _prime(officer_client, municipality)
    AnalysisReminder.objects.create(
        municipality=municipality, cycle=cycle, school=school, recipients=2, sent_by=officer
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                municipality=municipality,
                email="iemand@example.nl",
                role=Role.VIEWER,
                token_hash="1" * 64,
                expires_at=timezone.now() + timedelta(days=7),
            )
        ]
    )
    Invitation.objects.for_municipality(municipality).update(revoked_at=timezone.now())
    assert _cached(_dashboard(officer_client, municipality))


def test_a_report_job_retires_pages_when_it_is_done_not_while_it_progresses(
    officer_client, officer, municipality, monkeypatch
):
    cycle = open_cycle(municipality)
    job = reports.report_request(
        municipality=municipality, kind="gemeentefoto", user=officer, cycle=cycle, enqueue=False
    )
    assert reports.report_claim(job_pk=job.pk, task_id="t-1", is_retry=False)
    _prime(officer_client, municipality)
    assert "Nog geen gemeentefoto gemaakt." in _dashboard(officer_client, municipality).text
    seen_while_building = []

    def render_pdf(data):
        # The worker has reported its progress several times by now.
        job.refresh_from_db()
        seen_while_building.append(
            (job.progress, _cached(_dashboard(officer_client, municipality)))
        )
        return b"%PDF-1.7\n%%EOF\n"

    monkeypatch.setattr("reports.rendering.render_pdf", render_pdf)
    assert reports.report_build(job_pk=job.pk, task_id="t-1")
    assert seen_while_building == [(70, True)]
    response = _dashboard(officer_client, municipality)
    assert not _cached(response)
    assert "Gemeentefoto versie 1" in response.text


def test_a_failed_report_job_retires_the_portfolio(client, municipality, member_factory):
    advisor = member_factory(municipality, Role.ADVISOR)
    client.force_login(advisor)
    url = reverse("portfolio:index")
    client.get(url)
    client.get(url)
    assert _cached(client.get(url))
    job = reports.report_request(
        municipality=municipality, kind="gemeentefoto", user=advisor, enqueue=False
    )
    assert not _cached(client.get(url))  # a new job
    assert _cached(client.get(url))
    reports.report_fail(job_pk=job.pk, message="Mislukt.")
    assert not _cached(client.get(url))


def test_a_published_plan_retires_the_schools_pages(client, municipality, member_factory):
    officer = member_factory(municipality, Role.POLICY_OFFICER)
    school_member = member_factory(municipality, Role.SCHOOL)
    cycle = open_cycle(municipality)
    job = reports.report_request(
        municipality=municipality, kind="plan", user=officer, cycle=cycle, enqueue=False
    )
    ReportJob.objects.filter(pk=job.pk).update(
        status=ReportJob.Status.DONE, finished_at=timezone.now()
    )
    client.force_login(school_member)
    _prime(client, municipality)
    assert "Plan (gemeentelijke NPO-aanpak)" not in _dashboard(client, municipality).text
    job.refresh_from_db()
    reports.report_publish(job=job, published=True)
    response = _dashboard(client, municipality)
    assert not _cached(response)
    assert "Plan (gemeentelijke NPO-aanpak) versie 1" in response.text


def test_many_to_many_from_an_unregistered_side_retires_the_users_pages(
    officer_client, officer, municipality
):
    open_cycle(municipality)
    group = Group.objects.create(name="Redactie")
    _prime(officer_client, municipality)
    group.user_set.add(officer)  # sender: the through table of User.groups, instance: the group
    assert not _cached(_dashboard(officer_client, municipality))


def test_register_refuses_a_scope_the_model_cannot_have():
    with pytest.raises(ImproperlyConfigured, match="no municipality"):
        pagecache.register(PupilCount, scope=pagecache.TENANT)
    with pytest.raises(ImproperlyConfigured, match="no user"):
        pagecache.register(Cycle, scope=pagecache.USER)
    with pytest.raises(ImproperlyConfigured, match="unknown scope"):
        pagecache.register(Cycle, scope="everything")
    with pytest.raises(ImproperlyConfigured, match="already registered"):
        pagecache.register(Cycle, scope=pagecache.REFERENCE)
    assert pagecache.registration(Cycle).scopes == {pagecache.TENANT}
    assert pagecache.registration(Membership).scopes == {pagecache.TENANT, pagecache.USER}
