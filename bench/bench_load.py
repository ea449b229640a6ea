"""Load benchmark: gunicorn + PostgreSQL + Redis on this machine, simulated users with locust.

    .venv/bin/python bench/bench_load.py                      # set up npo_bench_load, then run
    .venv/bin/python bench/bench_load.py --skip-setup         # data already there: run only
    .venv/bin/python bench/bench_load.py --profile portfolio  # pyinstrument one request of a page

Set-up (idempotent): migrate, ``load_reference_data`` (all 342 municipalities and every school
location), ``seed_demo``, then ``bench/bench_data.py`` fills the municipalities with the most
schools (cycle, analyses, budget, reports) and makes the advisor logins the users browse with.

The run, all on loopback (127.0.0.1) and bounded in time:
1. mixed: ``--users`` users log in and browse dashboard, school list, cycle page, budget overview
   and portfolio with 0.5–1.5 s think time, for ``--duration`` seconds: latency and errors per page;
2. throughput: for each page, and for a minimal Django view on the same server, the same number of
   users request only that page without think time for ``--phase-duration`` seconds: requests/s
   at saturation, measured after the first seconds (logins, warm-up) are over.
It prints requests/s, p50/p95/p99 latency and error rate per page, and checks the targets
(no errors, p95 < 300 ms, each page ≥ half the minimal view's throughput).

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
    run([*manage, "load_reference_data"], env)
    run([*manage, "seed_demo", "--force"], env, stdout=subprocess.DEVNULL)
    run([*manage, "collectstatic", "--no-input", "-v", "0"], env)
    code = (
        "import django; django.setup(); import sys; from pathlib import Path; "
        "from bench_data import build; "
        f"print(build(municipalities={args.municipalities}, users={args.users}, "
        f"per_user={args.per_user}, out=Path({str(args.logins)!r}), stdout=sys.stdout))"
    )
    run([str(BIN / "python"), "-c", code], env)


def make_sessions(args, env: dict) -> None:
    code = (
        "import django; django.setup(); from pathlib import Path; from bench_data import sessions; "
        f"sessions(logins=Path({str(args.logins)!r}), out=Path({str(args.sessions)!r}))"
    )
    run([str(BIN / "python"), "-c", code], env)


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


def locust(args, env: dict, page: str, seconds: int, out: Path) -> Path:
    prefix = out / page
    phase_env = {
        **env,
        "BENCH_PAGE": page,
        "BENCH_LOGINS": str(args.sessions),
        "BENCH_CACHE_OUT": f"{prefix}_cache.json",
    }
    mixed = page == "mixed"
    # Mixed: users log in at --login-rate per second (Argon2 is deliberately slow), and the
    # statistics restart once all are spawned, so they cover browsing by all users.
    rate = args.login_rate if mixed else args.users
    ramp = -(-args.users // rate) + 2 if mixed else 0
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
        f"{seconds + ramp}s",
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
    print(f"-- phase {page}: {args.users} users, {seconds} s (+{ramp} s logging in)", flush=True)
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
    """One request of ``page`` through the Django test client, profiled with pyinstrument."""
    code = f"""
import json, django
django.setup()
from django.test import Client
from pyinstrument import Profiler
from municipalities.models import User
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
client.get(urls[{page!r}])
profiler = Profiler(interval=0.0005)
with profiler:
    for _ in range(10):
        assert client.get(urls[{page!r}]).status_code == 200
