"""Streams that continue after the NPO (DOMAIN.md, "Closing the NPO, and what continues").

* Funding streams get an official reference and a mark for window dates no official source
  confirms; spending goals may use every stream's own categories (choices only: no row changes).
* The ``oab`` stream serves GOAB/OAB: clearer name, and no end date. GOAB is still paid as a
  specific grant in 2026 and its move into the municipal fund needs a law change, 2027 at the
  earliest (goab.eu), so the seeded 31 December 2026 was an end nobody announced.
* School en Omgeving is added with its reference (Stcrt 2023-18849).

Only values still as seeded change: what staff set in the admin stays theirs. The values are
written here, not imported, so this migration keeps meaning the same whatever budgets.streams
becomes.
"""

import datetime

from django.db import migrations, models

OAB_OLD = {
    "name": "Onderwijsachterstandenbeleid (OAB)",
    "description": (
        "Specifieke uitkering onderwijsachterstandenbeleid (voor- en vroegschoolse educatie en meer)."
    ),
    "window_end": datetime.date(2026, 12, 31),
}
OAB_NEW = {
    "name": "Gemeentelijk onderwijsachterstandenbeleid (GOAB/OAB)",
    "description": (
        "Specifieke uitkering gemeentelijk onderwijsachterstandenbeleid: voorschoolse "
        "educatie, afspraken met schoolbesturen over vroegschoolse educatie, activiteiten voor "
        "leerlingen zoals schakelklassen en zomerscholen. De termijn heeft geen einddatum: in "
        "2026 wordt GOAB nog als specifieke uitkering betaald; de overgang naar het "
        "gemeentefonds vraagt een wetswijziging, op zijn vroegst in 2027 (bron: goab.eu). "
        "Vul de einddatum in zodra die vaststaat."
    ),
    "window_end": None,
}
REFERENCES = {
    "npo-gemeenten": "Stcrt 2022-27531",
    "oab": "Wet op het primair onderwijs (WPO)",
    "school-en-omgeving": "Stcrt 2023-18849",
}
# Windows seeded as starting values and never checked against a circular or beschikking.
UNVERIFIED_SEEDS = {
    "jeugdwerkloosheid": (datetime.date(2021, 1, 1), datetime.date(2023, 12, 31)),
    "jeugd-welbevinden": (datetime.date(2021, 1, 1), datetime.date(2022, 12, 31)),
}
SCHOOL_EN_OMGEVING = {
    "name": "School en Omgeving",
    "description": (
        "Subsidie voor het programma School en Omgeving (regeling 2025–2028). De subsidie gaat "
        "naar het schoolbestuur als lid van een lokale coalitie waarin ook de gemeente zit; de "
        "gemeente ontvangt dit geld niet zelf. Vanaf 2029 gaat het programma samen met "
        "schoolmaaltijden en de brugfunctionaris."
    ),
    "period_kind": "kalenderjaar",
    # The years come from the regulation (2025-2028); the exact first and last day do not.
    "window_start": datetime.date(2025, 1, 1),
    "window_end": datetime.date(2028, 12, 31),
    "window_start_unverified": True,
    "window_end_unverified": True,
    "accountability": (
        "Geen SiSa: het schoolbestuur verantwoordt de subsidie volgens de regeling. Leg in "
        "de coalitie vast wat de gemeente bijdraagt."
    ),
    "is_sisa": False,
    "sort_order": 45,
}


def forwards(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    oab = FundingStream.objects.filter(code="oab")
    for field in ("name", "description", "window_end"):
        oab.filter(**{field: OAB_OLD[field]}).update(**{field: OAB_NEW[field]})
    FundingStream.objects.get_or_create(code="school-en-omgeving", defaults=SCHOOL_EN_OMGEVING)
    FundingStream.objects.filter(
        code="school-en-omgeving",
        window_start=SCHOOL_EN_OMGEVING["window_start"],
        window_end=SCHOOL_EN_OMGEVING["window_end"],
    ).update(window_start_unverified=True, window_end_unverified=True)
    for code, reference in REFERENCES.items():
        FundingStream.objects.filter(code=code, reference="").update(reference=reference)
    for code, (start, end) in UNVERIFIED_SEEDS.items():
        FundingStream.objects.filter(code=code, window_start=start).update(
            window_start_unverified=True
        )
        FundingStream.objects.filter(code=code, window_end=end).update(window_end_unverified=True)


def backwards(apps, schema_editor):
    # The added fields go with the schema; School en Omgeving stays (rows may point at it).
    FundingStream = apps.get_model("budgets", "FundingStream")
    oab = FundingStream.objects.filter(code="oab")
    oab.filter(name=OAB_NEW["name"]).update(name=OAB_OLD["name"])
    oab.filter(description=OAB_NEW["description"]).update(description=OAB_OLD["description"])
    oab.filter(window_end__isnull=True).update(window_end=OAB_OLD["window_end"])


class Migration(migrations.Migration):
    dependencies = [("budgets", "0006_beschikking_freeze_prestatiedatum")]

    operations = [
        migrations.AddField(
            model_name="fundingstream",
            name="window_start_unverified",
            field=models.BooleanField(
                default=False,
                help_text="Aanvinken als de begindatum niet in een officiële bron is nagegaan.",
                verbose_name="begindatum niet geverifieerd",
            ),
        ),
        migrations.AddField(
            model_name="fundingstream",
            name="window_end_unverified",
            field=models.BooleanField(
                default=False,
                help_text="Aanvinken als de einddatum niet in een officiële bron is nagegaan.",
                verbose_name="einddatum niet geverifieerd",
            ),
        ),
        migrations.AddField(
            model_name="fundingstream",
            name="reference",
            field=models.CharField(
                blank=True,
                help_text="Waar de regeling is gepubliceerd, bijvoorbeeld Stcrt 2022-27531.",
                max_length=200,
                verbose_name="officiële vindplaats",
            ),
        ),
        migrations.AlterField(
            model_name="fundingstream",
            name="window_end",
            field=models.DateField(
                blank=True,
                help_text="Leeg als de regeling (nog) geen einddatum heeft; leg uit waarom.",
                null=True,
                verbose_name="besteden tot en met",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
