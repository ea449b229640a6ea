"""Time the full reference-data load into a fresh database, against a plain pandas read.

    .venv/bin/python bench/bench_reference_load.py                 # fresh SQLite file in /tmp
    .venv/bin/python bench/bench_reference_load.py --database-url postgres://postgres@127.0.0.1:5432/npo_bench

Prints, all measured in the same run:

- the plain pandas read: ``pd.read_csv`` of every file the load reads (the median of three
  rounds), the yardstick of the targets;
- the first full load (every dataset, every file), a forced re-compare (``--force``: every file
  read and compared again, nothing written) and the hash-skipped no-op, with rows per second;
- the ratio of the first load to the pandas read and PASS/FAIL against the targets of issue 23:
  first load at most 60x the pandas read, forced re-compare under 2 s;
- the load average before and after (other work on the machine slows wall time) and the peak
  memory (ru_maxrss of this process; it includes Django and pandas themselves, so the import's
  own share is the difference to the "after setup" figure).

The PostgreSQL database is a fresh ``test_<name>``, dropped at the end. Exit status 1 when a
target is missed.
"""

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_LOAD_MAX_RATIO = 60
RECOMPARE_MAX_SECONDS = 2.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_average() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def pandas_read_seconds(paths, rounds: int = 3) -> float:
    """A plain ``pd.read_csv`` of each file (separator from its header line), no checks."""
    import pandas as pd

    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for path in paths:
            with open(path, "rb") as handle:
                header = handle.readline()
            sep = ";" if header.count(b";") > header.count(b",") else ","
            pd.read_csv(path, sep=sep, encoding="latin-1")
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    load_before = load_average()

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
    from schools.importers.loader import resolve_paths
    from schools.models import Intervention, PupilCount, School, SchoolBoard, SchoolWeight

    files = sorted(set(resolve_paths().values()))
    pandas_seconds = pandas_read_seconds(files)

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
    pandas_after = pandas_read_seconds(files)

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
    # The yardstick: the mean of the medians before and after the loads, so a burst of other
    # work on the machine during one of them weighs half.
    pandas_seconds = (pandas_seconds + pandas_after) / 2
    print(
        f"plain pandas read of the {len(files)} files: {pandas_seconds * 1000:7.1f} ms "
        f"(median of 3, mean of before and after the loads)"
    )
    for label, (seconds, cpu) in timings.items():
        print(
            f"{label:<22} {seconds:7.2f} s wall  {cpu:6.2f} s CPU (this process)  "
            f"{total / seconds:>12,.0f} rows/s  {seconds / pandas_seconds:7.1f}x pandas read"
        )
    print(f"peak memory (RSS)      {peak_mb():7.0f} MB   (after Django setup: {setup_mb:.0f} MB)")
    first, recompare = timings["first load"][0], timings["forced re-compare"][0]
    ratio = first / pandas_seconds
    checks = [
        (
            f"first load {ratio:.1f}x the pandas read (at most {FIRST_LOAD_MAX_RATIO}x)",
            ratio <= FIRST_LOAD_MAX_RATIO,
        ),
        (
            f"forced re-compare {recompare:.2f} s (under {RECOMPARE_MAX_SECONDS:.0f} s)",
            recompare < RECOMPARE_MAX_SECONDS,
        ),
    ]
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_average()}")
    if tmp is not None:
        os.unlink(tmp)
    if created is not None:
        teardown_databases(created, verbosity=0)
    sys.exit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    main()
