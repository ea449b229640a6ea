"""Time the full reference-data load into a fresh database.

    .venv/bin/python bench/bench_reference_load.py                 # fresh SQLite file in /tmp
    .venv/bin/python bench/bench_reference_load.py --database-url postgres://postgres@127.0.0.1:5432/npo_bench

Prints the time of the first load, of a forced re-compare and of the hash-skipped no-op, rows
per second and peak memory (ru_maxrss of this process; it includes Django and pandas themselves,
so the import's own share is the difference to the "after setup" figure). The PostgreSQL
database is dropped and re-created.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()

    tmp = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        handle, tmp = tempfile.mkstemp(suffix=".sqlite3")
        os.close(handle)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    created = None
    if connection.vendor == "postgresql":
        from django.test.utils import setup_databases, teardown_databases

        created = setup_databases(verbosity=0, interactive=False)  # a fresh test_<name>
    call_command("migrate", verbosity=0)
    from municipalities.models import Municipality
    from schools.models import Intervention, PupilCount, School, SchoolBoard, SchoolWeight

    setup_mb = peak_mb()
    timings = {}
    for label, options in (
        ("first load", {}),
        ("forced re-compare", {"force": True}),
        ("no-op (hashes match)", {}),
    ):
        start, cpu = time.perf_counter(), time.process_time()
        call_command("load_reference_data", stdout=StringIO(), stderr=StringIO(), **options)
        timings[label] = (time.perf_counter() - start, time.process_time() - cpu)

    rows = {
        "municipalities": Municipality.objects.count(),
        "boards": SchoolBoard.objects.count(),
        "schools": School.objects.count(),
        "pupil counts": PupilCount.objects.count(),
        "school weights": SchoolWeight.objects.count(),
        "interventions": Intervention.objects.count(),
    }
    total = sum(rows.values())
    print(f"database: {connection.vendor}   CPUs: {os.cpu_count()}")
    for name, count in rows.items():
        print(f"  {name:<15} {count:>9,}")
    print(f"  {'total rows':<15} {total:>9,}")
    print(f"load average now: {os.getloadavg()[0]:.1f} (other work on the machine slows wall time)")
    for label, (seconds, cpu) in timings.items():
        print(
            f"{label:<22} {seconds:7.2f} s wall  {cpu:6.2f} s CPU (this process)  "
            f"{total / seconds:>12,.0f} rows/s"
        )
    print(f"peak memory (RSS)      {peak_mb():7.0f} MB   (after Django setup: {setup_mb:.0f} MB)")
    if tmp is not None:
        os.unlink(tmp)
    if created is not None:
        teardown_databases(created, verbosity=0)


if __name__ == "__main__":
    main()
