"""Demo 4D cycles for `make run`: Utrecht in Doen with realistic content, Zwolle in Duiden.

Idempotent: a municipality that already has a cycle is left alone. Schools, partners and
menukaart interventions are taken from what the reference data and the schools app loaded; when
they are missing the cycle is still complete, with participants written out as text.
The history (transitions, updates) is dated in the past so the timeline reads like real work.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.npo import Domain, SpendingCategory, TargetGroup
from cycles.models import (
    Activity,
    ActivityStatus,
    Cycle,
    Finding,
    Goal,
    Phase,
    PhaseTransition,
    ProgressUpdate,
    StakeholderSession,
)
from municipalities.models import Membership, Municipality, Role
from schools.models import Intervention, PartnerOrganisation, School


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _at(date: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(10, 0)))


def _officer(municipality):
    membership = (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(role=Role.POLICY_OFFICER)
        .select_related("user")
        .first()
    ) or (
        Membership.objects.for_municipality(municipality)
        .active()
        .filter(role=Role.ADVISOR)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _transitions(cycle, actor, steps) -> None:
    PhaseTransition.objects.bulk_create(
        PhaseTransition(
            municipality=cycle.municipality,
            cycle=cycle,
            from_phase=src,
            to_phase=dst,
            direction=PhaseTransition.Direction.FORWARD,
            actor=actor,
            created_at=_at(date),
            note=note,
        )
        for src, dst, date, note in steps
    )
    cycle.phase_changed_at = _at(steps[-1][2])
    cycle.save(update_fields=["phase_changed_at"])


def _interventions(*needles: str) -> list[Intervention]:
    found = []
    for needle in needles:
        match = Intervention.objects.filter(name__icontains=needle).order_by("-version").first()
        if match:
            found.append(match)
    return found


@transaction.atomic
def _seed_utrecht(municipality: Municipality, stdout) -> None:
    actor = _officer(municipality)
    schools = list(School.objects.for_municipality(municipality).active().order_by("name")[:6])
    partners = list(PartnerOrganisation.objects.for_municipality(municipality).active()[:5])
    cycle = Cycle.objects.create(
        municipality=municipality,
        title="4D-cyclus 2023–2025: herstel en kansengelijkheid",
        start_date=datetime.date(2023, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.DOEN,
        created_by=actor,
        created_at=_at(datetime.date(2023, 6, 12)),
    )
    _transitions(
        cycle,
        actor,
        [
            (
                "data",
                "duiden",
                datetime.date(2023, 9, 20),
                "Gemeentefoto besproken met de besturen.",
            ),
            ("duiden", "doelen", datetime.date(2023, 11, 2), "Drie prioriteiten vastgesteld."),
            ("doelen", "doen", datetime.date(2024, 1, 15), "Plan vastgesteld door het college."),
        ],
    )
    s1 = StakeholderSession.objects.create(
        municipality=municipality,
        cycle=cycle,
        date=datetime.date(2023, 10, 3),
        title="Duidingssessie PO-besturen en kinderopvang",
        other_participants="" if partners else "Kinderopvang, JGZ, samenwerkingsverband PO",
        minutes=(
            "De gemeentefoto laat zien dat begrijpend lezen in groep 6–8 het sterkst is "
            "achtergebleven, vooral op scholen met een hoge schoolweging in Overvecht en "
            "Kanaleneiland. De JGZ ziet meer kinderen met sociaal-emotionele problemen."
        ),
        decisions="Lezen en welbevinden krijgen prioriteit; voorschool apart uitwerken.",
    )
    s2 = StakeholderSession.objects.create(
        municipality=municipality,
        cycle=cycle,
        date=datetime.date(2023, 10, 24),
        title="Werksessie voorschoolse educatie en toeleiding",
        other_participants="" if partners else "Consultatiebureaus, peuteropvang",
        minutes="Bereik van doelgroeppeuters is gedaald naar 78%; vooral nieuwkomers missen.",
        decisions="Extra toeleidingsfunctionaris via de JGZ.",
    )
    s1.schools.set(schools[:4])
    s1.partners.set(partners[:3])
    s2.partners.set(partners[:2])
    f1 = Finding.objects.create(
        municipality=municipality,
        cycle=cycle,
        theme="Achterstand begrijpend lezen groep 6–8",
        domain=Domain.LANGUAGE,
        target_group=TargetGroup.PO,
        evidence="Aandeel leerlingen groep 8 op 1F lezen daalde van 71% (2019) naar 62% (2023).",
        priority=Finding.Priority.HIGH,
    )
    f2 = Finding.objects.create(
        municipality=municipality,
        cycle=cycle,
        theme="Welbevinden en schoolverzuim",
        domain=Domain.WELLBEING,
        target_group=TargetGroup.PO,
        evidence="Meer meldingen bij schoolmaatschappelijk werk; verzuim groep 7–8 verdubbeld.",
        priority=Finding.Priority.HIGH,
    )
    f3 = Finding.objects.create(
        municipality=municipality,
        cycle=cycle,
        theme="Bereik voorschoolse educatie",
        domain=Domain.LANGUAGE,
        target_group=TargetGroup.PRESCHOOL,
        evidence="Bereik doelgroeppeuters 78% (2023) tegen 86% (2019).",
        priority=Finding.Priority.MEDIUM,
    )
    f1.sessions.set([s1])
    f2.sessions.set([s1])
    f3.sessions.set([s2])

    goals_spec = [
        (
            "Meer leerlingen op 1F begrijpend lezen",
            f1,
            TargetGroup.PO,
            "Aandeel leerlingen groep 8 op 1F lezen",
            "62",
            "70",
            "%",
            SpendingCategory.CATCH_UP,
            ("Zomer", "Een-op-een", "Lees"),
            [
                (
                    "Zomerschool lezen 2024",
                    ActivityStatus.DONE,
                    datetime.date(2024, 7, 22),
                    datetime.date(2024, 8, 16),
                    [
                        (datetime.date(2024, 8, 30), "240 leerlingen deden mee.", "64", "done"),
                    ],
                ),
                (
                    "Tutoring in kleine groepen",
                    ActivityStatus.RUNNING,
                    datetime.date(2024, 9, 1),
                    datetime.date(2025, 6, 30),
                    [
                        (datetime.date(2024, 12, 13), "Gestart op 9 scholen.", None, "running"),
                        (
                            datetime.date(2025, 3, 14),
                            "Midden-toets laat winst zien.",
                            "66.5",
                            "running",
                        ),
                    ],
                ),
            ],
        ),
        (
            "Schoolmaatschappelijk werk op scholen met hoge schoolweging",
            f2,
            TargetGroup.PO,
            "Aantal scholen met wekelijks spreekuur schoolmaatschappelijk werk",
            "8",
            "20",
            "scholen",
            SpendingCategory.YOUTH_CARE,
            ("Sociaal-emotioneel",),
            [
                (
                    "Inzet schoolmaatschappelijk werkers",
                    ActivityStatus.RUNNING,
                    datetime.date(2024, 2, 1),
                    datetime.date(2025, 7, 31),
                    [
                        (datetime.date(2024, 6, 28), "Vier werkers aangesteld.", "14", "running"),
                        (datetime.date(2025, 2, 7), "Nu op 17 scholen.", "17", "running"),
                    ],
                ),
            ],
        ),
        (
            "Meer doelgroeppeuters naar voorschoolse educatie",
            f3,
            TargetGroup.PRESCHOOL,
            "Bereik doelgroeppeuters voorschoolse educatie",
            "78",
            "85",
            "%",
            SpendingCategory.PRESCHOOL,
            ("Voor- en vroegschoolse",),
            [
                (
                    "Toeleidingsfunctionaris bij de JGZ",
                    ActivityStatus.RUNNING,
                    datetime.date(2024, 3, 1),
                    datetime.date(2025, 7, 31),
                    [
                        (
                            datetime.date(2024, 11, 5),
                            "Huisbezoeken bij 120 gezinnen.",
                            "80",
                            "running",
                        ),
                    ],
                ),
                (
                    "Voorlichting in moskeeën en buurthuizen",
                    ActivityStatus.PLANNED,
                    datetime.date(2025, 4, 1),
                    datetime.date(2025, 6, 30),
                    [
                        (datetime.date(2025, 3, 20), "Eerste afspraken gemaakt.", None, "planned"),
                    ],
                ),
            ],
        ),
    ]
    for index, (
        title,
        finding,
        group,
        indicator,
        base,
        target,
        unit,
        category,
        needles,
        acts,
    ) in enumerate(goals_spec):
        goal = Goal.objects.create(
            municipality=municipality,
            cycle=cycle,
            title=title,
            target_group=group,
            indicator=indicator,
            baseline=Decimal(base),
            target_value=Decimal(target),
            unit=unit,
            deadline=datetime.date(2025, 7, 1),
            spending_category=category,
        )
        goal.findings.set([finding])
        goal.interventions.set(_interventions(*needles))
        goal.schools.set(schools[index : index + 3])
        if partners:
            goal.responsible_partners.set(
                partners[index % len(partners) : index % len(partners) + 1]
            )
        for a_title, status, start, end, updates in acts:
            activity = Activity.objects.create(
                municipality=municipality,
                goal=goal,
                title=a_title,
                executing_partner=partners[index % len(partners)] if partners else None,
                start_date=start,
                end_date=end,
                status=status,
            )
            activity.schools.set(schools[index : index + 2])
            ProgressUpdate.objects.bulk_create(
                ProgressUpdate(
                    municipality=municipality,
                    activity=activity,
                    date=date,
                    narrative=text,
                    measured_value=Decimal(value) if value else None,
                    status=u_status,
                    author=actor,
                    created_at=_at(date),
                )
                for date, text, value, u_status in updates
            )
    _say(stdout, f"  Utrecht: cyclus in Doen met 3 doelen ({len(schools)} scholen gekoppeld).\n")


@transaction.atomic
def _seed_zwolle(municipality: Municipality, stdout) -> None:
    actor = _officer(municipality)
    schools = list(School.objects.for_municipality(municipality).active().order_by("name")[:4])
    partners = list(PartnerOrganisation.objects.for_municipality(municipality).active()[:3])
    cycle = Cycle.objects.create(
        municipality=municipality,
        title="4D-cyclus 2024–2025",
        start_date=datetime.date(2024, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.DUIDEN,
        analyses_waived=True,
        analyses_waiver_reason="Analyses van de scholen liggen al bij het samenwerkingsverband.",
        created_by=actor,
        created_at=_at(datetime.date(2024, 8, 26)),
    )
    _transitions(
        cycle,
        actor,
        [("data", "duiden", datetime.date(2024, 10, 1), "Gemeentefoto gedeeld met de besturen.")],
    )
    session = StakeholderSession.objects.create(
        municipality=municipality,
        cycle=cycle,
        date=datetime.date(2024, 10, 15),
        title="Eerste duidingssessie met VO-scholen en RMC",
        other_participants="" if partners else "RMC-regio IJssel-Vecht, VO-scholen",
        minutes="Het aantal thuiszitters stijgt; schoolverlaters zonder startkwalificatie blijven gelijk.",
    )
    session.schools.set(schools)
    session.partners.set(partners)
    finding = Finding.objects.create(
        municipality=municipality,
        cycle=cycle,
        theme="Stijging thuiszitters in het VO",
        domain=Domain.WELLBEING,
        target_group=TargetGroup.THUISZITTERS,
        evidence="Leerplicht telde 46 thuiszitters (2024) tegen 31 (2022).",
        priority=None,  # still to be prioritised: the Duiden gate shows it
    )
    finding.sessions.set([session])
    _say(stdout, "  Zwolle: cyclus in Duiden met een sessie en een bevinding.\n")


def seed(stdout=None) -> None:
    for cbs_code, builder in (("GM0344", _seed_utrecht), ("GM0193", _seed_zwolle)):
        municipality = Municipality.objects.filter(cbs_code=cbs_code).first()
        if municipality is None or Cycle.objects.for_municipality(municipality).exists():
            continue
        builder(municipality, stdout)
