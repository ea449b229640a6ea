"""Drills on a production-like stack of subprocesses: a private PostgreSQL and Redis, a real
Celery worker (prefork) and gunicorn.

* A worker child killed with -9 while it builds a gemeentefoto: the message comes back
  (acks_late, reject_on_worker_lost), the new child takes over the job whose lease holder is gone,
  and the job is done within 60 s, as one version.
* PostgreSQL restarted under a running gunicorn: the next page and the next save answer as usual
  (connection health checks), nothing restarted.
"""

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from celery import Celery

from tests.faults.stack import ROOT, django_env, django_run, free_port, wait_for

VENV_BIN = ROOT / ".venv" / "bin"

SEED = """
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.reports.factories import fill_municipality
from tests.twofactor import mark_session_verified
from django.test import Client
from reports import services

def seed(name, slug, code):
    municipality = MunicipalityFactory(name=name, slug=slug, cbs_code=code)
    officer = MembershipFactory(municipality=municipality, user__email=f"{slug}@example.nl").user
    client = Client()
    client.force_login(officer)
    mark_session_verified(client.session.session_key)
    return municipality, officer, client.session.session_key

werkerstad, officer, _ = seed("Werkerstad", "werkerstad", "GM9971")
fill_municipality(werkerstad, schools=4)  # a report that takes a few seconds to build
job = services.report_request(
    municipality=werkerstad, kind="gemeentefoto", user=officer, enqueue=False
)
herstartdorp, _, session = seed("Herstartdorp", "herstartdorp", "GM9972")
print(werkerstad.pk, job.pk, herstartdorp.pk, session)
"""


@pytest.fixture(scope="session")
def drill_data(private_postgres):
    """Both drills' data, seeded in one subprocess (a Django start-up costs seconds): a
    municipality with a queued gemeentefoto job (not sent yet), and a logged-in officer of
    another one (their session key)."""
    env = django_env(DATABASE_URL=private_postgres.url())
    werkerstad, job, herstartdorp, session = django_run(SEED, env).split()
    return {
        "werkerstad": int(werkerstad),
        "job": int(job),
        "herstartdorp": int(herstartdorp),
        "session": session,
    }


@pytest.fixture
def stack_env(private_postgres, redis_server, fault_folder):
    return django_env(
        DATABASE_URL=private_postgres.url(),
        REDIS_URL=redis_server.url(0),
        TMPDIR=str(fault_folder),  # the settings' throw-away media folders go with the drill
    )


def _job(db, pk: int) -> dict:
    row = db.execute(
        "SELECT status, attempts, lease_owner, error FROM reports_reportjob WHERE id = %s", [pk]
    ).fetchone()
    return dict(zip(("status", "attempts", "lease_owner", "error"), row, strict=True))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def test_a_worker_child_killed_mid_report_is_rebuilt_within_a_minute_as_one_version(
    private_postgres, stack_env, fault_folder, drill_data
):
    worker = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "celery"),
            "-A",
            "npo_platform",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        env=stack_env,
        cwd=ROOT,
        stdout=open(fault_folder / "worker.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    db = private_postgres.connect()
    try:
        municipality, job_pk = drill_data["werkerstad"], drill_data["job"]
        # Sent as the outbox relay sends it (only the broker URL is needed for that).
        with Celery(broker=stack_env["REDIS_URL"], set_as_current=False) as sender:
            sender.send_task("reports.build", args=[job_pk], task_id=f"drill-{job_pk}")
        # On a timeout the failure shows the worker's exit code and its own log.
        log = fault_folder / "worker.log"
        claim = "the worker claiming the job (worker exit code {code}; its log: {log})"
        try:
            wait_for(lambda: _job(db, job_pk)["status"] == "running", 45, "claim")
        except pytest.fail.Exception:
            pytest.fail(claim.format(code=worker.poll(), log=log.read_text()[-3000:]))
        child = int(_job(db, job_pk)["lease_owner"].split(":")[1])
        assert child in _children(worker.pid), "the job is built by a child of the worker"
        os.kill(child, signal.SIGKILL)
        killed_at = time.monotonic()
        recovery = wait_for(
            lambda: _job(db, job_pk)["status"] in ("done", "failed"), 60, "the job rebuilt"
        )
        job = _job(db, job_pk)
        assert job["status"] == "done", job["error"]
        assert job["attempts"] == 2  # the killed build and the one that took over
        assert time.monotonic() - killed_at < 60
        versions = db.execute(
            "SELECT count(*) FROM reports_reportjob WHERE municipality_id = %s", [municipality]
        ).fetchone()[0]
        assert versions == 1
        print(f"worker child killed: job done {recovery:.1f} s later, one version")
    finally:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
        db.close()


class _Browser:
    """Just enough of a browser for gunicorn: the session cookie, the CSRF cookie and token."""

    def __init__(self, base: str, session: str) -> None:
        self.base, self.cookies = base, {"sessionid": session}
        opener = urllib.request.build_opener(_NoRedirect)
        self.open = opener.open

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.token}
            body = urllib.parse.urlencode(data).encode()
            headers["Referer"] = self.base + path
        # Always http://127.0.0.1:<port> of the drill's own gunicorn.
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            response = self.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        page = response.read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token:
            self.token = token.group(1)
        return response.status, page


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_postgresql_restart_costs_no_page_and_no_save(
    private_postgres, stack_env, fault_folder, drill_data
):
    municipality, session = drill_data["herstartdorp"], drill_data["session"]
    port = free_port()
    web = subprocess.Popen(  # noqa: S603
        [
            str(VENV_BIN / "gunicorn"),
            "npo_platform.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "60",
        ],
        env=stack_env,
        cwd=ROOT,
        stdout=open(fault_folder / "gunicorn.log", "w"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )
    db = private_postgres.connect()
    try:
        browser = _Browser(f"http://127.0.0.1:{port}", session)

        def up() -> bool:
            try:
                return browser.request("/g/herstartdorp/")[0] == 200
            except OSError:
                return False

        wait_for(up, 30, "gunicorn serving the dashboard")
        assert browser.request("/g/herstartdorp/rapportages/")[0] == 200  # a form and its token
        db.close()
        private_postgres.restart()
        restarted_at = time.monotonic()
        # The worker's connection from before the restart is dead: the first page must not 500.
        assert browser.request("/g/herstartdorp/")[0] == 200
        status, _page = browser.request("/g/herstartdorp/rapportages/", {"kind": "gemeentefoto"})
        assert status == 302  # the save went through
        recovery = time.monotonic() - restarted_at
        db = private_postgres.connect()
        saved = db.execute(
            "SELECT count(*) FROM reports_reportjob WHERE municipality_id = %s", [municipality]
        ).fetchone()[0]
        assert saved == 1
        assert browser.request("/healthz")[0] in (200, 503)  # answers (worker/beat not running)
        print(f"PostgreSQL restarted: page and save answered {recovery:.2f} s later, no restart")
    finally:
        web.terminate()
        web.wait(15)
        db.close()
