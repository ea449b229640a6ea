"""Demo 4D cycles for `make run`, as they stand today (30 November 2026; the NPO ended on 31 July
2025): Utrecht's NPO cycle 2023–2025 evaluated and closed (every goal with its result, lessons
learned), Zwolle's 2024–2025 cycle in Evaluatie, Amersfoort's 2022–2025 cycle closed. Utrecht's
next cycle (LEA, funded by GOAB) is started by the close-out seeder through the continuation
service, so its history links are real.

Idempotent: a municipality that already has a cycle is left alone. Schools, partners and
menukaart interventions are taken from what the reference data and the schools app loaded; when
they are missing the cycle is still complete, with participants written out as text.
The history (transitions, updates) has absolute dates, so the timeline reads like real work.
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
    GoalOutcome,
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


Result = GoalOutcome.Result
UTRECHT_OUTCOMES = {
    "Meer leerlingen op 1F begrijpend lezen": (
        Result.PARTLY,
        "Het aandeel leerlingen in groep 8 op 1F begrijpend lezen steeg van 62% (2023) naar "
        "67,5% (eindtoets 2025); het doel van 70% is niet gehaald. De zomerschool en de tutoring "
        "werkten het best op de scholen die ze in het rooster opnamen.",
    ),
    "Schoolmaatschappelijk werk op scholen met hoge schoolweging": (
        Result.PARTLY,
        "Op 19 van de beoogde 20 scholen is er een wekelijks spreekuur; op één school lukte het "
        "niet om een werker te vinden. Scholen melden dat problemen eerder op tafel komen.",
    ),
    "Meer doelgroeppeuters naar voorschoolse educatie": (
        Result.ACHIEVED,
        "Het bereik van doelgroeppeuters steeg van 78% naar 86% (1 juli 2025), boven het doel van "
        "85%. De huisbezoeken van de toeleidingsfunctionaris maakten het verschil.",
    ),
}


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
        phase=Phase.AFGEROND,
        created_by=actor,
        created_at=_at(datetime.date(2023, 6, 12)),
        process_evaluation=(
            "De cyclus liep volgens plan: de gemeentefoto en de analyses van de scholen gaven in "
            "het najaar van 2023 een gedeeld beeld, de duidingssessies leverden drie prioriteiten "
            "op en de uitvoering startte in januari 2024. De tutoring kwam later op gang dan "
            "gepland omdat tutoren moeilijk te vinden waren. De voortgang is elk kwartaal met de "
            "besturen besproken in de LEA."
        ),
        lessons_learned=(
            "Tutoring werkt het best waar de school het in het rooster opneemt, niet als extra "
            "na schooltijd. Toeleiding via de JGZ bereikt gezinnen die we via folders niet "
            "bereikten. Spreek bij de start af wie de resultaten meet en wanneer: de eindtoets "
            "alleen is te laat om bij te sturen."
        ),
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
            (
                "doen",
                "evaluatie",
                datetime.date(2025, 9, 8),
                "Uitvoering afgerond met het einde van het NPO (31 juli 2025).",
            ),
            (
                "evaluatie",
                "afgerond",
                datetime.date(2025, 12, 4),
                "Evaluatie besproken in de LEA; lessen vastgelegd voor de volgende cyclus.",
            ),
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
                    ActivityStatus.DONE,
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
                        (
                            datetime.date(2025, 6, 27),
                            "Afgerond op 11 scholen; eindtoets 2025: 67,5% op 1F.",
                            "67.5",
                            "done",
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
                    ActivityStatus.DONE,
                    datetime.date(2024, 2, 1),
                    datetime.date(2025, 7, 31),
                    [
                        (datetime.date(2024, 6, 28), "Vier werkers aangesteld.", "14", "running"),
                        (datetime.date(2025, 2, 7), "Nu op 17 scholen.", "17", "running"),
                        (datetime.date(2025, 7, 11), "Spreekuur op 19 scholen.", "19", "done"),
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
                    ActivityStatus.DONE,
                    datetime.date(2024, 3, 1),
                    datetime.date(2025, 7, 31),
                    [
                        (
                            datetime.date(2024, 11, 5),
                            "Huisbezoeken bij 120 gezinnen.",
                            "80",
                            "running",
                        ),
                        (
                            datetime.date(2025, 7, 10),
                            "Bereik doelgroeppeuters 86% (peildatum 1 juli 2025).",
                            "86",
                            "done",
                        ),
                    ],
                ),
                (
                    "Voorlichting in moskeeën en buurthuizen",
                    ActivityStatus.DONE,
                    datetime.date(2025, 4, 1),
                    datetime.date(2025, 6, 30),
                    [
                        (datetime.date(2025, 3, 20), "Eerste afspraken gemaakt.", None, "planned"),
                        (
                            datetime.date(2025, 6, 26),
                            "Zes bijeenkomsten, 140 ouders bereikt.",
                            None,
                            "done",
                        ),
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
        result, explanation = UTRECHT_OUTCOMES[title]
        GoalOutcome.objects.create(
            municipality=municipality,
            goal=goal,
            result=result,
            explanation=explanation,
            updated_at=_at(datetime.date(2025, 10, 2)),
        )
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
    _say(
        stdout,
        f"  Utrecht: NPO-cyclus 2023–2025 geëvalueerd en afgerond, 3 doelen met resultaat "
        f"({len(schools)} scholen gekoppeld).\n",
    )


def _goal_with_activity(municipality, cycle, actor, spec, schools, partners) -> Goal:
    """One goal with one finished activity and its updates (Zwolle and Amersfoort)."""
    goal = Goal.objects.create(
        municipality=municipality,
        cycle=cycle,
        title=spec["title"],
        target_group=spec["group"],
        indicator=spec["indicator"],
        baseline=Decimal(spec["baseline"]),
        target_value=Decimal(spec["target"]),
        unit=spec["unit"],
        deadline=datetime.date(2025, 7, 1),
        spending_category=spec["category"],
    )
    goal.schools.set(schools)
    if spec.get("outcome"):
        result, explanation = spec["outcome"]
        GoalOutcome.objects.create(
            municipality=municipality,
            goal=goal,
            result=result,
            explanation=explanation,
            updated_at=_at(spec["outcome_date"]),
        )
    activity = Activity.objects.create(
        municipality=municipality,
        goal=goal,
        title=spec["activity"],
        executing_partner=partners[0] if partners else None,
        start_date=spec["start"],
        end_date=spec["end"],
        status=ActivityStatus.DONE,
    )
    activity.schools.set(schools[:2])
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            municipality=municipality,
            activity=activity,
            date=date,
            narrative=text,
            measured_value=Decimal(value) if value else None,
            status=status,
            author=actor,
            created_at=_at(date),
        )
        for date, text, value, status in spec["updates"]
    )
    return goal


ZWOLLE_GOALS = [
    {
        "title": "Minder thuiszitters in het VO",
        "group": TargetGroup.THUISZITTERS,
        "indicator": "Aantal thuiszitters (leerplicht, peildatum 1 juli)",
        "baseline": "46",
        "target": "30",
        "unit": "leerlingen",
        "category": SpendingCategory.THUISZITTERS,
        "activity": "Maatwerktrajecten met het samenwerkingsverband VO",
        "start": datetime.date(2025, 1, 15),
        "end": datetime.date(2025, 7, 31),
        "updates": [
            (datetime.date(2025, 4, 4), "22 leerlingen in een maatwerktraject.", "39", "running"),
            (datetime.date(2025, 7, 18), "Trajecten afgerond; 33 thuiszitters.", "33", "done"),
        ],
        "outcome": (
            Result.PARTLY,
            "Het aantal thuiszitters daalde van 46 naar 33; het doel van 30 is niet gehaald.",
        ),
        "outcome_date": datetime.date(2025, 10, 14),
    },
    {
        "title": "Zomerschool voor de overstap naar het VO",
        "group": TargetGroup.PO,
        "indicator": "Aantal deelnemers zomerschool groep 8",
        "baseline": "0",
        "target": "150",
        "unit": "leerlingen",
        "category": SpendingCategory.CATCH_UP,
        "activity": "Zomerschool 2025",
        "start": datetime.date(2025, 7, 7),
        "end": datetime.date(2025, 7, 31),
        "updates": [
            (datetime.date(2025, 7, 31), "164 leerlingen deden mee.", "164", "done"),
        ],
        # No outcome yet: the officer still evaluates it (the final accounting warns).
    },
]


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
        phase=Phase.EVALUATIE,
        analyses_waived=True,
        analyses_waiver_reason="Analyses van de scholen liggen al bij het samenwerkingsverband.",
        created_by=actor,
        created_at=_at(datetime.date(2024, 8, 26)),
    )
    _transitions(
        cycle,
        actor,
        [
            ("data", "duiden", datetime.date(2024, 10, 1), "Gemeentefoto gedeeld met de besturen."),
            ("duiden", "doelen", datetime.date(2024, 11, 12), "Thuiszitters en overstap PO-VO."),
            ("doelen", "doen", datetime.date(2025, 1, 20), "Aanpak vastgesteld."),
            ("doen", "evaluatie", datetime.date(2025, 9, 1), "Einde NPO; evaluatie gestart."),
        ],
    )
    session = StakeholderSession.objects.create(
        municipality=municipality,
        cycle=cycle,
        date=datetime.date(2024, 10, 15),
        title="Eerste duidingssessie met VO-scholen en RMC",
        other_participants="" if partners else "RMC-regio IJssel-Vecht, VO-scholen",
        minutes="Het aantal thuiszitters stijgt; schoolverlaters zonder startkwalificatie blijven gelijk.",
        decisions="Thuiszitters krijgen prioriteit; een zomerschool voor de overstap naar het VO.",
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
        priority=Finding.Priority.HIGH,
    )
    finding.sessions.set([session])
    for spec in ZWOLLE_GOALS:
        goal = _goal_with_activity(municipality, cycle, actor, spec, schools, partners)
        goal.findings.set([finding])
    _say(stdout, "  Zwolle: cyclus 2024–2025 in Evaluatie, één doel nog zonder resultaat.\n")


AMERSFOORT_GOALS = [
    {
        "title": "Rekenachterstand groep 5–8 inhalen",
        "group": TargetGroup.PO,
        "indicator": "Aandeel leerlingen groep 8 op 1F rekenen",
        "baseline": "84",
        "target": "90",
        "unit": "%",
        "category": SpendingCategory.CATCH_UP,
        "activity": "Rekentutoring in kleine groepen",
        "start": datetime.date(2022, 1, 10),
        "end": datetime.date(2025, 6, 30),
        "updates": [
            (datetime.date(2023, 7, 7), "Op 12 scholen gestart.", "86", "running"),
            (datetime.date(2025, 6, 27), "Eindtoets 2025: 90,5% op 1F.", "90.5", "done"),
        ],
        "outcome": (
            Result.ACHIEVED,
            "90,5% van de leerlingen in groep 8 haalde 1F rekenen (eindtoets 2025), boven het "
            "doel van 90%.",
        ),
        "outcome_date": datetime.date(2025, 9, 22),
    },
    {
        "title": "Extra begeleiding in de peutergroep",
        "group": TargetGroup.PRESCHOOL,
        "indicator": "Aantal peutergroepen met een extra pedagogisch medewerker",
        "baseline": "0",
        "target": "12",
        "unit": "groepen",
        "category": SpendingCategory.PRESCHOOL,
        "activity": "Extra pedagogisch medewerker in de groep",
        "start": datetime.date(2021, 9, 1),
        "end": datetime.date(2025, 7, 31),
        "updates": [
            (datetime.date(2022, 3, 1), "Zeven groepen.", "7", "running"),
            (datetime.date(2025, 7, 4), "Twaalf groepen tot de zomer van 2025.", "12", "done"),
        ],
        "outcome": (
            Result.ACHIEVED,
            "Twaalf peutergroepen hadden tot juli 2025 een extra pedagogisch medewerker.",
        ),
        "outcome_date": datetime.date(2025, 9, 22),
    },
]


@transaction.atomic
def _seed_amersfoort(municipality: Municipality, stdout) -> None:
    actor = _officer(municipality)
    schools = list(School.objects.for_municipality(municipality).active().order_by("name")[:4])
    partners = list(PartnerOrganisation.objects.for_municipality(municipality).active()[:2])
    cycle = Cycle.objects.create(
        municipality=municipality,
        title="NPO-aanpak Amersfoort 2021–2025",
        start_date=datetime.date(2021, 8, 1),
        end_date=datetime.date(2025, 7, 31),
        phase=Phase.AFGEROND,
        analyses_waived=True,
        analyses_waiver_reason="De scholen deelden hun schoolscans via de besturen in de LEA.",
        created_by=actor,
        created_at=_at(datetime.date(2021, 9, 6)),
        process_evaluation=(
            "Vier jaar NPO met twee sporen: rekenen in het PO en de voorschoolse periode. De "
            "besturen en de kinderopvang waren vanaf het begin aan tafel in de LEA."
        ),
        lessons_learned=(
            "Kleine groepen met een vaste tutor werken; houd ze vast in de reguliere "
            "achterstandenaanpak. Leg bij de start vast welke toets het resultaat meet."
        ),
    )
    _transitions(
        cycle,
        actor,
        [
            ("data", "duiden", datetime.date(2021, 10, 4), "Schoolscans besproken."),
            ("duiden", "doelen", datetime.date(2021, 11, 1), "Rekenen en voorschool."),
            ("doelen", "doen", datetime.date(2021, 12, 13), "Aanpak vastgesteld."),
            ("doen", "evaluatie", datetime.date(2025, 8, 25), "Einde NPO."),
            ("evaluatie", "afgerond", datetime.date(2025, 10, 6), "Evaluatie vastgesteld."),
        ],
    )
    for spec in AMERSFOORT_GOALS:
        _goal_with_activity(municipality, cycle, actor, spec, schools, partners)
    _say(stdout, "  Amersfoort: NPO-aanpak 2021–2025 geëvalueerd en afgerond.\n")


def seed(stdout=None) -> None:
    for cbs_code, builder in (
        ("GM0344", _seed_utrecht),
        ("GM0193", _seed_zwolle),
        ("GM0307", _seed_amersfoort),
    ):
        municipality = Municipality.objects.filter(cbs_code=cbs_code).first()
        if municipality is None or Cycle.objects.for_municipality(municipality).exists():
            continue
        builder(municipality, stdout)
