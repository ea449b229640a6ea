"""Benchmark the report builds.

1. Amsterdam (GM0363, the largest municipality in the shipped data) with full demo content
   (partners, a cycle with findings, goals, activities and a budget): gemeentefoto and plan,
   built through the real task code in this process. Target: gemeentefoto PDF < 5 s.
2. The request that starts a job (POST /g/amsterdam/rapportages/), with the enqueue replaced by a
   no-op so only the web side is timed. Target: < 100 ms.
3. PDF warm start (issue 23): a trivial one-page WeasyPrint render, and the Amsterdam
   gemeentefoto built first and second in a freshly forked child, as a Celery prefork child is
   made: once from a cold parent without warm-up (as before), once with the worker's warm-up
   (npo_platform.celery: ``worker_init`` in the parent before the fork, ``worker_process_init``
   in the child). Targets: first <= 1.1x second; Amsterdam <= 12x the trivial render. Printed
   with the load average (the machine may be shared).
4. A gemeentefoto for every municipality (342) with two workers. With a broker configured
   (REDIS_URL, and a DATABASE_URL the worker can reach) this is a real Celery worker started as a
   subprocess (``celery worker --concurrency 2``, recycled after 50 tasks); the jobs are requested
   through the service and enqueued on commit, as the web app does. Without a broker it falls
   back to two forked processes running the task's code.

Needs the reference data: ``DEBUG=true python manage.py load_reference_data`` first.
Run: ``DEBUG=true .venv/bin/python bench/bench_reports.py [--skip-all]``. Everything the bench
creates (its users, content and report jobs) is removed again at the end; PDFs go to a temporary
folder.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-reports-"))

BENCH_TAG = "[bench]"


def _setup() -> None:
    import django

    django.setup()
    from npo_platform.celery import app

    app.conf.task_always_eager = True


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def amsterdam_content():
    """Partners, a cycle with findings, goals, activities and a budget for Amsterdam."""
    import datetime
    from decimal import Decimal

    from budgets.models import Allocation, FundingStream, PlannedAmount, SpendingGoal
    from core.npo import Domain, SpendingCategory, TargetGroup
    from cycles.models import Activity, Cycle, Finding, Goal
    from municipalities.models import Municipality
    from schools.models import PartnerOrganisation

    amsterdam = Municipality.objects.get(cbs_code="GM0363")
    Cycle.objects.filter(municipality=amsterdam).exclude(phase="afgerond").update(phase="afgerond")
    cycle = Cycle.objects.create(
        municipality=amsterdam,
        title=f"NPO 2023–2025 {BENCH_TAG}",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
    )
    partners = [
        PartnerOrganisation.objects.create(
            municipality=amsterdam, name=f"{label} Amsterdam {i} {BENCH_TAG}", kind=kind
        )
        for i, (kind, label) in enumerate(PartnerOrganisation.Kind.choices)
    ]
    domains, groups = list(Domain), list(TargetGroup)
    for i in range(8):
        Finding.objects.create(
            municipality=amsterdam,
            cycle=cycle,
            theme=f"Bevinding {i + 1}: vertraging {domains[i % len(domains)].label.lower()}",
            domain=domains[i % len(domains)],
            target_group=groups[i % len(groups)],
            priority=1 + i % 3,
            evidence="Uit de schoolanalyses en de gesprekken met partners blijkt een vertraging.",
        )
    categories = list(SpendingCategory)
    npo = FundingStream.objects.get(code="npo-gemeenten")
    Allocation.objects.create(
        municipality=amsterdam,
        stream=npo,
        period="2023-2024",
        amount=Decimal("9800000.00"),
        reference=f"BS-AMS {BENCH_TAG}",
    )
    for i in range(10):
        goal = Goal.objects.create(
            municipality=amsterdam,
            cycle=cycle,
            title=f"Doel {i + 1}: meer leerlingen op streefniveau",
            indicator="Aandeel leerlingen groep 8 op streefniveau 1F",
            baseline=Decimal(55 + i),
            target_value=Decimal(65 + i),
            unit="%",
            deadline=datetime.date(2025, 7, 1),
            spending_category=categories[i % len(categories)],
        )
        goal.responsible_partners.add(partners[i % len(partners)])
        for j in range(3):
            Activity.objects.create(
                municipality=amsterdam,
                goal=goal,
                title=f"Activiteit {i + 1}.{j + 1}",
                executing_partner=partners[(i + j) % len(partners)],
                start_date=datetime.date(2023, 9 + j, 1),
                end_date=datetime.date(2024 + j % 2, 7, 15),
            )
        spending_goal = SpendingGoal.objects.create(
            municipality=amsterdam,
            cycle=cycle,
            category=categories[i % len(categories)],
            title=f"Bestedingsdoel {i + 1} {BENCH_TAG}",
        )
        PlannedAmount.objects.create(
            municipality=amsterdam,
            spending_goal=spending_goal,
            stream=npo,
            period="2023-2024",
            amount=Decimal("450000.00") + i * 1000,
        )
    return amsterdam, cycle


def cleanup(amsterdam) -> None:
    from budgets.models import Allocation, SpendingGoal
    from cycles.models import Cycle
    from municipalities.models import User
    from reports.models import ReportJob
    from schools.models import PartnerOrganisation

    ReportJob.objects.filter(requested_by__email__endswith="@bench.invalid").delete()
    SpendingGoal.objects.filter(title__endswith=BENCH_TAG).delete()
    Allocation.objects.filter(reference__endswith=BENCH_TAG).delete()
    Cycle.objects.filter(title__endswith=BENCH_TAG).delete()
    PartnerOrganisation.objects.filter(name__endswith=BENCH_TAG).delete()
    User.objects.filter(email__endswith="@bench.invalid").delete()


def timed_build(municipality, cycle, kind, user):
    from reports import services
    from reports.tasks import report_build_task

    job = services.report_request(
        municipality=municipality, kind=kind, user=user, cycle=cycle, enqueue=False
    )
    start = time.perf_counter()
    report_build_task.apply(args=[job.pk])
    seconds = time.perf_counter() - start
    job.refresh_from_db()
    assert job.status == "done", job.error
    return seconds, job


def request_latency(municipality, user, n: int = 30) -> list[float]:
    from django.test import Client

    from reports import services

    original = services.report_enqueue
    services.report_enqueue = lambda *, job_pk: None  # time the web side only
    try:
        client = Client(HTTP_HOST="localhost", secure=True)
        client.force_login(user)
        url = f"/g/{municipality.slug}/rapportages/"
        client.post(url, {"kind": "gemeentefoto"})  # warm-up
        times = []
        for _ in range(n):
            start = time.perf_counter()
            response = client.post(url, {"kind": "gemeentefoto"})
            times.append(time.perf_counter() - start)
            assert response.status_code == 302, response.status_code
        return times
    finally:
        services.report_enqueue = original


# --- The run over all municipalities (worker processes) ---------------------------------------


def _worker_init() -> None:
    _setup()


def _worker_build(args) -> tuple[str, float, int, float]:
    from municipalities.models import Municipality, User

    municipality_pk, user_pk = args
    municipality = Municipality.objects.get(pk=municipality_pk)
    seconds, job = timed_build(municipality, None, "gemeentefoto", User.objects.get(pk=user_pk))
    return municipality.name, seconds, job.pdf_size, _rss_mb()


def run_all(user, workers: int = 2) -> None:
    from django.db import connections

    from municipalities.models import Municipality

    pks = list(Municipality.objects.filter(is_active=True).values_list("pk", flat=True))
    connections.close_all()
    start = time.perf_counter()
    ctx = get_context("fork")
    with ctx.Pool(workers, initializer=_worker_init, maxtasksperchild=50) as pool:
        results = pool.map(_worker_build, [(pk, user.pk) for pk in pks], chunksize=4)
    wall = time.perf_counter() - start
    seconds = [r[1] for r in results]
    sizes = [r[2] for r in results]
    print(f"\nAll {len(results)} municipalities, gemeentefoto, {workers} worker processes:")
    print(f"  wall clock           {wall:7.1f} s ({len(results) / wall:.1f} reports/s)")
    print(
        f"  seconds per report   median {statistics.median(seconds):.2f}, "
        f"p95 {sorted(seconds)[int(len(seconds) * 0.95)]:.2f}, max {max(seconds):.2f}"
    )
    print(
        f"  PDF size             median {statistics.median(sizes) / 1024:.0f} KiB, "
        f"max {max(sizes) / 1024:.0f} KiB"
    )
    print(f"  peak worker memory   {max(r[3] for r in results):.0f} MiB (max RSS of a worker)")
    slowest = max(results, key=lambda r: r[1])
    print(f"  slowest              {slowest[0]} ({slowest[1]:.2f} s)")


def _worker_rss_mb(pids: list[int]) -> float:
    """The largest resident set among the worker's processes, from /proc."""
    biggest = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        biggest = max(biggest, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return biggest


def _process_tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as fh:
                todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return pids


def run_all_celery(user, workers: int = 2) -> None:
    import subprocess

    from django.conf import settings

    from municipalities.models import Municipality
    from npo_platform.celery import app
    from reports import services
    from reports.models import ReportJob

    app.conf.task_always_eager = False
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "npo_platform",
            "worker",
            "--loglevel",
            "WARNING",
            "--concurrency",
            str(workers),
            "--max-tasks-per-child",
            "50",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DEBUG": "true"},
    )
    try:
        time.sleep(5)  # worker start-up (not counted)
        municipalities = list(Municipality.objects.filter(is_active=True).order_by("pk"))
        start = time.perf_counter()
        jobs = [
            services.report_request(municipality=m, kind="gemeentefoto", user=user)
            for m in municipalities
        ]
        pks = [j.pk for j in jobs]
        peak = 0.0
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            peak = max(peak, _worker_rss_mb(_process_tree(worker.pid)))
            open_jobs = ReportJob.objects.filter(pk__in=pks, status__in=["queued", "running"])
            if not open_jobs.exists():
                break
            time.sleep(0.5)
        wall = time.perf_counter() - start
        done = list(ReportJob.objects.filter(pk__in=pks).select_related("municipality"))
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    failed = [j for j in done if j.status != "done"]
    seconds = [(j.finished_at - j.started_at).total_seconds() for j in done if j.status == "done"]
    sizes = [j.pdf_size for j in done if j.status == "done"]
    print(
        f"\nAll {len(done)} municipalities, gemeentefoto, a Celery worker with {workers} processes "
        f"({settings.CELERY_BROKER_URL.split('@')[-1]}):"
    )
    print(f"  wall clock           {wall:7.1f} s ({len(done) / wall:.1f} reports/s)")
    print(f"  failed               {len(failed)}")
    print(
        f"  seconds per report   median {statistics.median(seconds):.2f}, "
        f"p95 {sorted(seconds)[int(len(seconds) * 0.95)]:.2f}, max {max(seconds):.2f}"
    )
    print(
        f"  PDF size             median {statistics.median(sizes) / 1024:.0f} KiB, "
        f"max {max(sizes) / 1024:.0f} KiB"
    )
    print(f"  peak worker memory   {peak:.0f} MiB (largest process of the worker, sampled)")


