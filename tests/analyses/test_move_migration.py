"""The move of the school analyses from ``schools`` to ``analyses`` keeps a running installation's
data: rows, files, the M2M links, the content types and the audit trail that points at them.

The test migrates the database back to the schema of commit 693fb46 (the last migrations before
the move: ``schools.0004``, no ``analyses``), writes rows through the historical models as that
version stored them, migrates forward and reads everything back through today's models.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from analyses.models import (
    AnalysisAttachment,
    AnalysisIntake,
    AnalysisNeed,
    AnalysisReminder,
    SchoolAnalysis,
)
from municipalities.models import AuditLogEntry

BEFORE_MOVE = [("schools", "0004_pupilcount_year_index"), ("analyses", None)]
MOVED = [
    "schoolanalysis",
    "analysisneed",
    "analysisattachment",
    "analysisreminder",
    "analysisintake",
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _apps_before_move():
    """The historical models as the database now stands (after migrating back to 693fb46): each
    app at its last applied migration. Migrating schools back also unapplies later migrations of
    other apps that depend on it, so "every other app at its latest" would be a schema the
    database does not have."""
    loader = MigrationExecutor(connection).loader
    applied = set(loader.applied_migrations)
    nodes = [
        key
        for key in applied
        if not any(child.key in applied for child in loader.graph.node_map[key].children)
    ]
    return loader.project_state(nodes).apps


@pytest.mark.django_db(transaction=True)
def test_rows_files_content_types_and_audit_trail_survive_the_move():
    ContentType.objects.clear_cache()
    _migrate(BEFORE_MOVE)
    old = _apps_before_move()
    try:
        # The old schema: the tables under the schools app, the content types labelled schools.
        tables = connection.introspection.table_names()
        assert "schools_schoolanalysis" in tables and "analyses_schoolanalysis" not in tables
        ct_model = old.get_model("contenttypes", "ContentType")
        old_cts = {
            model: ct_model.objects.get_or_create(app_label="schools", model=model)[0].pk
            for model in MOVED
        }

        municipality = old.get_model("municipalities", "Municipality").objects.create(
            name="Oudstad", cbs_code="GM8990", slug="oudstad"
        )
        user = old.get_model("municipalities", "User").objects.create(
            email="officer@oudstad.nl", password="!"
        )
        board = old.get_model("schools", "SchoolBoard").objects.create(number="41999", name="B")
        school = old.get_model("schools", "School").objects.create(
            municipality=municipality,
            brin="99ZZ",
            vestigingscode="99ZZ00",
            name="De Vlinder",
            sector="bo",
            board=board,
        )
        intervention = old.get_model("schools", "Intervention").objects.create(
            version="2021",
            area="A",
            area_description="Uitbreiding onderwijstijd",
            name="Zomerschool",
        )
        cycle = old.get_model("cycles", "Cycle").objects.create(
            municipality=municipality,
            title="NPO 2023-2025",
            start_date=datetime.date(2023, 8, 1),
            end_date=datetime.date(2025, 7, 31),
        )
        analysis = old.get_model("schools", "SchoolAnalysis").objects.create(
            municipality=municipality,
            school=school,
            cycle=cycle,
            status="ingediend",
            delay_rekenen="groot",
            share_rekenen=40,
            own_budget="12500.50",
            submitted_at=timezone.now(),
            submitted_by=user,
        )
        analysis.interventions.add(intervention)
        need = old.get_model("schools", "AnalysisNeed").objects.create(
            municipality=municipality, analysis=analysis, category="jeugdhulp", explanation="SMW"
        )
        stored = default_storage.save(
            f"analyses/{municipality.pk}/moved-test.pdf", ContentFile(b"%PDF-1.4 moved\n%%EOF\n")
        )
        attachment = old.get_model("schools", "AnalysisAttachment").objects.create(
            municipality=municipality,
            analysis=analysis,
            file=stored,
            name="analyse.pdf",
            kind="pdf",
            content_type="application/pdf",
            size=21,
            uploaded_by=user,
        )
        reminder = old.get_model("schools", "AnalysisReminder").objects.create(
            municipality=municipality, cycle=cycle, school=school, recipients=2, sent_by=user
        )
        intake_file = default_storage.save(
            f"analysis-intake/{municipality.pk}/moved-test.xlsx", ContentFile(b"PK\x03\x04xlsx")
        )
        intake = old.get_model("schools", "AnalysisIntake").objects.create(
            municipality=municipality,
            cycle=cycle,
            token="moved-intake-token",
            file=intake_file,
            file_name="invoer.xlsx",
            rows=[{"school": "99ZZ00"}],
            uploaded_by=user,
        )
        log = old.get_model("municipalities", "AuditLogEntry")
        for model, obj in [
            ("schoolanalysis", analysis),
            ("analysisneed", need),
            ("analysisattachment", attachment),
            ("analysisreminder", reminder),
            ("analysisintake", intake),
        ]:
            log.objects.create(
                content_type_id=old_cts[model],
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=f"{model} {obj.pk}",
                action=0,
                changes="{}",
                actor=user,
                municipality=municipality,
                timestamp=timezone.now(),
            )
        ids = {
            "analysis": analysis.pk,
            "need": need.pk,
            "attachment": attachment.pk,
            "reminder": reminder.pk,
            "intake": intake.pk,
        }
    finally:
        _migrate(_latest())
    ContentType.objects.clear_cache()

    tables = connection.introspection.table_names()
    assert "analyses_schoolanalysis" in tables
    assert not [t for t in tables if t.startswith("schools_") and "analys" in t]

    # The content types were renamed, not recreated: same ids, new label, no stale rows.
    for model in MOVED:
        content_type = ContentType.objects.get(app_label="analyses", model=model)
        assert content_type.pk == old_cts[model]
    assert not ContentType.objects.filter(app_label="schools", model__in=MOVED).exists()

    analysis = SchoolAnalysis.objects.get(pk=ids["analysis"])
    assert (analysis.school.name, analysis.cycle.title, analysis.status) == (
        "De Vlinder",
        "NPO 2023-2025",
        "ingediend",
    )
    assert str(analysis.own_budget) == "12500.50" and analysis.share_rekenen == 40
    assert [i.name for i in analysis.interventions.all()] == ["Zomerschool"]
    assert AnalysisNeed.objects.get(pk=ids["need"]).analysis == analysis
    attachment = AnalysisAttachment.objects.get(pk=ids["attachment"])
    assert attachment.analysis == analysis
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 moved\n%%EOF\n"
    assert AnalysisReminder.objects.get(pk=ids["reminder"]).recipients == 2
    intake = AnalysisIntake.objects.get(pk=ids["intake"])
    assert intake.rows == [{"school": "99ZZ00"}] and intake.file.name.endswith("moved-test.xlsx")

    # Each activity-log entry still belongs to its object through the renamed content type.
    for model, key in [
        (SchoolAnalysis, "analysis"),
        (AnalysisNeed, "need"),
        (AnalysisAttachment, "attachment"),
        (AnalysisReminder, "reminder"),
        (AnalysisIntake, "intake"),
    ]:
        entries = AuditLogEntry.objects.get_for_object(model.objects.get(pk=ids[key]))
        assert entries.count() == 1

    # The moved models work as before: a new row with the next id, through the renamed tables.
    need = AnalysisNeed.objects.create(
        municipality=analysis.municipality, analysis=analysis, category="inhalen", explanation="x"
    )
    assert need.pk > ids["need"]
