"""Load benchmark: gunicorn + PostgreSQL + Redis on this machine, simulated users with locust.

    .venv/bin/python bench/bench_load.py                      # set up npo_bench_load, then run
    .venv/bin/python bench/bench_load.py --skip-setup         # data already there: run only
    .venv/bin/python bench/bench_load.py --profile portfolio  # pyinstrument a cold render
    # the issue-23 run: 50 users, 30 s warm-up, 5 minutes, page cache off and on
    .venv/bin/python bench/bench_load.py --skip-setup --phases mixed --modes off,on

Set-up (idempotent): migrate, ``collectstatic`` (first: with DEBUG off the pages and the demo's
PDFs look their static files up in its manifest), ``load_reference_data`` (all 342 municipalities
and every school location), ``seed_demo``, then ``bench/bench_data.py`` fills the municipalities
with the most schools (cycle, analyses, budget, reports) and makes the advisor logins the users
browse with.

Page-cache modes (``--modes``, each on a freshly started server, in the order given):
- ``off``: the page cache is off (``PAGE_CACHE_SECONDS=0``): every page is rendered;
- ``bump``: the cache is on, but before every page request the reference-data version is
  retired (as a write of reference data does), so every page is a cold render that is also
  stored: the first view after a change;
- ``on``: the cache as in production; the share of pages served from it is printed.

The run, all on loopback (127.0.0.1) and bounded in time, for each mode:
1. mixed (``--phases mixed``): ``--users`` users log in and browse dashboard, school list, cycle
   page, budget overview and portfolio with 0.5–1.5 s think time; after ``--warmup`` seconds the
   statistics start again and cover the next ``--duration`` seconds: p50/p95/p99 latency and
   errors per page and over all pages;
2. throughput (``--phases throughput``): for each page the same number of users request only that
   page without think time for ``--phase-duration`` seconds: requests/s at saturation, measured
   after the first seconds (logins, warm-up) are over. A minimal Django view on the same server is
   measured once (it has no page cache), with and without the users' cookies.
It prints the figures of the modes next to each other, the load average before and after each
mode, and checks the targets: no errors, p95 < 300 ms in the mixed load in every mode; each page
at least half the logged-in minimal view's throughput with the cache on.

The minimal view is measured twice, both on the same server in the same run: requested by the
same logged-in users as the pages (their session and CSRF cookies), and without any cookie. The
throughput target is checked against the logged-in one: every page of the app requires a login,
so every page pays for the session and the user that Django's authentication loads on each
request, and only a minimal view that pays the same isolates what the page itself costs. The
ratio against the cookie-less minimal view is printed as well (the logged-in minimal view itself
reaches only about 0.45 of it on this machine).
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PAGES = ["dashboard", "schools", "cycle", "budget", "portfolio"]
NAMES = {
    "dashboard": "dashboard",
    "schools": "school list",
    "cycle": "cycle page",
    "budget": "budget overview",
    "portfolio": "portfolio",
    "minimal": "minimal view",
    "minimal_session": "minimal view (logged in)",
}
MODES = {
    "off": "page cache off",
    "bump": "page cache on, cold by a version bump before every request",
    "on": "page cache on",
}
ALL_PAGES = "all pages"  # the locustfile's name for every page request of the mixed phase
P95_TARGET_MS = 300
THROUGHPUT_SHARE = 0.5
WARMUP_SECONDS = 5


def run(cmd: list[str], env: dict, **kwargs) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=ROOT, **kwargs)


def environment(args, var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        MAIL_BACKEND="console",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    )
    return env


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Database {name} created.")


def setup(args, env: dict) -> None:
    ensure_database(args.database_url)
    manage = [str(BIN / "python"), "manage.py"]
    run([*manage, "migrate", "--no-input", "-v", "0"], env)
    # Before anything renders: with DEBUG off, static() looks files up in collectstatic's
    # manifest, and seed_demo renders the demo's PDFs (and bench_data its reports).
    run([*manage, "collectstatic", "--no-input", "-v", "0"], env)
    run([*manage, "load_reference_data"], env)
    run([*manage, "seed_demo", "--force"], env, stdout=subprocess.DEVNULL)
    code = (
        "import django; django.setup(); import sys; from pathlib import Path; "
        "from bench_data import build; "
        f"print(build(municipalities={args.municipalities}, users={args.users}, "
        f"per_user={args.per_user}, out=Path({str(args.logins)!r}), stdout=sys.stdout))"
    )
    run([str(BIN / "python"), "-c", code], env)
    # Statistics for the planner, as autovacuum keeps them in production (it may be off on a
    # test machine): without them PostgreSQL plans the pages' reads on an empty table's guesses.
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def make_sessions(args, env: dict) -> None:
    code = (
        "import django; django.setup(); from pathlib import Path; from bench_data import sessions; "
        f"sessions(logins=Path({str(args.logins)!r}), out=Path({str(args.sessions)!r}))"
    )
    run([str(BIN / "python"), "-c", code], env)


def server_env(env: dict, mode: str) -> dict:
    """The server's environment in a page-cache mode: ``off`` turns the cache off."""
    return {**env, "PAGE_CACHE_SECONDS": "0"} if mode == "off" else dict(env)