print(profiler.output_text(unicode=True, color=False, show_all=False))
"""
    run([str(BIN / "python"), "-c", code], env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/npo_bench_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="mixed phase, seconds")
    parser.add_argument("--phase-duration", type=int, default=20, help="per-page phase, seconds")
    parser.add_argument("--municipalities", type=int, default=24, help="to fill with demo content")
    parser.add_argument("--per-user", type=int, default=8, help="municipalities per advisor")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--login-rate", type=int, default=5, help="logins per second (mixed)")
    parser.add_argument("--skip-setup", action="store_true")
    parser.add_argument("--profile", choices=PAGES, help="profile one page and stop")
    args = parser.parse_args()
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

    make_sessions(args, env)
    load_before = os.getloadavg()[0]
    if load_before > 1.0:
        print(
            f"WARNING: load average {load_before:.1f} before the run: other processes compete "
            "for the 2 cores and the figures will be lower than on an idle machine."
        )
    out = Path(tempfile.mkdtemp(prefix="npo_bench_"))
    server = start_server(args, env)
    try:
        mixed = locust(args, env, "mixed", args.duration, out)
        phases = {
            page: locust(args, env, page, args.phase_duration, out)
            for page in [*PAGES, "minimal", "minimal_session"]
        }
    finally:
        server.terminate()
        server.wait(timeout=30)

    stats = read_stats(mixed)
    print()
    print(
        f"Mixed browsing: {args.users} users, {args.duration} s, think time 0.5–1.5 s, "
        f"{args.workers} gunicorn workers (sync), PostgreSQL + Redis on 127.0.0.1"
    )
    widths = [18, 8, 8, 8, 8, 8, 8, 8]
    hits = cache_hits(mixed)
    print(
        fmt_row(["page", "req", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "cached"], widths)
    )
    failures = []
    total_requests = total_failures = 0
    for name in [NAMES[p] for p in PAGES]:
        row = stats.get(name)
        if row is None:
            failures.append(f"{name}: no requests in the mixed phase")
            continue
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        total_requests += count
        total_failures += failed
        p95 = float(row["95%"])
        print(
            fmt_row(
                [
                    name,
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
        if failed:
            failures.append(f"{name}: {failed} errors")
        if name in NAMES.values() and p95 >= P95_TARGET_MS:
            failures.append(f"{name}: p95 {p95:.0f} ms ≥ {P95_TARGET_MS} ms")
    print(f"error rate overall: {100 * total_failures / max(total_requests, 1):.2f}%")

    print()
    print(
        f"Throughput at saturation: {args.users} users, no think time, "
        f"{args.phase_duration} s per page (first {WARMUP_SECONDS} s not counted)"
    )
    widths = [24, 8, 8, 8, 8, 8, 8, 12, 8]
    print(
        fmt_row(
            [
                "page",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "cached",
                "÷ logged-in",
                "÷ plain",
            ],
            widths,
        )
    )
    print("(cached: share of responses served from the page cache; ÷ logged-in: against the")
    print(" minimal view requested by the same logged-in users, the target; ÷ plain: against")
    print(" the minimal view without cookies, for information)")
    minimal_rps = steady_rps(phases["minimal"], NAMES["minimal"])
    session_rps = steady_rps(phases["minimal_session"], NAMES["minimal_session"])
    for page in [*PAGES, "minimal_session", "minimal"]:
        name = NAMES[page]
        row = read_stats(phases[page]).get(name)
        if row is None:
            failures.append(f"{name}: no requests in its throughput phase")
            continue
        rps = steady_rps(phases[page], name)
        count, failed = int(row["Request Count"]), int(row["Failure Count"])
        ratio = rps / session_rps if session_rps else 0.0
        plain_ratio = rps / minimal_rps if minimal_rps else 0.0
        print(
            fmt_row(
                [
                    name,
                    f"{rps:.1f}",
                    row["50%"],
                    row["95%"],
                    row["99%"],
                    f"{100 * failed / max(count, 1):.2f}%",
                    cache_hits(phases[page]).get(name, "-"),
                    f"{ratio:.2f}",
                    f"{plain_ratio:.2f}",
                ],
                widths,
            )
        )
        if failed:
            failures.append(f"{name}: {failed} errors at saturation")
        if page in PAGES and ratio < THROUGHPUT_SHARE:
            failures.append(
                f"{name}: {rps:.1f} req/s is {ratio:.2f} of the logged-in minimal view's "
                f"{session_rps:.1f} (target ≥ {THROUGHPUT_SHARE})"
            )
    if minimal_rps and session_rps:
        print(f"logged-in minimal view: {session_rps / minimal_rps:.2f} of the plain one")
        lowest = min((steady_rps(phases[p], NAMES[p]) for p in PAGES), default=0.0)
        print(
            f"slowest page: {lowest / session_rps:.2f} of the logged-in minimal view, "
            f"{lowest / minimal_rps:.2f} of the plain one"
        )
    load = os.getloadavg()
    print(f"load average before the run {load_before:.1f}, after {load[0]:.1f} (1 min)")
    print()
    print(f"CSV files: {out}")
    if failures:
        print("TARGETS MISSED:")
        for failure in failures:
            print("  -", failure)
        sys.exit(1)
    print("All targets met.")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
