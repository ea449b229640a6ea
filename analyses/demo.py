"""Demo school analyses for `make run`: most of Utrecht's schools, for two cycles.

* Utrecht's NPO cycle 2023–2025 (closed): the analyses the schools submitted in its Data phase,
  between 21 August and 15 September 2023, and accepted a few days later (absolute dates).
* Utrecht's current cycle (the LEA cycle the close-out seeder starts): this autumn's round, with
  dates relative to the day the demo is made, some still a draft or returned.

Runs after the close-out seeder (it needs Utrecht's current cycle) and after the reference data
(it needs Utrecht's real DUO school locations; without them it says so and does nothing). Values
are drawn from a random generator seeded per vestigingscode and cycle, so every run gives the same
picture. Idempotent: schools that already have an analysis for a cycle are left alone.

Two school users are added so the school side can be tried: one whose analysis in the current
cycle is still a draft, one whose analysis was returned with a comment.
"""

import datetime
import random
from datetime import timedelta
from decimal import Decimal

from auditlog.context import disable_auditlog
from django.db import transaction
from django.utils import timezone

from analyses.models import (
    DOMAIN_FIELDS,
    AnalysisNeed,
    AnalysisRemark,
    AnalysisStatus,
    Delay,
    SchoolAnalysis,
)
from analyses.selectors import menukaart_interventions, open_cycle
from core.npo import NPO_WINDOW_END, SpendingCategory
from cycles.models import Cycle
from municipalities.demo import DEMO_PASSWORD
from municipalities.models import Membership, Municipality, Role, User
from schools.models import School

DEMO_MUNICIPALITY = "GM0344"
SHARE_WITHOUT_ANALYSIS = 0.15  # so the intake overview has schools to remind
# (e-mail, name, description); the school is the n-th active BO school by vestigingscode. The
# first run leaves the first school's analysis in concept and returns the second one's; what they
# are now is read back when the logins are printed (a hint of the first run goes stale on use).
DEMO_SCHOOL_USERS = [
    (
        "directie@school-utrecht.demo",
        "Marieke Jansen",
        "directeur (rol school)",
    ),
    (
        "ib@school-utrecht.demo",
        "Yusuf Demir",
        "intern begeleider (rol school)",
    ),
]

# How likely each delay is per domain (taal and rekenen were hit hardest).
DELAY_WEIGHTS = {
    "taal": (2, 5, 3),
    "rekenen": (2, 4, 4),
    "sociaal_emotioneel": (3, 5, 2),
    "welbevinden": (4, 4, 2),
    "executief": (4, 4, 2),
}
SHARE_RANGES = {Delay.NONE: (0, 5), Delay.SMALL: (10, 35), Delay.LARGE: (30, 65)}
NEED_TEXTS = {
    SpendingCategory.CATCH_UP: "Zomerschool en bijles in kleine groepen voor groep 6 tot en met 8.",
    SpendingCategory.PRESCHOOL: "Extra begeleiding in de peutergroep en betere toeleiding naar VVE.",
    SpendingCategory.YOUTH_CARE: "Schoolmaatschappelijk werk twee dagdelen per week op school.",
    SpendingCategory.COOPERATION: "Vaste contactpersoon bij JGZ en wijkteam voor snelle afstemming.",
    SpendingCategory.THUISZITTERS: "Maatwerktraject voor twee leerlingen die langdurig thuiszitten.",
    SpendingCategory.SUPPORTING: "Tijdelijk extra lokaal voor de bijlesgroepen.",
}
STATUS_WEIGHTS = [
    (AnalysisStatus.ACCEPTED, 5),
    (AnalysisStatus.SUBMITTED, 3),
    (AnalysisStatus.RESUBMITTED, 1),
    (AnalysisStatus.RETURNED, 1),
    (AnalysisStatus.DRAFT, 1),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _values(rng: random.Random) -> dict:
    values = {}
    for domain, delay_name, share_name in DOMAIN_FIELDS:
        delay = rng.choices(list(Delay), weights=DELAY_WEIGHTS[domain.value])[0]
        low, high = SHARE_RANGES[delay]
        values[delay_name] = delay.value
        values[share_name] = rng.randint(low, high)
    return values


def _demo_users(municipality, schools) -> list[tuple[str, str, str, School]]:
    basis = [s for s in schools if s.sector == School.Sector.BO][: len(DEMO_SCHOOL_USERS)]
    logins = []
    for (email, name, description), school in zip(DEMO_SCHOOL_USERS, basis, strict=False):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, display_name=name)
        Membership.objects.get_or_create(
            user=user,
            municipality=municipality,
            ended_at=None,
            defaults={"role": Role.SCHOOL, "school": school},
        )
        logins.append((email, name, description, school))
    return logins


# The Data phase of Utrecht's NPO cycle: when its schools submitted their analyses.
NPO_ROUND_START = datetime.date(2023, 8, 21)
NPO_ROUND_DAYS = 25


def _npo_cycle(municipality):
    return (
        Cycle.objects.for_municipality(municipality)
        .filter(end_date__lte=NPO_WINDOW_END)
        .order_by("-start_date", "-pk")
        .first()
    )


def _at(date: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, 0)))