def reference_version_key(env: dict) -> str:
    """The Redis key under which the cache keeps the page cache's reference-data version."""
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "from django.conf import settings; from municipalities import pagecache; "
        "print(caches[settings.PAGE_CACHE_ALIAS].make_and_validate_key(pagecache.REFERENCE_KEY))"
    )
    result = subprocess.run(
        [str(BIN / "python"), "-c", code],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1]


def start_server(args, env: dict) -> subprocess.Popen:
    cmd = [
        str(BIN / "gunicorn"),
        "npo_platform.wsgi",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    print("$", " ".join(cmd), flush=True)
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{args.port}/bench/minimal"
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on " + url)


def locust(args, env: dict, page: str, seconds: int, out: Path, mode: str) -> Path:
    prefix = out / f"{mode}_{page}"
    phase_env = {
        **env,
        "BENCH_PAGE": page,
        "BENCH_LOGINS": str(args.sessions),
        "BENCH_CACHE_OUT": f"{prefix}_cache.json",
    }
    if mode == "bump":
        phase_env.update(BENCH_BUMP_KEY=args.bump_key, BENCH_REDIS_URL=args.redis_url)
    mixed = page == "mixed"
    # Mixed: users log in at --login-rate per second (Argon2 is deliberately slow), and the
    # statistics restart once all are spawned and again after the warm-up, so they cover
    # browsing by all users in the measured seconds only.
    rate = args.login_rate if mixed else args.users
    ramp = -(-args.users // rate) + 2 if mixed else 0
    warmup = args.warmup if mixed else 0
    if warmup:
        phase_env["BENCH_WARMUP"] = str(warmup)
    cmd = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(rate),
        "--run-time",
        f"{seconds + ramp + warmup}s",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",
        "5",
    ]
    if mixed:
        cmd.append("--reset-stats")
    print(
        f"-- [{mode}] phase {page}: {args.users} users, {seconds} s"
        + (f" after {ramp} s logging in and {warmup} s warm-up" if mixed else ""),
        flush=True,
    )
    subprocess.run(cmd, env=phase_env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    return prefix


def read_stats(prefix: Path) -> dict[str, dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def cache_hits(prefix: Path) -> dict[str, str]:
    """Per page: the share of responses served from the page cache (X-Page-Cache: hit)."""
    path = Path(f"{prefix}_cache.json")
    if not path.exists():
        return {}
    totals: dict[str, list[int]] = {}
    for name, status, n in json.loads(path.read_text()):
        hit_total = totals.setdefault(name, [0, 0])
        hit_total[1] += n
        if status == "hit":
            hit_total[0] += n
    return {name: f"{100 * hit / total:.0f}%" for name, (hit, total) in totals.items() if total}


def steady_rps(prefix: Path, name: str) -> float:
    """Requests/s after the warm-up seconds: from locust's per-second history of this name."""
    points = []
    with open(f"{prefix}_stats_history.csv", newline="") as f:
        for row in csv.DictReader(f):
            if row["Name"] == name:
                points.append((int(row["Timestamp"]), int(row["Total Request Count"])))
    if len(points) < 2:
        return 0.0
    start = points[0][0] + WARMUP_SECONDS
    steady = [p for p in points if p[0] >= start] or points
    (t0, c0), (t1, c1) = steady[0], steady[-1]
    return (c1 - c0) / (t1 - t0) if t1 > t0 else 0.0


def fmt_row(cols, widths) -> str:
    return "  ".join(
        str(c).rjust(w) if i else str(c).ljust(w)
        for i, (c, w) in enumerate(zip(cols, widths, strict=True))
    )


def profile(args, env: dict, page: str) -> None:
    """Cold renders of ``page`` (page cache off) through the Django test client, profiled with
    pyinstrument: one request first (imports, templates), then ``--profile-requests``."""
    code = f"""
import json, time, django
django.setup()
from django.conf import settings
from django.test import Client
from pyinstrument import Profiler
from municipalities.models import User
assert settings.PAGE_CACHE_SECONDS == 0, "the profile is of a cold render"
login = json.load(open({str(args.logins)!r}))[0]
place = login["municipalities"][0]
urls = {{"dashboard": f"/g/{{place['slug']}}/", "schools": f"/g/{{place['slug']}}/scholen/",
        "cycle": f"/g/{{place['slug']}}/cycli/{{place['cycle']}}/", "budget": f"/g/{{place['slug']}}/budget/",
        "portfolio": "/portfolio/"}}
client = Client(SERVER_NAME="127.0.0.1")
client.force_login(User.objects.get(email=login["email"]))
# As after the second sign-in step (accounts.twofactor): the profile measures the page.
from accounts.twofactor import PENDING_KEY
session = client.session
session.pop(PENDING_KEY, None)
session.save()
assert client.get(urls[{page!r}]).status_code == 200
profiler = Profiler(interval=0.0005)
n = {args.profile_requests}
start = time.perf_counter()
with profiler:
    for _ in range(n):
        response = client.get(urls[{page!r}])
        assert response.status_code == 200 and "X-Page-Cache" not in response
elapsed = time.perf_counter() - start
print(profiler.output_text(unicode=True, color=False, show_all=False))
print(f"{page}: {{n}} cold renders (page cache off), {{1000 * elapsed / n:.0f}} ms each "
      f"under the profiler")
"""
    run([str(BIN / "python"), "-c", code], server_env(env, "off"))


def mixed_table(mode: str, args, prefix: Path, failures: list[str]) -> None:
    stats = read_stats(prefix)
    hits = cache_hits(prefix)
    widths = [18, 8, 8, 8, 8, 8, 8, 8]
    print(
        fmt_row(["page", "req", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cached"], widths)
    )
    total_requests = total_failures = 0
    for name in [*(NAMES[p] for p in PAGES), ALL_PAGES]:
        row = stats.get(name)
        if row is None:
            failures.append(f"[{mode}] {name}: no requests in the mixed phase")
            continue
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        if name != ALL_PAGES:
            total_requests += count
            total_failures += failed
        p95 = float(row["95%"])
        label = name
        print(
            fmt_row(
                [
                    label,
                    count,
                    f"{float(row['Requests/s']):.1f}",
                    row["50%"],
                    row["95%"],
                    row["99%"],
                    f"{100 * failed / count:.2f}%" if count else "-",
                    hits.get(name, "-"),
                ],
                widths,
            )
        )
        if failed and name != ALL_PAGES:
            failures.append(f"[{mode}] {name}: {failed} errors in the mixed phase")
        if p95 >= P95_TARGET_MS:
            failures.append(f"[{mode}] {label}: p95 {p95:.0f} ms ≥ {P95_TARGET_MS} ms (mixed)")
    print(
        f"errors over all pages: {total_failures} of {total_requests} "
        f"({100 * total_failures / max(total_requests, 1):.2f}%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/npo_bench_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="mixed phase, measured seconds")
    parser.add_argument("--warmup", type=int, default=30, help="mixed phase, seconds not counted")
    parser.add_argument("--phase-duration", type=int, default=20, help="per-page phase, seconds")
    parser.add_argument(
        "--phases", default="mixed,throughput", help="comma-separated: mixed, throughput"
    )
    parser.add_argument(
        "--modes", default="off,bump,on", help="page-cache modes, comma-separated: off, bump, on"
    )
    parser.add_argument("--municipalities", type=int, default=24, help="to fill with demo content")
    parser.add_argument("--per-user", type=int, default=8, help="municipalities per advisor")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--login-rate", type=int, default=5, help="logins per second (mixed)")
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--profile", choices=PAGES, help="profile cold renders of a page, stop")
    parser.add_argument("--profile-requests", type=int, default=10)
    args = parser.parse_args()
    phases = [p for p in args.phases.split(",") if p]
    modes = [m for m in args.modes.split(",") if m]
    if set(phases) - {"mixed", "throughput"} or not phases:
        parser.error("--phases: mixed and/or throughput")
    if set(modes) - set(MODES) or not modes:
        parser.error("--modes: off, bump and/or on")
    var_dir = Path(tempfile.gettempdir()) / "npo_bench_load"
    var_dir.mkdir(exist_ok=True)
    args.logins = var_dir / "logins.json"
    args.sessions = var_dir / "sessions.json"
    env = environment(args, var_dir)

    if not args.skip_setup:
        setup(args, env)
    if args.profile:
        profile(args, env, args.profile)
        return

    if "bump" in modes:
        args.bump_key = reference_version_key(env)
    load_start = os.getloadavg()
    if load_start[0] > 1.0:
        print(
            f"WARNING: load average {load_start[0]:.1f} before the run: other processes compete "
            "for the 2 cores and the figures will be lower than on an idle machine."
        )
    out = Path(tempfile.mkdtemp(prefix="npo_bench_"))
    mixed: dict[str, Path] = {}
    throughput: dict[str, dict[str, Path]] = {}
    loads: dict[str, tuple[tuple, tuple]] = {}
    for mode in modes:
        # Fresh sessions and recovery codes for each mode: every simulated login of the mixed
        # phase spends one code of its advisor.
        make_sessions(args, env)
        before = os.getloadavg()
        server = start_server(args, server_env(env, mode))
        try:
            if "mixed" in phases:
                mixed[mode] = locust(args, env, "mixed", args.duration, out, mode)
            if "throughput" in phases:
                references = ["minimal", "minimal_session"] if mode == modes[0] else []
                throughput[mode] = {
                    page: locust(args, env, page, args.phase_duration, out, mode)
                    for page in [*PAGES, *references]
                }
        finally:
            server.terminate()
            server.wait(timeout=30)
        loads[mode] = (before, os.getloadavg())

    failures: list[str] = []
    for mode in modes:
        before, after = loads[mode]
        print()
        print(
            f"[{mode}] {MODES[mode]}: load average (1, 5, 15 min) before "
            + " ".join(f"{x:.2f}" for x in before)
            + ", after "
            + " ".join(f"{x:.2f}" for x in after)
        )
        if mode in mixed:
            print(
                f"Mixed browsing: {args.users} users, {args.duration} s after {args.warmup} s "
                f"warm-up, think time 0.5–1.5 s, {args.workers} gunicorn workers (sync), "
                "PostgreSQL + Redis on 127.0.0.1"
            )
            mixed_table(mode, args, mixed[mode], failures)

    if throughput:
        throughput_table(args, modes, throughput, failures)
    print()
    print(f"CSV files: {out}")
    if failures:
        print("TARGETS MISSED:")
        for failure in failures:
            print("  -", failure)
        sys.exit(1)
    print("All targets met.")
    shutil.rmtree(out, ignore_errors=True)


def throughput_table(args, modes, throughput, failures: list[str]) -> None:
    print()
    print(
        f"Throughput at saturation: {args.users} users, no think time, "
        f"{args.phase_duration} s per page (first {WARMUP_SECONDS} s not counted); "
        "per mode req/s, p95 ms, share cached, ÷ logged-in minimal view"
    )
    first = throughput[modes[0]]
    minimal_rps = steady_rps(first["minimal"], NAMES["minimal"])
    session_rps = steady_rps(first["minimal_session"], NAMES["minimal_session"])
    widths = [18] + [32] * len(modes)
    print(fmt_row(["page", *(f"[{m}] req/s  p95  cached  ÷" for m in modes)], widths))
    for page in PAGES:
        name = NAMES[page]
        cells = [name]
        for mode in modes:
            row = read_stats(throughput[mode][page]).get(name)
            if row is None:
                failures.append(f"[{mode}] {name}: no requests in its throughput phase")
                cells.append("-")
                continue
            rps = steady_rps(throughput[mode][page], name)
            failed = int(row["Failure Count"])
            ratio = rps / session_rps if session_rps else 0.0
            cached = cache_hits(throughput[mode][page]).get(name, "-")
            cells.append(f"{rps:6.1f} {row['95%']:>6} {cached:>6} {ratio:5.2f}")
            if failed:
                failures.append(f"[{mode}] {name}: {failed} errors at saturation")
            if mode == "on" and ratio < THROUGHPUT_SHARE:
                failures.append(
                    f"[on] {name}: {rps:.1f} req/s is {ratio:.2f} of the logged-in minimal "
                    f"view's {session_rps:.1f} (target ≥ {THROUGHPUT_SHARE})"
                )
        print(fmt_row(cells, widths))
    for page in ("minimal_session", "minimal"):
        name = NAMES[page]
        row = read_stats(first[page]).get(name)
        if row is None:
            failures.append(f"{name}: no requests in its throughput phase")
            continue
        failed = int(row["Failure Count"])
        if failed:
            failures.append(f"{name}: {failed} errors at saturation")
        print(
            f"{name}: {steady_rps(first[page], name):.1f} req/s, p50 {row['50%']} ms, "
            f"p95 {row['95%']} ms"
        )
    if minimal_rps and session_rps:
        print(f"logged-in minimal view: {session_rps / minimal_rps:.2f} of the plain one")


if __name__ == "__main__":
    main()
