"""Demo content for the load benchmark in many municipalities, built with the apps' own seeders
and services (run inside Django: ``bench_load.py`` calls ``build()``).

On top of ``seed_demo`` (Utrecht, Zwolle, Amersfoort) it fills the municipalities with the most
school locations: a 4D cycle with its phase history, school analyses for most schools, NPO
allocations estimated from DUO pupil counts (the budget seeder's own estimate), spending goals
with planned money, spending, and report jobs. Then it makes ``users`` advisor logins that each
support ``per_user`` of those municipalities, and writes what the simulated users need
(e-mail, slugs, cycle ids) to a JSON file. Idempotent: filled municipalities are skipped.
"""

import datetime
import json
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

BENCH_PASSWORD = "npo-bench-2026"  # noqa: S105 - a throw-away login in a throw-away database
BENCH_TITLE = "4D-cyclus 2023–2025 (benchmark)"
PHASES = ["data", "duiden", "doelen", "doen", "evaluatie"]


def _at(days_ago: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


@transaction.atomic
def _fill(municipality, rng: random.Random, interventions: list) -> None:
    from analyses.demo import _values
    from analyses.models import AnalysisStatus, SchoolAnalysis
    from budgets.demo import _seed_allocations
    from budgets.models import FundingStream
    from budgets.services import spending_goal_save, spending_save
    from core.npo import SpendingCategory
    from cycles.models import PhaseTransition
    from cycles.services import cycle_create
    from reports.models import ReportJob
    from schools.models import School

    npo = FundingStream.objects.get(code="npo-gemeenten")
    cycle = cycle_create(
        municipality=municipality,
        title=BENCH_TITLE,
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
    )
    # Phase history in the past, as the cycle demo does: a varied portfolio of phases and ages.
    target = rng.randint(1, 4)
    days = sorted((rng.randint(5, 400) for _ in range(target)), reverse=True)
    PhaseTransition.objects.bulk_create(
        PhaseTransition(
            municipality=municipality,
            cycle=cycle,
            from_phase=PHASES[i],
            to_phase=PHASES[i + 1],
            direction=PhaseTransition.Direction.FORWARD,
            created_at=_at(days[i]),
        )
        for i in range(target)
    )
    cycle.phase = PHASES[target]
    cycle.phase_changed_at = _at(days[-1])
    cycle.save(update_fields=["phase", "phase_changed_at"])

    schools = list(School.objects.for_municipality(municipality).active().order_by("pk"))
    analyses = []
    for school in schools:
        if rng.random() < 0.2:
            continue
        status = rng.choice(
            [
                AnalysisStatus.SUBMITTED,
                AnalysisStatus.ACCEPTED,
                AnalysisStatus.ACCEPTED,
                AnalysisStatus.RETURNED,
                AnalysisStatus.DRAFT,
            ]
        )
        analyses.append(
            SchoolAnalysis(
                municipality=municipality,
                school=school,
                cycle=cycle,
                status=status,
                submitted_at=None if status == AnalysisStatus.DRAFT else _at(30),
                **_values(rng),
            )
        )
    SchoolAnalysis.objects.bulk_create(analyses)
    through = SchoolAnalysis.interventions.through
    through.objects.bulk_create(
        through(schoolanalysis_id=a.pk, intervention_id=i.pk)
        for a in analyses
        for i in rng.sample(interventions, k=min(3, len(interventions)))
    )

    if not _seed_allocations(municipality, npo, None):
        return
    for index, category in enumerate(rng.sample(list(SpendingCategory), k=3)):
        goal = spending_goal_save(
            municipality=municipality,
            cycle=cycle,
            category=category,
            title=f"Bestedingsdoel {index + 1} ({category.label})",
            planned=[
                (npo, "2023-2024", Decimal(rng.randrange(20, 200) * 1000)),
                (npo, "2024-2025", Decimal(rng.randrange(20, 200) * 1000)),
            ],
        )
        for month in range(rng.randint(2, 8)):
            spending_save(
                municipality=municipality,
                date=datetime.date(2023 + (9 + month) // 12, (9 + month) % 12 + 1, 15),
                amount=Decimal(rng.randrange(5, 60) * 1000),
                stream=npo,
                spending_goal=goal,
                description=f"Factuur {month + 1}",
                reference=f"BENCH-{municipality.cbs_code}-{index}-{month}",
            )
    ReportJob.objects.create(
        municipality=municipality,
        cycle=cycle,
        kind=ReportJob.Kind.GEMEENTEFOTO,
        version=1,
        status=ReportJob.Status.DONE,
        progress=100,
        finished_at=_at(rng.randint(1, 120)),
    )
    if rng.random() < 0.2:
        ReportJob.objects.create(
            municipality=municipality,
            cycle=cycle,
            kind=ReportJob.Kind.PLAN,
            version=1,
            status=ReportJob.Status.FAILED,
            error="Benchmark: mislukt",
            finished_at=_at(2),
        )


def build(*, municipalities: int, users: int, per_user: int, out: Path, stdout=None) -> dict:
    from cycles.models import Cycle
    from municipalities.models import Membership, Municipality, Role, User
    from schools.models import Intervention

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    rng = random.Random(20260101)
    interventions = list(Intervention.objects.order_by("pk"))
    candidates = list(
        Municipality.objects.filter(is_active=True)
        .annotate(n=Count("schools", filter=Q(schools__is_active=True)))
        .order_by("-n", "name")[: municipalities + 3]
    )
    filled = 0
    for municipality in candidates:
        if Cycle.objects.for_municipality(municipality).exists():
            continue  # demo municipalities, or filled by an earlier run
        _fill(municipality, rng, interventions)
        filled += 1
    with_cycle = list(Municipality.objects.filter(cycles__isnull=False).distinct().order_by("name"))
    say(f"Benchmarkdata: {filled} gemeenten gevuld; {len(with_cycle)} gemeenten met een cyclus.")

    cycles = {
        c.municipality_id: c.pk
        for c in Cycle.objects.filter(municipality__in=with_cycle).exclude(phase="afgerond")
    }
    logins = []
    for n in range(users):
        email = f"adviseur{n:02d}@bench.demo"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, BENCH_PASSWORD, display_name=f"Benchmarkadviseur {n}"
        )
        mine = [with_cycle[(n * 3 + k) % len(with_cycle)] for k in range(per_user)]
        for municipality in mine:
            Membership.objects.get_or_create(
                user=user,
                municipality=municipality,
                ended_at=None,
                defaults={"role": Role.ADVISOR},
            )
        logins.append(
            {
                "email": email,
                "password": BENCH_PASSWORD,
                "municipalities": [
                    {"slug": m.slug, "cycle": cycles.get(m.pk)} for m in mine if cycles.get(m.pk)
                ],
            }
        )
    out.write_text(json.dumps(logins, indent=1))
    return {"filled": filled, "with_cycle": len(with_cycle), "users": len(logins)}


def sessions(*, logins: Path, out: Path) -> int:
    """A fresh logged-in session per benchmark user, made the way ``django.contrib.auth.login``
    makes one (in the configured session engine), and the CSRF cookie a browser would hold, so
    the throughput phases measure pages rather than Argon2 password hashing. These sessions have
    given their second factor (no pending mark, see accounts.twofactor). For the mixed phase,
    which logs in through the forms, every advisor gets an authenticator and ten fresh recovery
    codes: each simulated login uses one as its second step."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import recovery_codes_regenerate
    from municipalities.models import User

    session_store = import_module(settings.SESSION_ENGINE).SessionStore

    entries = json.loads(logins.read_text())
    users = {u.email: u for u in User.objects.filter(email__in=[e["email"] for e in entries])}
    for entry in entries:
        user = users[entry["email"]]
        store = session_store()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        entry["session"] = store.session_key
        TOTPDevice.objects.get_or_create(user=user, confirmed=True, defaults={"name": "bench"})
        entry["recovery_codes"] = recovery_codes_regenerate(user=user)
        # A browser holds a CSRF cookie from its first page on (32 letters and digits).
        entry["csrftoken"] = get_random_string(32)
    out.write_text(json.dumps(entries, indent=1))
    return len(entries)


ARCHIVE_TITLE = "Archief (benchmark ×{factor}) {n}"


def _clone(model, rows, **overrides) -> list:
    """Unsaved copies of ``rows`` with ``overrides`` (a value, or a function of the original)."""
    copies = []
    for row in rows:
        values = {
            f.attname: getattr(row, f.attname)
            for f in model._meta.concrete_fields
            if not f.primary_key
        }
        for name, value in overrides.items():
            values[name] = value(row) if callable(value) else value
        copies.append(model(**values))
    return copies


def _clone_m2m(field, pairs) -> None:
    """Copy the many-to-many links of ``field`` from each original to its copy."""
    through = field.remote_field.through
    source = field.m2m_field_name()
    target = field.m2m_reverse_field_name()
    by_original: dict[int, list[int]] = {}
    for link in through.objects.filter(**{f"{source}__in": [o.pk for o, _ in pairs]}):
        by_original.setdefault(getattr(link, f"{source}_id"), []).append(
            getattr(link, f"{target}_id")
        )
    through.objects.bulk_create(
        through(**{f"{source}_id": copy.pk, f"{target}_id": other})
        for original, copy in pairs
        for other in by_original.get(original.pk, [])
    )


def _m2m(model) -> list:
    return [f for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]


@transaction.atomic
def multiply(*, slug: str = "utrecht", factor: int = 10, stdout=None) -> dict:
    """Make a municipality's own content ``factor`` times as large, for the page benchmark's 10×
    run (``bench_pages.py``): its school analyses, goals (with their activities and progress
    updates), spending goals (with planned amounts), commitments, spending and report versions.

    Each row is copied ``factor - 1`` times where it lives: a goal in its own cycle (with copies of
    its activities, and of their updates, so goals, activities and updates all grow ``factor``
    times), a spending goal in its cycle, a commitment or spending on its stream and spending
    goal, a report as newer versions of its kind. A school analysis is one per school and cycle,
    so its copies go into ``factor - 1`` closed archive cycles per cycle (one copy each).
    Idempotent: a municipality that already has the archive cycles is left as it is."""
    from analyses.models import AnalysisNeed, SchoolAnalysis
    from budgets.models import Commitment, PlannedAmount, Spending, SpendingGoal
    from cycles.models import Activity, Cycle, Goal, Phase, ProgressUpdate
    from municipalities.models import Municipality
    from reports.models import ReportJob

    municipality = Municipality.objects.get(slug=slug)
    mine = {"municipality": municipality}
    archive_prefix = ARCHIVE_TITLE.format(factor=factor, n="")
    if Cycle.objects.filter(**mine, title__startswith=archive_prefix).exists():
        return {"multiplied": False}
    extra = range(factor - 1)
    counts = {}

    # Goals, with their activities and those activities' updates, in their own cycle.
    goals = list(Goal.objects.filter(**mine).order_by("pk"))
    activities = list(Activity.objects.filter(**mine).order_by("pk"))
    updates = list(ProgressUpdate.objects.filter(**mine).order_by("pk"))
    for n in extra:
        goal_copies = Goal.objects.bulk_create(
            _clone(Goal, goals, title=lambda g, n=n: f"{g.title} ({n + 2})")
        )
        goal_map = {o.pk: c.pk for o, c in zip(goals, goal_copies, strict=True)}
        for field in _m2m(Goal):
            _clone_m2m(field, list(zip(goals, goal_copies, strict=True)))
        activity_copies = Activity.objects.bulk_create(
            _clone(
                Activity,
                activities,
                goal_id=lambda a, m=goal_map: m[a.goal_id],
                carried_from_id=None,
            )
        )
        activity_map = {o.pk: c.pk for o, c in zip(activities, activity_copies, strict=True)}
        for field in _m2m(Activity):
            _clone_m2m(field, list(zip(activities, activity_copies, strict=True)))
        ProgressUpdate.objects.bulk_create(
            _clone(ProgressUpdate, updates, activity_id=lambda u, m=activity_map: m[u.activity_id])
        )
    counts.update(goals=len(goals), activities=len(activities), updates=len(updates))

    # Spending goals with their planned amounts; commitments and spending.
    spending_goals = list(SpendingGoal.objects.filter(**mine).order_by("pk"))
    planned = list(PlannedAmount.objects.filter(**mine).order_by("pk"))
    for n in extra:
        sg_copies = SpendingGoal.objects.bulk_create(
            _clone(SpendingGoal, spending_goals, title=lambda s, n=n: f"{s.title} ({n + 2})")
        )
        sg_map = {o.pk: c.pk for o, c in zip(spending_goals, sg_copies, strict=True)}
        for field in _m2m(SpendingGoal):
            _clone_m2m(field, list(zip(spending_goals, sg_copies, strict=True)))
        PlannedAmount.objects.bulk_create(
            _clone(
                PlannedAmount, planned, spending_goal_id=lambda p, m=sg_map: m[p.spending_goal_id]
            )
        )
    counts.update(spending_goals=len(spending_goals), planned=len(planned))
    for model in (Commitment, Spending):
        rows = list(model.objects.filter(**mine).order_by("pk"))
        for n in extra:
            model.objects.bulk_create(
                _clone(
                    model,
                    rows,
                    reference=lambda r, n=n: f"{r.reference}-x{n + 2}" if r.reference else "",
                )
            )
        counts[model.__name__.lower()] = len(rows)

    # Report versions: newer versions of each kind (per cycle, or of the municipality).
    jobs = list(ReportJob.objects.filter(**mine).order_by("pk"))
    top = {}
    for job in jobs:
        key = (job.cycle_id, job.kind)
        top[key] = max(top.get(key, 0), job.version)
    copies = []
    for job in jobs:
        step = top[(job.cycle_id, job.kind)]
        for n in extra:
            copies += _clone(
                ReportJob, [job], version=job.version + step * (n + 1), task_id="", lease_owner=""
            )
    ReportJob.objects.bulk_create(copies)
    counts["report_versions"] = len(jobs)

    # School analyses: one per school and cycle, so copies go into closed archive cycles.
    cycles = list(Cycle.objects.filter(**mine).order_by("pk"))
    analyses = 0
    for cycle in cycles:
        originals = list(SchoolAnalysis.objects.filter(cycle=cycle).order_by("pk"))
        needs = list(AnalysisNeed.objects.filter(analysis__cycle=cycle).order_by("pk"))
        analyses += len(originals)
        for n in extra:
            year = 2000 - 3 * (n + 1)  # before every real cycle
            archive = Cycle.objects.create(
                municipality=municipality,
                title=ARCHIVE_TITLE.format(factor=factor, n=f"{cycle.pk}.{n + 2}"),
                start_date=datetime.date(year, 8, 1),
                end_date=datetime.date(year + 2, 7, 31),
                phase=Phase.AFGEROND,
            )
            a_copies = SchoolAnalysis.objects.bulk_create(
                _clone(SchoolAnalysis, originals, cycle_id=archive.pk)
            )
            a_map = {o.pk: c.pk for o, c in zip(originals, a_copies, strict=True)}
            for field in _m2m(SchoolAnalysis):
                _clone_m2m(field, list(zip(originals, a_copies, strict=True)))
            AnalysisNeed.objects.bulk_create(
                _clone(AnalysisNeed, needs, analysis_id=lambda x, m=a_map: m[x.analysis_id])
            )
    counts["analyses"] = analyses
    if stdout is not None:
        stdout.write(f"{municipality.name} ×{factor}: originals {counts}\n")
    return {"multiplied": True, **counts}


def background(*, municipalities: int, skip: str = "utrecht", goals: int = 10, stdout=None) -> dict:
    """Other tenants' rows, for the page bench's ``--background``: ``_fill``'s content (a cycle,
    school analyses, budgets, report jobs) in the ``municipalities`` largest municipalities
    without a cycle (never ``skip``), each cycle with ``goals`` goals of two activities with
    three progress updates each. A production database holds every municipality's rows; a
    database with one municipality's rows only gives PostgreSQL's planner tables so small that
    it scans them whole (see ``bench_pages --background``). Idempotent like ``build``."""
    from cycles.models import Activity, ActivityStatus, Cycle, Goal, ProgressUpdate
    from municipalities.models import Municipality
    from schools.models import Intervention

    rng = random.Random(20261201)
    interventions = list(Intervention.objects.order_by("pk"))
    candidates = list(
        Municipality.objects.filter(is_active=True)
        .exclude(slug=skip)
        .annotate(n=Count("schools", filter=Q(schools__is_active=True)))
        .order_by("-n", "name")[: municipalities + 3]
    )
    filled = 0
    for municipality in candidates:
        if filled >= municipalities:
            break
        if Cycle.objects.for_municipality(municipality).exists():
            continue
        with transaction.atomic():
            _fill(municipality, rng, interventions)
            cycle = Cycle.objects.for_municipality(municipality).get(title=BENCH_TITLE)
            made = Goal.objects.bulk_create(
                Goal(
                    municipality=municipality,
                    cycle=cycle,
                    title=f"Doel {n + 1}",
                    indicator="Aandeel leerlingen op streefniveau",
                    baseline=Decimal(50 + n),
                    target_value=Decimal(60 + n),
                    unit="%",
                    deadline=datetime.date(2025, 7, 1),
                )
                for n in range(goals)
            )
            activities = Activity.objects.bulk_create(
                Activity(municipality=municipality, goal=goal, title=f"Activiteit {k + 1}")
                for goal in made
                for k in range(2)
            )
            ProgressUpdate.objects.bulk_create(
                ProgressUpdate(
                    municipality=municipality,
                    activity=activity,
                    date=datetime.date(2024, 3 * k + 1, 15),
                    narrative="Voortgang volgens plan.",
                    measured_value=Decimal(50 + rng.randint(0, 12)),
                    status=ActivityStatus.RUNNING,
                )
                for activity in activities
                for k in range(3)
            )
        filled += 1
    if stdout is not None:
        stdout.write(f"Achtergrond: {filled} gemeenten gevuld.\n")
    return {"filled": filled}
