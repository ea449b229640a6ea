"""Bulk-intake previews never confirmed are removed after a day by a beat task, with their files;
younger previews and imported intakes stay."""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from analyses.models import AnalysisIntake
from analyses.tasks import intake_previews_sweep_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dutch():
    """The messages are asserted in Dutch, whatever language an earlier test left active."""
    with translation.override("nl"):
        yield


def intake(municipality, cycle, *, age_hours, status=AnalysisIntake.Status.PREVIEW):
    item = AnalysisIntake(
        municipality=municipality,
        cycle=cycle,
        file_name="ingevuld.xlsx",
        status=status,
        created_at=timezone.now() - datetime.timedelta(hours=age_hours),
    )
    item.file.save("intake.xlsx", ContentFile(b"PK\x03\x04 preview"), save=False)
    item.save()
    return item


def test_the_beat_task_removes_previews_unconfirmed_for_a_day(
    municipality, cycle, django_capture_on_commit_callbacks
):
    old = intake(municipality, cycle, age_hours=25)
    young = intake(municipality, cycle, age_hours=23)
    imported = intake(municipality, cycle, age_hours=48, status=AnalysisIntake.Status.IMPORTED)
    storage, old_name = old.file.storage, old.file.name
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        assert intake_previews_sweep_task.delay().get() == 1
    assert set(AnalysisIntake.objects.values_list("pk", flat=True)) == {young.pk, imported.pk}
    assert not storage.exists(old_name)
    assert storage.exists(young.file.name) and storage.exists(imported.file.name)


def test_the_task_is_on_the_beat_schedule_at_least_daily():
    from npo_platform.celery import app

    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "analyses.sweep_intake_previews"
    ]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert (
        schedule if isinstance(schedule, int | float) else schedule.total_seconds()
    ) <= 24 * 3600
    assert "analyses.sweep_intake_previews" in app.tasks