# --- PDF warm start (a fresh worker child) ------------------------------------------------------


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def trivial_render_seconds(n: int = 7) -> tuple[float, float]:
    """A one-page WeasyPrint render of one paragraph: median wall and CPU seconds of ``n``,
    after one untimed."""
    from weasyprint import HTML

    html = '<!DOCTYPE html><html lang="nl"><title>Een</title><p>Eén pagina.</p></html>'
    HTML(string=html).write_pdf()
    walls, cpus = [], []
    for _ in range(n):
        start, cpu = time.perf_counter(), time.process_time()
        HTML(string=html).write_pdf()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _fresh_child(conn, warm: bool, municipality_pk: int, cycle_pk: int, user_pk: int) -> None:
    """In a forked child: (warm-up seconds, first build wall and CPU seconds, second build wall
    and CPU seconds) through the pipe. CPU time (all threads of the child) says more than wall
    time on a shared machine."""
    try:
        from cycles.models import Cycle
        from municipalities.models import Municipality, User

        warm_seconds = 0.0
        if warm:
            from npo_platform.celery import reports_warm_up_in_child

            start = time.perf_counter()
            reports_warm_up_in_child()
            warm_seconds = time.perf_counter() - start
        municipality = Municipality.objects.get(pk=municipality_pk)
        cycle, user = Cycle.objects.get(pk=cycle_pk), User.objects.get(pk=user_pk)
        times = []
        for _ in range(2):
            cpu = time.process_time()
            wall = timed_build(municipality, cycle, "gemeentefoto", user)[0]
            times += [wall, time.process_time() - cpu]
        conn.send((warm_seconds, *times))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        conn.send(exc)
    finally:
        conn.close()


