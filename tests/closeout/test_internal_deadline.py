"""The municipality's own deadline for the final accounting, beside the regulation's last moment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from closeout import services
from closeout.models import FinalAccounting
from closeout.selectors import Deadline, last_moment
from core.npo import NPO_LAST_MOMENT
from municipalities.versions import version_of

pytestmark = pytest.mark.django_db
BASE = "/g/utrecht/eindverantwoording/npo-gemeenten/"


def test_the_npo_last_moment_is_15_july_2027(npo):
    assert last_moment(npo) == NPO_LAST_MOMENT == datetime.date(2027, 7, 15)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (45, "nog 45 dagen"),
        (1, "nog 1 dag"),
        (0, "vandaag"),
        (-1, "1 dag over tijd"),
        (-10, "10 dagen over tijd"),
    ],
)
def test_days_left_read_as_dutch(days, text):
    today = datetime.date(2026, 11, 30)
    deadline = Deadline.of(today + datetime.timedelta(days=days), today)
    assert deadline.text == text
    assert deadline.is_overdue == (days < 0)


def test_the_settings_form_saves_the_deadline_and_the_workspace_shows_days_left(
    officer_client, ready
):
    deadline = timezone.localdate() + datetime.timedelta(days=45)
    response = officer_client.post(
        BASE + "gegevens/",
        {
            "final_year": "2025",
            "internal_deadline": deadline.isoformat(),
            "versie": version_of(ready),
        },
    )
    assert response.status_code == 302, response.content.decode()
    ready.refresh_from_db()
    assert ready.internal_deadline == deadline
    html = officer_client.get(BASE).content.decode()
    assert "nog 45 dagen" in html
    assert "15 juli 2027" in html  # the last moment beside it


def test_a_deadline_after_the_last_moment_is_refused_with_a_dutch_error(officer_client, ready):
    response = officer_client.post(
        BASE + "gegevens/",
        {"final_year": "2026", "internal_deadline": "2027-07-16", "versie": version_of(ready)},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "De interne deadline mag niet na het laatste moment liggen" in html
    assert "15 juli 2027" in html
    ready.refresh_from_db()
    assert ready.internal_deadline is None and ready.final_year == 2025  # nothing half-saved


def test_the_service_refuses_a_deadline_after_the_last_moment(ready, preparer):
    with pytest.raises(ValidationError) as error:
        services.accounting_settings_save(
            accounting=ready,
            user=preparer,
            final_year=2026,
            internal_deadline=datetime.date(2027, 7, 16),
        )
    assert "internal_deadline" in error.value.error_dict
    assert FinalAccounting.objects.get().internal_deadline is None
    services.accounting_settings_save(
        accounting=ready, user=preparer, final_year=2026, internal_deadline=NPO_LAST_MOMENT
    )
    assert FinalAccounting.objects.get().internal_deadline == NPO_LAST_MOMENT


def test_an_overdue_deadline_says_so(officer_client, ready):
    FinalAccounting.objects.filter(pk=ready.pk).update(
        internal_deadline=timezone.localdate() - datetime.timedelta(days=10)
    )
    assert "10 dagen over tijd" in officer_client.get(BASE).content.decode()


def test_a_definitief_accounting_counts_no_days(officer_client, ready):
    FinalAccounting.objects.filter(pk=ready.pk).update(
        status=FinalAccounting.Status.FINAL,
        decision_date=datetime.date(2026, 6, 1),
        snapshot_sha256="0" * 64,
        internal_deadline=timezone.localdate() - datetime.timedelta(days=10),
    )
    html = officer_client.get(BASE).content.decode()
    assert "over tijd" not in html and "nog 2" not in html
    assert "klaar" in html
