"""The portfolio's close-out columns: the NPO final accounting's status, its number of blocking
checks (the same as the workspace's) and the days left to the internal deadline beside the last
moment; sortable, filterable, in the export, and in a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from closeout.checks import accounting_checks, blocking
from closeout.models import FinalAccounting
from closeout.selectors import (
    CLOSEOUT_CHECKED,
    CLOSEOUT_CONCEPT,
    CLOSEOUT_FINAL,
    CLOSEOUT_GIVEN,
    CLOSEOUT_NONE,
    accounting_figures,
    closeout_summaries,
)
from municipalities import pagecache
from tests.budgets.factories import (
    BeschikkingFactory,
    CommitmentFactory,
    SpendingFactory,
    SpendingGoalFactory,
    stream,
)
from tests.closeout.factories import FinalAccountingFactory
from tests.portfolio.factories import advisor_with

URL = "/portfolio/"
D = Decimal
TODAY = datetime.date(2026, 11, 30)


def workspace_blocking(municipality, npo) -> int:
    accounting = FinalAccounting.objects.filter(municipality=municipality, stream=npo).first()
    figures = accounting_figures(municipality=municipality, stream=npo, accounting=accounting)
    return len(blocking(accounting_checks(figures=figures, accounting=accounting)))


def clean(municipality, npo, *, deadline=None, **fields):
    """An accounting without blocking checks (a beschikking, spending in the window, grootboek
    equal to it); the ``fill`` spending of 1.000 in October 2023 is part of it."""
    BeschikkingFactory(municipality=municipality)
    accounting = FinalAccountingFactory(
        municipality=municipality, stream=npo, internal_deadline=deadline, **fields
    )
    accounting.ledger_amounts.create(municipality=municipality, year=2023, amount=D("1000.00"))
    return accounting


# --- The count is the workspace's count ------------------------------------------------------


@pytest.mark.django_db
def test_blocking_counts_equal_the_workspace_checks_case_by_case():
    npo = stream()
    _user, ms = advisor_with(7)
    # 0: nothing started, spending without grootboek and no beschikking: 2 blocking.
    # 1: clean.
    clean(ms[1], npo)
    # 2: clean but the grootboek differs in 2023 and a 2024 amount has no grootboek: 2 blocking.
    accounting = clean(ms[2], npo)
    accounting.ledger_amounts.filter(year=2023).update(amount=D("999.00"))
    goal = SpendingGoalFactory(municipality=ms[2])
    SpendingFactory(spending_goal=goal, date=datetime.date(2024, 2, 1), amount=D("50"))
    # 3: spending after the window (prestatiedatum August 2025) and a category NPO excludes
    # (not eligible, so the grootboek still matches): 2 blocking.
    clean(ms[3], npo)
    goal = SpendingGoalFactory(municipality=ms[3])
    SpendingFactory(
        spending_goal=goal,
        date=datetime.date(2025, 7, 20),
        performance_date=datetime.date(2025, 8, 15),
        amount=D("300"),
    )
    SpendingGoal = type(goal)
    SpendingGoal.objects.filter(pk=goal.pk).update(category="niet-npo")
    SpendingFactory(spending_goal=goal, date=datetime.date(2023, 5, 1), amount=D("20"))
    # 4: two spending goals with commitments left open at the window's end.
    clean(ms[4], npo)
    for amount in ("500", "700"):
        goal = SpendingGoalFactory(municipality=ms[4])
        CommitmentFactory(spending_goal=goal, date=datetime.date(2024, 1, 1), amount=D(amount))
    # 5: final year 2026: a grootboek amount is asked for the years up to 2026 only where
    # there is eligible spending.
    clean(ms[5], npo, final_year=2026)
    # 6: a negative year (a credit note) without grootboek still counts.
    clean(ms[6], npo)
    goal = SpendingGoalFactory(municipality=ms[6])
    SpendingFactory(spending_goal=goal, date=datetime.date(2022, 4, 1), amount=D("-80"))

    summaries = closeout_summaries(municipality_ids=[m.pk for m in ms], stream=npo, today=TODAY)
    counts = [summaries[m.pk].blocking for m in ms]
    assert counts == [workspace_blocking(m, npo) for m in ms]
    assert counts == [2, 0, 2, 2, 2, 0, 1]


@pytest.mark.django_db
def test_status_covers_none_concept_checked_definitief_and_given():
    npo = stream()
    _user, ms = advisor_with(5)
    clean(ms[1], npo)
    clean(ms[2], npo, status=FinalAccounting.Status.CHECKED)
    FinalAccounting.objects.filter(pk=clean(ms[3], npo).pk).update(
        status=FinalAccounting.Status.FINAL,
        decision_date=datetime.date(2026, 6, 1),
        snapshot_sha256="0" * 64,
    )
    clean(
        ms[4],
        npo,
        given_year=2025,
        given_on=datetime.date(2026, 7, 1),
        given_amount=D("1000.00"),
    )
    summaries = closeout_summaries(municipality_ids=[m.pk for m in ms], stream=npo, today=TODAY)
    assert [summaries[m.pk].status for m in ms] == [
        CLOSEOUT_NONE,
        CLOSEOUT_CONCEPT,
        CLOSEOUT_CHECKED,
        CLOSEOUT_FINAL,
        CLOSEOUT_GIVEN,
    ]
    assert summaries[ms[0].pk].last_moment.date == datetime.date(2027, 7, 15)
    assert summaries[ms[0].pk].last_moment.days_left == 227


# --- The page and the export ------------------------------------------------------------------


def portfolio_of_three():
    """Concept with 45 days left, 10 days over time, and no accounting at all (2 blocking)."""
    npo = stream()
    user, (a, b, c) = advisor_with(3)
    today = timezone.localdate()
    clean(a, npo, deadline=today + datetime.timedelta(days=45))
    accounting = clean(b, npo, deadline=today - datetime.timedelta(days=10))
    accounting.ledger_amounts.all().delete()
    return user, (a, b, c)


@pytest.mark.django_db
def test_the_page_shows_status_blocking_checks_and_days_left(client):
    user, (a, b, c) = portfolio_of_three()
    client.force_login(user)
    response = client.get(URL)
    html = response.content.decode()
    assert "Eindverantwoording NPO" in html and "Blokkerend" in html
    assert "nog 45 dagen" in html and "10 dagen over tijd" in html
    assert "laatste moment: nog" in html and "15 juli 2027" in html
    assert f'href="/g/{a.slug}/eindverantwoording/npo-gemeenten/"' in html
    rows = {row.municipality: row for row in response.context["rows"]}
    assert (rows[a].closeout.blocking, rows[b].closeout.blocking, rows[c].closeout.blocking) == (
        0,
        1,
        2,
    )
    assert rows[c].closeout_label == "Geen eindverantwoording"


@pytest.mark.django_db
def test_sort_on_blocking_and_deadline_and_filter_on_status(client):
    user, (a, b, c) = portfolio_of_three()
    client.force_login(user)

    def order(**params):
        return [r.municipality for r in client.get(URL, params).context["rows"]]

    assert order(sort="-blocking") == [c, b, a]
    assert order(sort="deadline") == [b, a, c]  # no deadline: last
    assert order(sort="closeout")[0] == c  # "geen" comes first
    assert order(status="concept") == sorted([a, b], key=lambda m: m.name.lower())
    assert order(status="geen") == [c]
    assert order(status="bestaat-niet") == order()  # an unknown value filters nothing


@pytest.mark.django_db
def test_the_export_has_the_closeout_columns(client):
    user, (a, b, c) = portfolio_of_three()
    client.force_login(user)
    workbook = load_workbook(io.BytesIO(client.get("/portfolio/export.xlsx").content))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    header = rows[0]
    columns = [
        "Eindverantwoording NPO",
        "Blokkerende controles",
        "Interne deadline",
        "Dagen tot interne deadline",
        "Laatste moment",
        "Dagen tot laatste moment",
    ]
    at = [header.index(name) for name in columns]
    by_name = {row[0]: [row[i] for i in at] for row in rows[1:]}
    today = timezone.localdate()
    status, count, deadline, days, last, last_days = by_name[a.name]
    assert (status, count, days) == ("Concept", 0, 45)
    assert deadline.date() == today + datetime.timedelta(days=45)
    assert last.date() == datetime.date(2027, 7, 15)
    assert last_days == (datetime.date(2027, 7, 15) - today).days
    assert by_name[b.name][1:4:2] == [1, -10]
    assert by_name[c.name][:4] == ["Geen eindverantwoording", 2, None, None]


# --- Query count ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_municipalities(client):
    npo = stream()
    counts = []
    for n in (3, 12):
        user, ms = advisor_with(n)
        for i, m in enumerate(ms):
            accounting = clean(m, npo, deadline=TODAY + datetime.timedelta(days=i))
            goal = SpendingGoalFactory(municipality=m)
            CommitmentFactory(spending_goal=goal, date=datetime.date(2024, 1, 1))
            accounting.ledger_amounts.create(municipality=m, year=2024, amount=D("5"))
        with CaptureQueriesContext(connection) as captured:
            summaries = closeout_summaries(
                municipality_ids=[m.pk for m in ms], stream=npo, today=TODAY
            )
        assert all(s.blocking == 2 for s in summaries.values())
        counts.append(len(captured))
        client.force_login(user)
        client.get(URL)  # warm-up: session and content types
        pagecache.retire_all()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL)
        assert len(response.context["rows"]) == n
        counts.append(len(captured))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