def fresh_child_builds(municipality, cycle, user, *, warm: bool) -> tuple[float, ...]:
    from django.db import connections

    ctx = get_context("fork")
    parent_end, child_end = ctx.Pipe(duplex=False)
    connections.close_all()  # the child opens its own
    child = ctx.Process(
        target=_fresh_child, args=(child_end, warm, municipality.pk, cycle.pk, user.pk)
    )
    child.start()
    result = parent_end.recv()
    child.join()
    if isinstance(result, BaseException):
        raise result
    return result


def warm_start(amsterdam, cycle, user) -> None:
    """Run before anything else in this process renders a PDF: the cold child must be forked
    from a parent that has not loaded WeasyPrint, like the Celery worker's main process."""
    print(f"\nPDF warm start ({load_average()}):")
    cold = fresh_child_builds(amsterdam, cycle, user, warm=False)
    print(
        f"  fresh child, no warm-up   first {cold[1]:5.2f} s (CPU {cold[2]:5.2f} s), "
        f"second {cold[3]:5.2f} s (CPU {cold[4]:5.2f} s) -> first/second {cold[1] / cold[3]:.2f}x "
        f"(CPU {cold[2] / cold[4]:.2f}x)"
    )
    from npo_platform.celery import reports_warm_up_before_fork

    start = time.perf_counter()
    reports_warm_up_before_fork()  # what the worker's main process does at worker_init
    parent_warm = time.perf_counter() - start
    warm = fresh_child_builds(amsterdam, cycle, user, warm=True)
    print(
        f"  fresh child, warmed       first {warm[1]:5.2f} s (CPU {warm[2]:5.2f} s), "
        f"second {warm[3]:5.2f} s (CPU {warm[4]:5.2f} s) -> first/second {warm[1] / warm[3]:.2f}x "
        f"(CPU {warm[2] / warm[4]:.2f}x; target <= 1.1x)"
    )
    print(
        f"  warm-up                   {parent_warm:5.2f} s in the parent (worker_init), "
        f"{warm[0]:5.2f} s in the child (worker_process_init)"
    )
    trivial, trivial_cpu = trivial_render_seconds()
    print(
        f"  trivial one-page render   {trivial * 1000:6.1f} ms (CPU {trivial_cpu * 1000:5.1f} ms), "
        "median of 7"
    )
    print(
        f"  Amsterdam / trivial       warm second {warm[3] / trivial:5.1f}x "
        f"(CPU {warm[4] / trivial_cpu:5.1f}x), warm first {warm[1] / trivial:5.1f}x "
        f"(CPU {warm[2] / trivial_cpu:5.1f}x); target <= 12x. Cold first {cold[1] / trivial:5.1f}x"
    )
    print(f"  ({load_average()} after)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-all", action="store_true", help="only Amsterdam and the request")
    parser.add_argument(
        "--warm-start-only", action="store_true", help="only the PDF warm start figures"
    )
    options = parser.parse_args()
    _setup()
    from municipalities.models import Membership, Role, User
    from schools.models import School

    if not School.objects.filter(municipality__cbs_code="GM0363").exists():
        sys.exit("No reference data: run `DEBUG=true python manage.py load_reference_data` first.")
    amsterdam, cycle = amsterdam_content()
    user = User.objects.create_user("bench@bench.invalid", None, display_name="Benchmark")
    Membership.objects.create(user=user, municipality=amsterdam, role=Role.POLICY_OFFICER)
    try:
        print(
            f"Amsterdam: {School.objects.filter(municipality=amsterdam).count()} school locations"
        )
        warm_start(amsterdam, cycle, user)  # first: the parent must still be cold
        if options.warm_start_only:
            return
        for kind in ("gemeentefoto", "plan", "gemeentefoto"):
            seconds, job = timed_build(amsterdam, cycle, kind, user)
            print(
                f"  {kind:<13} v{job.version}  {seconds:5.2f} s  PDF {job.pdf_size / 1024:6.0f} KiB"
                f"  peak memory {_rss_mb():.0f} MiB"
            )
        times = request_latency(amsterdam, user)
        print(
            f"  request that starts a job: median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms (n={len(times)})"
        )
        if not options.skip_all:
            from django.conf import settings

            if settings.CELERY_BROKER_URL:
                run_all_celery(user)
            else:
                print(
                    "\nNo broker configured: the run over all municipalities uses two forked processes."
                )
                run_all(user)
    finally:
        cleanup(amsterdam)


if __name__ == "__main__":
    main()
