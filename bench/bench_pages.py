"""Page benchmark: the heavy read pages rendered cold (page cache off), in-process on PostgreSQL,
against a logged-in minimal view through the same middleware, at 1× and 10× Utrecht's data.

    .venv/bin/python bench/bench_pages.py                    # set up, then measure 1× and 10×
    .venv/bin/python bench/bench_pages.py --skip-setup       # databases already there: measure
    .venv/bin/python bench/bench_pages.py --skip-setup --profile doen --scale 10
                                                             # pyinstrument one cold render

Set-up (idempotent): database ``npo_bench_pages`` (``--database-url``): migrate,
``load_reference_data``, ``collectstatic`` (into ``BENCH_VAR_DIR``), ``seed_demo`` (Utrecht, Zwolle, Amersfoort with their reports). Then
``npo_bench_pages_10x``, made once as a copy of it (``CREATE DATABASE … TEMPLATE``; ``--fresh``
drops both first), migrated, and grown by ``bench_data.multiply``: 10× Utrecht's school analyses,
goals, activities, progress updates, spending goals, commitments, spending and report versions.
Both are then ``ANALYZE``d, as autovacuum keeps a production database.

``--background N`` (with another ``--database-url``: the set-up of an existing database is not
redone) also fills N other municipalities in both databases before the copy
(``bench_data.background``: a cycle of ten goals with activities and progress updates, school
analyses, budgets, report jobs). The standard databases hold the demo's three municipalities, so
the tenant tables are nearly Utrecht's alone: PostgreSQL then scans them whole (a hash join over
every progress update for each goal's progress subquery), where a production database with every
municipality's rows gets index lookups. Utrecht's own rows are the same either way.

The measuring process logs in with
``django.test.Client.force_login`` (a session that has given its second factor, as after the
second step: the two-factor middleware checks it and lets it through) and requests every page
and the minimal view of ``bench_urls`` (a constant response through the full middleware stack)
in interleaved rounds, so a change in the machine's load hits all pages alike. It prints per
page the median time, the ratio to the minimal view of the same user, and the query count; then
the growth 10×/1× per page and the targets: each page at most 8× the minimal view, growth at most
1.3×. The load average is printed with each scale: the machine may be shared, and the ratios
are less sensitive to that than the times.

The pages: dashboard, school list, the cycle page and its Data, Duiden, Doelen and Doen tabs (for
Utrecht's open cycle and for its completed NPO cycle, which holds the most goals, activities and
updates), budget overview and school analyses list as Utrecht's policy officer; the portfolio as
the demo advisor (Utrecht, Zwolle and Amersfoort).
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/npo_bench_pages"
SLUG = "utrecht"
OFFICER = "beleid@utrecht.demo"
ADVISOR = "adviseur@npo-advies.demo"
FACTOR = 10
RATIO_TARGET = 8.0
GROWTH_TARGET = 1.3


def environment(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="false",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        VAR_DIR=os.environ.get(
            "BENCH_VAR_DIR", str(Path(tempfile.gettempdir()) / "npo_bench_pages_var")
        ),
        MAIL_BACKEND="console",
        LOG_LEVEL="WARNING",
        PAGE_CACHE_SECONDS="0",  # the page cache off: every view is a first view
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    )
    Path(env["VAR_DIR"]).mkdir(parents=True, exist_ok=True)
    return env


def run(cmd: list[str], env: dict, **kwargs) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def _admin(url: str):
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _exists(conn, name: str) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def setup(url: str, url_10x: str, *, fresh: bool, background: int = 0) -> None:
    name, name_10x = url.rsplit("/", 1)[1], url_10x.rsplit("/", 1)[1]
    with _admin(url) as conn:
        if fresh:
            for db in (name_10x, name):
                conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        if not _exists(conn, name):
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Database {name} created.")
    env = environment(url)
    manage = [str(BIN / "python"), "manage.py"]
    run([*manage, "migrate", "--no-input", "-v", "0"], env)
    run([*manage, "load_reference_data"], env, stdout=subprocess.DEVNULL)
    # Static files before the demo: its reports' PDFs link the manifest's names (DEBUG off).
    run([*manage, "collectstatic", "--no-input", "-v", "0"], env)
    run([*manage, "seed_demo", "--force"], env, stdout=subprocess.DEVNULL)
    if background:
        # Other tenants' rows, in both databases (before the 10x copy): see --background.
        code = (
            "import django, sys; django.setup(); from bench_data import background; "
            f"print(background(municipalities={background}, skip={SLUG!r}, stdout=sys.stdout))"
        )
        run([str(BIN / "python"), "-c", code], env)
    with _admin(url) as conn:
        if not _exists(conn, name_10x):
            # A copy of the 1× database (nobody may be connected to it meanwhile).
            conn.execute(f'CREATE DATABASE "{name_10x}" TEMPLATE "{name}"')
            print(f"Database {name_10x} created from {name}.")
    env = environment(url_10x)
    run([*manage, "migrate", "--no-input", "-v", "0"], env)
    code = (
        "import django, sys; django.setup(); from bench_data import multiply; "
        f"print(multiply(slug={SLUG!r}, factor={FACTOR}, stdout=sys.stdout))"
    )
    run([str(BIN / "python"), "-c", code], env)
    # Statistics for the planner, as autovacuum keeps them in production (it may be off on a
    # test machine): without them PostgreSQL plans the pages' reads on an empty table's guesses.
    for db_url in (url, url_10x):
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("ANALYZE")
    print("Both databases analysed.")


# --- Measuring (inside Django, one process per database) -----------------------------------------


def pages() -> tuple[dict[str, tuple[str, str]], dict]:
    """name -> (login, url), and what was measured (for the header)."""
    from cycles.models import Cycle
    from municipalities.models import Municipality

    municipality = Municipality.objects.get(slug=SLUG)
    cycles = Cycle.objects.for_municipality(municipality)
    current = cycles.open().order_by("pk").first()
    npo = (
        cycles.filter(phase="afgerond")
        .exclude(title__startswith="Archief (benchmark")
        .order_by("start_date", "pk")
        .first()
    )
    base = f"/g/{SLUG}/"
    result = {
        "minimal": (OFFICER, "/bench/minimal"),
        "dashboard": (OFFICER, base),
        "school list": (OFFICER, base + "scholen/"),
    }
    for label, cycle in (("open", current), ("NPO", npo)):
        if cycle is None:
            continue
        result[f"cycle {label}"] = (OFFICER, f"{base}cycli/{cycle.pk}/")
        for tab in ("data", "duiden", "doelen", "doen"):
            result[f"{tab} tab {label}"] = (OFFICER, f"{base}cycli/{cycle.pk}/{tab}/")
    result["budget overview"] = (OFFICER, base + "budget/")
    result["school analyses"] = (OFFICER, base + "schoolanalyses/")
    result["minimal (advisor)"] = (ADVISOR, "/bench/minimal")
    result["portfolio"] = (ADVISOR, "/portfolio/")
    about = {
        "open cycle": current and f"{current.pk} {current.title} ({current.phase})",
        "NPO cycle": npo and f"{npo.pk} {npo.title} ({npo.phase})",
    }
    return result, about


def counts() -> dict[str, int]:
    from analyses.models import SchoolAnalysis
    from budgets.models import Commitment, Spending, SpendingGoal
    from cycles.models import Activity, Goal, ProgressUpdate
    from municipalities.models import Municipality
    from reports.models import ReportJob

    municipality = Municipality.objects.get(slug=SLUG)
    models = [SchoolAnalysis, Goal, Activity, ProgressUpdate, SpendingGoal, Commitment, Spending]
    out = {m.__name__: m.objects.filter(municipality=municipality).count() for m in models}
    out["ReportJob"] = ReportJob.objects.filter(municipality=municipality).count()
    return out


def clients() -> dict:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.twofactor import PENDING_KEY, totp_device
    from municipalities.models import User

    result = {}
    for email in (OFFICER, ADVISOR):
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        # As after the second step (accounts.twofactor.session_mark_verified): no pending mark,
        # the authenticator app's device in the session.
        session = client.session
        session.pop(PENDING_KEY, None)
        device = totp_device(user)
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        result[email] = client
    return result


def get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code} (expected 200)")
    if response.get("X-Page-Cache") == "hit":
        raise SystemExit(f"{url}: served from the page cache; the benchmark needs it off")
    return response


_wrappers: dict = {}


def use_database(name: str) -> None:
    """Make the default connection one to another database of the same server, keeping each
    database's connection open between switches. A production worker keeps its connection
    (``CONN_MAX_AGE``), so its PostgreSQL backend has loaded the catalog of every table the
    pages read; a fresh backend pays that again on its first query of each table (about 9 ms
    on the dashboard, the first page of a round), which is the connection's cost, not the page's.
    """
    from django.db import connections

    current = connections["default"]
    _wrappers.setdefault(current.settings_dict["NAME"], current)
    if name not in _wrappers:
        wrapper = connections.create_connection("default")
        wrapper.settings_dict = {**wrapper.settings_dict, "NAME": name}
        _wrappers[name] = wrapper
    connections["default"] = _wrappers[name]


def measure(rounds: int, only: list[str] | None, databases: dict[str, str]) -> dict:
    """Both scales in one process, their rounds interleaved (a round of 1×, a round of 10×, …),
    so a change in the machine's load during the run hits both scales alike."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if settings.PAGE_CACHE_SECONDS:
        raise SystemExit("PAGE_CACHE_SECONDS must be 0 for this benchmark")
    state = {}
    for scale, name in databases.items():
        use_database(name)
        targets, about = pages()
        if only:
            targets = {k: v for k, v in targets.items() if k.startswith("minimal") or k in only}
        logged_in = clients()
        queries = {}
        for page, (email, url) in targets.items():
            for _ in range(2):  # warm up: imports, template loading, connection
                get(logged_in[email], url)
            with CaptureQueriesContext(connection) as captured:
                get(logged_in[email], url)
            queries[page] = len(captured)
        state[scale] = {
            "targets": targets,
            "clients": logged_in,
            "about": about,
            "rows": counts(),
            "queries": queries,
            "times": {page: [] for page in targets},
            "load": [os.getloadavg()],
        }
    for _ in range(rounds):
        for scale, name in databases.items():
            use_database(name)
            s = state[scale]
            get(s["clients"][OFFICER], "/bench/minimal")  # not timed
            for page, (email, url) in s["targets"].items():
                start = time.perf_counter()
                get(s["clients"][email], url)
                s["times"][page].append(time.perf_counter() - start)
    results = {}
    for scale, s in state.items():
        results[scale] = {
            "about": s["about"],
            "rows": s["rows"],
            "load": [s["load"][0], os.getloadavg()],
            "pages": {
                page: {
                    "login": email,
                    "url": url,
                    "median_ms": 1000 * statistics.median(s["times"][page]),
                    "queries": s["queries"][page],
                }
                for page, (email, url) in s["targets"].items()
            },
        }
    return results


