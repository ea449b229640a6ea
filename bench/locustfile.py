"""Simulated users for bench_load.py (locust). Each user logs in as one benchmark advisor and
browses; ``BENCH_PAGE`` picks one page to hammer without think time (throughput phase), or
``mixed`` browses all pages with think time like a person would.

Request names are the page names, so locust's statistics come out per page.

``BENCH_WARMUP`` (seconds): once every user is spawned (and logged in), the statistics and the
cache counts start again after this many seconds, so they cover only the measured run.
``BENCH_BUMP_KEY`` with ``BENCH_REDIS_URL``: before every page request the reference-data version
of the page cache (``municipalities.pagecache.REFERENCE_KEY``, as the cache stores it) gets a new
token, which retires every kept page as a write of reference data does: each page is then a
cold render (and is stored), the cost of the first view after a change.
"""

import json
import os
import pickle
import random
import re
import secrets
from collections import Counter
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant, events, task

LOGINS = json.loads(open(os.environ["BENCH_LOGINS"]).read())  # noqa: SIM115
PAGE = os.environ.get("BENCH_PAGE", "mixed")
WARMUP = float(os.environ.get("BENCH_WARMUP") or 0)
BUMP_KEY = os.environ.get("BENCH_BUMP_KEY")
ALL_PAGES = "all pages"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_login = iter(range(10**6))
# (page, X-Page-Cache) -> responses: how many pages came from the page cache.
CACHE_COUNTS: Counter = Counter()
_redis = None
if BUMP_KEY:
    import redis

    _redis = redis.Redis.from_url(os.environ["BENCH_REDIS_URL"])


@events.init.add_listener
def _restart_after_warmup(environment, **kwargs) -> None:
    if WARMUP <= 0:
        return

    def restart() -> None:
        environment.runner.stats.reset_all()
        CACHE_COUNTS.clear()

    @environment.events.spawning_complete.add_listener
    def _spawned(user_count, **kwargs) -> None:
        gevent.spawn_later(WARMUP, restart)


@events.test_stop.add_listener
def _write_cache_counts(environment, **kwargs) -> None:
    out = os.environ.get("BENCH_CACHE_OUT")
    if out:
        rows = [[page, status, n] for (page, status), n in sorted(CACHE_COUNTS.items())]
        Path(out).write_text(json.dumps(rows))


def _expect(response, marker: bytes) -> None:
    """A 200 with the wrong content (a login page, an error page) is an error too."""
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}")
    elif marker not in response.content:
        response.failure(f"missing {marker!r}")
    else:
        response.success()


def _cookies(login: dict) -> dict:
    """The cookies a logged-in browser sends: its session and its CSRF cookie."""
    return {"Cookie": f"sessionid={login['session']}; csrftoken={login['csrftoken']}"}


class Advisor(FastHttpUser):
    wait_time = between(0.5, 1.5) if PAGE == "mixed" else constant(0)

    def on_start(self) -> None:
        self.headers = {}
        if PAGE in ("minimal", "minimal_session"):
            self.places = []
            if PAGE == "minimal_session":
                self.headers = _cookies(self._login())
            return  # the references: no login request
        login = self._login()
        self.places = login["municipalities"]
        if PAGE != "mixed":
            # Throughput phases start from a ready session: they measure pages, not Argon2.
            self.headers = _cookies(login)
            return
        page = self.client.get("/accounts/login/", name="login (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": login["email"],
                "password": login["password"],
                "csrfmiddlewaretoken": token,
            },
            name="login (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login failed: HTTP {response.status_code}")
                return
        # Advisors give a second factor: one of the recovery codes bench_data made (each works
        # once, so every simulated login takes its own).
        page = self.client.get("/accounts/tweestapsverificatie/", name="second step (form)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/accounts/tweestapsverificatie/",
            data={"code": login["recovery_codes"].pop(), "csrfmiddlewaretoken": token},
            name="second step (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"second step failed: HTTP {response.status_code}")

    def _login(self) -> dict:
        return LOGINS[next(_next_login) % len(LOGINS)]

    def _get(self, url: str, name: str, marker: bytes) -> None:
        if _redis is not None and not name.startswith("minimal"):
            # A new token, as pagecache.changed() writes it (Django's Redis cache pickles
            # strings); not timed: only the page request is.
            _redis.set(BUMP_KEY, pickle.dumps(secrets.token_hex(8), pickle.HIGHEST_PROTOCOL))
        with self.client.get(url, name=name, headers=self.headers, catch_response=True) as r:
            _expect(r, marker)
            status = r.headers.get("X-Page-Cache") or "none"
            CACHE_COUNTS[name, status] += 1
        if PAGE == "mixed":
            CACHE_COUNTS[ALL_PAGES, status] += 1
            # The same request once more under one name, so that p50/p95/p99 over all pages
            # come from locust itself (its "Aggregated" row also counts the logins).
            self.environment.events.request.fire(**{**r.request_meta, "name": ALL_PAGES})

    def _place(self) -> dict:
        return random.choice(self.places)

    def dashboard(self) -> None:
        self._get(f"/g/{self._place()['slug']}/", "dashboard", b'id="inhoud"')

    def schools(self) -> None:
        self._get(f"/g/{self._place()['slug']}/scholen/", "school list", b"school-results")

    def cycle(self) -> None:
        place = self._place()
        self._get(f"/g/{place['slug']}/cycli/{place['cycle']}/", "cycle page", b"4D")

    def budget(self) -> None:
        self._get(f"/g/{self._place()['slug']}/budget/", "budget overview", b"Budget")

    def portfolio(self) -> None:
        self._get("/portfolio/", "portfolio", b"portfolio-table")

    def minimal(self) -> None:
        self._get("/bench/minimal", "minimal view", b"ok")

    def minimal_session(self) -> None:
        self._get("/bench/minimal", "minimal view (logged in)", b"ok")

    @task
    def browse(self) -> None:
        if PAGE == "mixed":
            random.choice([self.dashboard, self.schools, self.cycle, self.budget, self.portfolio])()
        else:
            getattr(self, PAGE)()
