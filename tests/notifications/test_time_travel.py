"""A whole school-analysis round, day by day with a frozen date (the pass takes ``today``):
14 days before, 3 days before, overdue the day after and weekly, then submitted: it stops."""

import datetime

import pytest
from django.core import mail

from analyses.models import AnalysisStatus
from notifications.services import daily_pass
from tests.analyses.factories import SchoolAnalysisFactory
from tests.notifications.factories import DUE, cycle_with_due, school_with_user

pytestmark = pytest.mark.django_db


def _run(day, capture):
    with capture(execute=True):
        return daily_pass(today=day)


def test_a_school_analysis_round(municipality, django_capture_on_commit_callbacks):
    cycle = cycle_with_due(municipality)
    _school, user = school_with_user(municipality, email="ib@linde.example")
    done_school, done_user = school_with_user(municipality, name="OBS Het Anker")
    SchoolAnalysisFactory(
        school=done_school, cycle=cycle, municipality=municipality, status=AnalysisStatus.SUBMITTED
    )

    mailed_on = {}
    day = datetime.date(2026, 12, 20)
    while day <= datetime.date(2027, 2, 10):
        if day == datetime.date(2027, 1, 25):
            SchoolAnalysisFactory(
                school=_school,
                cycle=cycle,
                municipality=municipality,
                status=AnalysisStatus.SUBMITTED,
            )
        before = len(mail.outbox)
        _run(day, django_capture_on_commit_callbacks)
        new = mail.outbox[before:]
        assert all(m.to == ["ib@linde.example"] for m in new), [m.to for m in new]
        if new:
            mailed_on[day] = [m.subject for m in new]
        day += datetime.timedelta(days=1)

    assert list(mailed_on) == [
        DUE - datetime.timedelta(days=14),  # 1 January
        DUE - datetime.timedelta(days=3),  # 12 January
        DUE + datetime.timedelta(days=1),  # the day after: overdue
        DUE + datetime.timedelta(days=8),  # a week later; submitted on the 25th: no more
    ]
    subjects = [s for day_subjects in mailed_on.values() for s in day_subjects]
    assert subjects[0].startswith(
        "Nog 14 dagen: lever de schoolanalyse van Basisschool De Linde in"
    )
    assert subjects[1].startswith("Nog 3 dagen:")
    assert "te laat" in subjects[2] and "te laat" in subjects[3]
    assert all(s.endswith("· Utrecht") for s in subjects)
    assert not done_user.notifications.exists()
    assert user.notifications.count() == 4


def test_a_waived_cycle_gets_no_reminders(municipality, django_capture_on_commit_callbacks):
    cycle_with_due(municipality, analyses_waived=True, analyses_waiver_reason="Kleine gemeente")
    school_with_user(municipality)
    for offset in (-14, -3, 1, 8):
        result = _run(DUE + datetime.timedelta(days=offset), django_capture_on_commit_callbacks)
        assert result.queued == 0
    assert mail.outbox == []


def test_a_pass_missed_on_the_day_catches_up_once(municipality, django_capture_on_commit_callbacks):
    """Beat was down on 1 January: the 14-day reminder goes on the 2nd (13 days left), once."""
    cycle_with_due(municipality)
    school_with_user(municipality)
    assert _run(datetime.date(2027, 1, 2), django_capture_on_commit_callbacks).queued == 1
    assert mail.outbox[-1].subject.startswith("Nog 13 dagen")
    assert _run(datetime.date(2027, 1, 3), django_capture_on_commit_callbacks).queued == 0


def test_the_demo_due_dates_are_realistic_and_kept(municipality, other_municipality):
    from cycles.models import Phase
    from notifications.demo_dates import seed_due_dates
    from tests.cycles.factories import CycleFactory

    today = datetime.date(2026, 11, 30)
    data = CycleFactory(municipality=municipality, phase=Phase.DATA)
    doen = CycleFactory(
        municipality=other_municipality, phase=Phase.DOEN, start_date=datetime.date(2024, 8, 1)
    )
    assert seed_due_dates(today=today) == 2
    data.refresh_from_db()
    doen.refresh_from_db()
    assert data.analyses_due == datetime.date(2026, 12, 17)
    assert doen.analyses_due == datetime.date(2024, 10, 10)
    data.analyses_due = datetime.date(2027, 1, 15)
    data.save()
    assert seed_due_dates(today=today) == 0
    data.refresh_from_db()
    assert data.analyses_due == datetime.date(2027, 1, 15)