def profile(page: str) -> None:
    from pyinstrument import Profiler

    targets, _about = pages()
    if page not in targets:
        raise SystemExit(f"unknown page {page!r}; one of: {', '.join(targets)}")
    email, url = targets[page]
    client = clients()[email]
    for _ in range(2):
        get(client, url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(5):
            get(client, url)
    print(f"-- {page} ({url}), five cold renders")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def ratio(page: dict, result: dict) -> float:
    minimal = "minimal (advisor)" if page["login"] == ADVISOR else "minimal"
    return page["median_ms"] / result["pages"][minimal]["median_ms"]


def report(results: dict[int, dict]) -> bool:
    ok = True
    for scale, result in results.items():
        before, after = result["load"]
        print(f"\n== {scale}× Utrecht's data ==")
        print("rows:", ", ".join(f"{k} {v}" for k, v in result["rows"].items()))
        for key, value in result["about"].items():
            print(f"{key}: {value}")
        print(
            f"load average before {before[0]:.2f} {before[1]:.2f} {before[2]:.2f}, "
            f"after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}"
        )
        print(f"{'page':<22}{'median ms':>10}{'× minimal':>11}{'queries':>9}")
        for name, page in result["pages"].items():
            r = ratio(page, result)
            mark = ""
            if not name.startswith("minimal"):
                mark = "ok" if r <= RATIO_TARGET else f"FAIL (> {RATIO_TARGET:g}×)"
                ok &= r <= RATIO_TARGET
            print(f"{name:<22}{page['median_ms']:>10.1f}{r:>10.1f}×{page['queries']:>9}  {mark}")
    if 1 in results and FACTOR in results:
        low, high = results[1]["pages"], results[FACTOR]["pages"]
        print(f"\n== growth {FACTOR}×/1× (time; and ratio to the minimal view) ==")
        print(f"{'page':<22}{'time':>8}{'ratio':>8}{'queries':>12}")
        for name in low:
            if name.startswith("minimal") or name not in high:
                continue
            growth = high[name]["median_ms"] / low[name]["median_ms"]
            r_growth = ratio(high[name], results[FACTOR]) / ratio(low[name], results[1])
            passed = growth <= GROWTH_TARGET
            ok &= passed
            q = f"{low[name]['queries']}→{high[name]['queries']}"
            mark = "ok" if passed else f"FAIL (> {GROWTH_TARGET:g}×)"
            print(f"{name:<22}{growth:>7.2f}×{r_growth:>7.2f}×{q:>12}  {mark}")
    print(
        f"\nTargets: each page ≤ {RATIO_TARGET:g}× the logged-in minimal view, growth "
        f"{FACTOR}×/1× ≤ {GROWTH_TARGET:g}×: {'all met' if ok else 'NOT all met'}."
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--skip-setup", action="store_true", help="use the databases as they are")
    parser.add_argument("--fresh", action="store_true", help="drop both databases and set up anew")
    parser.add_argument(
        "--background",
        type=int,
        default=0,
        metavar="N",
        help=(
            "set-up only: also fill N other municipalities (a cycle of ten goals with activities "
            "and progress updates, analyses, budgets) in both databases, as a production database "
            "holds every tenant's rows; use another --database-url for it"
        ),
    )
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page")
    parser.add_argument("--scale", type=int, choices=[1, FACTOR], action="append")
    parser.add_argument("--pages", nargs="*", help="only these pages (names as printed)")
    parser.add_argument("--profile", metavar="PAGE", help="pyinstrument five cold renders")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    url = args.database_url
    databases = {1: url.rsplit("/", 1)[1], FACTOR: f"{url.rsplit('/', 1)[1]}_{FACTOR}x"}
    if args.inside:  # the measuring process: Django is set up from the environment
        import django

        django.setup()
        scales = args.scale or [1, FACTOR]
        if args.profile:
            use_database(databases[scales[0]])
            profile(args.profile)
        else:
            chosen = {scale: databases[scale] for scale in scales}
            print(json.dumps(measure(args.rounds, args.pages, chosen)))
        return

    if not args.skip_setup:
        setup(url, f"{url}_{FACTOR}x", fresh=args.fresh, background=args.background)
    cmd = [str(BIN / "python"), __file__, "--inside", "--rounds", str(args.rounds)]
    cmd += ["--database-url", url]
    for scale in args.scale or []:
        cmd += ["--scale", str(scale)]
    if args.profile:
        cmd += ["--profile", args.profile]
    if args.pages:
        cmd += ["--pages", *args.pages]
    print(f"-- measuring {', '.join(databases.values())}", flush=True)
    done = subprocess.run(
        cmd, env=environment(url), cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True
    )
    if args.profile:
        print(done.stdout)
        return
    results = {int(k): v for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}
    ok = report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
