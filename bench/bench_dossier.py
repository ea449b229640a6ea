"""Benchmark the dossier (reports/dossier.py) of the largest demo municipality, Utrecht.

Two scenarios, each in a fresh Python process (so ``ru_maxrss``, the process's peak resident
memory, belongs to that scenario alone):

* ``base``: Utrecht's archive dossier with the schools' attachments, as the demo has it;
* ``big``: the same with ``--extra-versions`` more copies of every plan and gemeentefoto version
  and ``--extra-files`` attachments of ``--file-mb`` MB of incompressible data each.

Each scenario builds the dossier twice into a temporary file: once timed (seconds, ru_maxrss),
once under tracemalloc (its peak of Python allocations; tracemalloc slows the PDF rendering, so
that run is not timed). The extra rows are made inside a transaction that is rolled back, and
their files are deleted afterwards: the database and MEDIA_ROOT are left as they were.

The ZIP grows with the dossier; the peaks do not: entries are streamed (stored files in 64 KiB
chunks, one PDF at a time), so memory is bounded by the largest single generated document.

Needs a demo database: ``make demo`` (or ``migrate`` + ``load_reference_data`` + ``seed_demo``).
Run: ``DEBUG=true .venv/bin/python bench/bench_dossier.py [--extra-versions 3] [--extra-files 30]``
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npo_platform.settings")

SLUG = "utrecht"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _extra_content(municipality, *, versions: int, files: int, file_mb: int) -> list[str]:
    """Extra versions and attachments; returns the stored names of the files (to delete)."""
    from django.core.files.base import ContentFile

    from analyses.models import AnalysisAttachment, SchoolAnalysis
    from reports.models import ReportJob

    jobs = list(
        ReportJob.objects.for_municipality(municipality)
        .done()
        .filter(kind__in=[ReportJob.Kind.PLAN, ReportJob.Kind.GEMEENTEFOTO])
    )
    for job in jobs:
        for n in range(versions):
            ReportJob.objects.create(
                municipality=municipality,
                cycle=job.cycle,
                kind=job.kind,
                version=1000 + job.version * 100 + n,
                status=ReportJob.Status.DONE,
                snapshot=job.snapshot,
                finished_at=job.finished_at,
            )
    analysis = SchoolAnalysis.objects.for_municipality(municipality).order_by("pk").first()
    size = file_mb * 1024 * 1024
    names = []
    for n in range(files):
        attachment = AnalysisAttachment(
            municipality=municipality,
            analysis=analysis,
            name=f"bench-bijlage-{n}.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=size,
        )
        attachment.file.save("bench.pdf", ContentFile(os.urandom(size)), save=False)
        attachment.save()
        names.append(attachment.file.name)
    return names


def _build(municipality, stream, folder: Path, *, traced: bool) -> dict:
    from reports.dossier import dossier_write

    target = folder / ("traced.zip" if traced else "timed.zip")
    with open(target, "wb") as handle:
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        result = dossier_write(
            handle,
            municipality=municipality,
            stream=stream,
            options={"audience": "archief", "attachments": True},
            made_by="bench",
        )
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if traced else None
        if traced:
            tracemalloc.stop()
    return {
        "seconds": seconds,
        "peak_mb": peak / 1024 / 1024 if peak is not None else None,
        "files": result.files,
        "content_mb": result.content_size / 1024 / 1024,
        "zip_mb": target.stat().st_size / 1024 / 1024,
    }


def scenario(name: str, versions: int, files: int, file_mb: int) -> dict:
    """One scenario in this (fresh) process; prints its figures as JSON."""
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.db import transaction

    from budgets.models import FundingStream
    from municipalities.models import Municipality

    municipality = Municipality.objects.get(slug=SLUG)
    stream = FundingStream.objects.get(code="npo-gemeenten")
    stored: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as folder:
        try:
            with transaction.atomic():
                if name == "big":
                    stored = _extra_content(
                        municipality, versions=versions, files=files, file_mb=file_mb
                    )
                timed = _build(municipality, stream, Path(folder), traced=False)
                rss = _rss_mb()
                traced = _build(municipality, stream, Path(folder), traced=True)
                transaction.set_rollback(True)
        finally:
            for stored_name in stored:
                default_storage.delete(stored_name)
    figures = {**timed, "ru_maxrss_mb": rss, "tracemalloc_peak_mb": traced["peak_mb"]}
    figures.pop("peak_mb")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra-versions", type=int, default=3)
    parser.add_argument("--extra-files", type=int, default=30)
    parser.add_argument("--file-mb", type=int, default=2)
    parser.add_argument("--scenario", choices=["base", "big"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        figures = scenario(args.scenario, args.extra_versions, args.extra_files, args.file_mb)
        print(json.dumps(figures))
        return
    results = {}
    for name in ("base", "big"):
        # MEDIA_ROOT stays the demo's (its letters and attachments are read); the big
        # scenario's extra files are deleted again when it ends.
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--scenario",
                name,
                f"--extra-versions={args.extra_versions}",
                f"--extra-files={args.extra_files}",
                f"--file-mb={args.file_mb}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[name] = json.loads(output.strip().splitlines()[-1])
    print(f"Dossier {SLUG} (archief, met bijlagen), stream npo-gemeenten")
    print(
        f"{'scenario':<8} {'files':>6} {'content MB':>11} {'ZIP MB':>8} {'seconds':>8} "
        f"{'ru_maxrss MB':>13} {'tracemalloc peak MB':>20}"
    )
    for name, f in results.items():
        print(
            f"{name:<8} {f['files']:>6} {f['content_mb']:>11.1f} {f['zip_mb']:>8.1f} "
            f"{f['seconds']:>8.1f} {f['ru_maxrss_mb']:>13.0f} {f['tracemalloc_peak_mb']:>20.1f}"
        )
    base, big = results["base"], results["big"]
    print(
        f"big/base: ZIP x{big['zip_mb'] / base['zip_mb']:.1f}, "
        f"tracemalloc peak x{big['tracemalloc_peak_mb'] / base['tracemalloc_peak_mb']:.2f}, "
        f"ru_maxrss x{big['ru_maxrss_mb'] / base['ru_maxrss_mb']:.2f}"
    )


if __name__ == "__main__":
    main()