@transaction.atomic
def seed(stdout=None) -> None:
    municipality = Municipality.objects.filter(cbs_code=DEMO_MUNICIPALITY).first()
    current = open_cycle(municipality=municipality) if municipality else None
    closed = _npo_cycle(municipality) if municipality else None
    if closed is not None and closed.pk == getattr(current, "pk", None):
        closed = None
    if current is None and closed is None:
        _say(stdout, "Schoolanalyses (demo): geen cyclus voor Utrecht, overgeslagen.\n")
        return
    schools = list(
        School.objects.for_municipality(municipality).active().order_by("vestigingscode")
    )
    if not schools:
        _say(
            stdout,
            "Schoolanalyses (demo): Utrecht heeft nog geen scholen (laad eerst de referentiedata).\n",
        )
        return
    officer = (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(role=Role.POLICY_OFFICER)
        .select_related("user")
        .first()
    )
    reviewer = officer.user if officer else None
    if closed is not None:
        _seed_cycle(municipality, closed, schools, {}, reviewer, stdout, historic=True)
    logins = []
    if current is not None:
        logins = _demo_users(municipality, schools)
        special = {school.pk: i for i, (*_rest, school) in enumerate(logins)}
        _seed_cycle(municipality, current, schools, special, reviewer, stdout, historic=False)
    if logins:
        _say(stdout, f"Demologins scholen (wachtwoord: {DEMO_PASSWORD}):\n")
        now = {
            a.school_id: a
            for a in SchoolAnalysis.objects.filter(
                cycle=current, school__in=[s for *_r, s in logins]
            )
        }
        for email, name, description, school in logins:
            analysis = now.get(school.pk)
            state = (
                f"analyse {analysis.get_status_display().lower()}"
                if analysis
                else "nog geen analyse"
            )
            _say(stdout, f"  {email:<28} {name} – {description}, {state}, {school.name}\n")


def _seed_cycle(municipality, cycle, schools, special, reviewer, stdout, *, historic) -> None:
    """The analyses of one cycle. ``historic``: the closed NPO cycle's round of 2023 (every
    submitted analysis accepted, absolute dates); otherwise this autumn's round (relative)."""
    done = set(SchoolAnalysis.objects.filter(cycle=cycle).values_list("school_id", flat=True))
    interventions = list(menukaart_interventions())
    now = timezone.now()
    created = []
    chosen: dict[str, list] = {}
    needs: dict[str, list[str]] = {}
    for school in schools:
        if school.pk in done:
            continue
        seed_text = f"npo-demo-{school.vestigingscode}" + ("-2023" if historic else "")
        rng = random.Random(seed_text)
        if school.pk in special:
            status = AnalysisStatus.DRAFT if special[school.pk] == 0 else AnalysisStatus.RETURNED
        elif rng.random() < SHARE_WITHOUT_ANALYSIS:
            continue
        elif historic:
            status = AnalysisStatus.ACCEPTED
        else:
            status = rng.choices(*zip(*STATUS_WEIGHTS, strict=True))[0]
        submitted = status != AnalysisStatus.DRAFT
        reviewed = status in (AnalysisStatus.ACCEPTED, AnalysisStatus.RETURNED)
        if historic:
            day = NPO_ROUND_START + timedelta(days=rng.randint(0, NPO_ROUND_DAYS))
            submitted_at = _at(day, rng.randint(9, 16))
            reviewed_at = submitted_at + timedelta(days=rng.randint(2, 6))
        else:
            days_ago = rng.randint(3, 60)
            submitted_at = now - timedelta(days=days_ago)
            reviewed_at = now - timedelta(days=days_ago - 2)
        analysis = SchoolAnalysis(
            municipality=municipality,
            school=school,
            cycle=cycle,
            status=status,
            own_budget=Decimal(rng.randrange(20, 400) * 500) if rng.random() < 0.7 else None,
            submitted_at=submitted_at if submitted else None,
            reviewed_at=reviewed_at if reviewed else None,
            reviewed_by=reviewer if reviewed else None,
            review_comment=(
                "Kun je het aandeel leerlingen met een vertraging bij rekenen onderbouwen met de "
                "toetsgegevens van het voorjaar?"
                if status in (AnalysisStatus.RETURNED, AnalysisStatus.RESUBMITTED)
                else ""
            ),
            **_values(rng),
        )
        if status == AnalysisStatus.DRAFT:
            # A draft half filled in: the school user can finish it in the demo.
            for _domain, delay_name, share_name in DOMAIN_FIELDS[2:]:
                setattr(analysis, delay_name, "")
                setattr(analysis, share_name, None)
        created.append(analysis)
        if interventions:
            chosen[school.vestigingscode] = rng.sample(interventions, k=min(3, len(interventions)))
        needs[school.vestigingscode] = rng.sample(list(SpendingCategory), k=rng.randint(1, 3))

    # Demo content, not user actions: kept out of the audit trail like other bulk loads.
    with disable_auditlog():
        SchoolAnalysis.objects.bulk_create(created)
        # The return remark is also the first remark of the analysis's conversation.
        AnalysisRemark.objects.bulk_create(
            AnalysisRemark(
                municipality=municipality,
                analysis=a,
                kind=AnalysisRemark.Kind.RETURN,
                text=a.review_comment,
                author=reviewer,
                written_at=a.reviewed_at or a.submitted_at - timedelta(days=1),
            )
            for a in created
            if a.review_comment
        )
        by_code = {a.school.vestigingscode: a for a in created}
        through = SchoolAnalysis.interventions.through
        through.objects.bulk_create(
            through(schoolanalysis_id=by_code[code].pk, intervention_id=i.pk)
            for code, items in chosen.items()
            for i in items
        )
        AnalysisNeed.objects.bulk_create(
            AnalysisNeed(
                municipality=municipality,
                analysis=by_code[code],
                category=category,
                explanation=NEED_TEXTS[category],
            )
            for code, categories in needs.items()
            for category in categories
        )
    total = SchoolAnalysis.objects.filter(cycle=cycle).count()
    _say(
        stdout,
        f"Schoolanalyses (demo): {len(created)} toegevoegd, {total} voor {cycle} "
        f"({len(schools)} scholen in Utrecht).\n",
    )
