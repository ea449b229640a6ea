"""budgets.0005 moves the NPO window's start from 1 August to 1 July 2021 (DOMAIN.md), changing
only a stream row still at the old seeded date."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from budgets.models import FundingStream
from budgets.streams import funding_streams_ensure
from core.npo import NPO_WINDOW_END, NPO_WINDOW_START

BEFORE = [("budgets", "0004_stream_money_per_period")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def _latest():
    """Every app at its latest migration: later migrations (budgets.0006 and on) must be back
    when the test ends, or the tests after it in this process meet an old schema."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_npo_window_is_1_july_2021_to_31_july_2025():
    assert (
        datetime.date(2021, 7, 1),
        datetime.date(2025, 7, 31),
    ) == (NPO_WINDOW_START, NPO_WINDOW_END)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (datetime.date(2021, 8, 1), datetime.date(2021, 7, 1)),  # the old seed: corrected
        (datetime.date(2021, 9, 1), datetime.date(2021, 9, 1)),  # set by staff: kept
    ],
)
def test_only_a_stream_still_at_1_august_2021_moves(start, expected):
    funding_streams_ensure()  # an earlier transactional test may have flushed the seeded streams
    _migrate(BEFORE)
    try:
        FundingStream.objects.filter(code="npo-gemeenten").update(window_start=start)
        # Only the pk: at 0004 the live model has columns the schema does not have yet.
        other_pk = (
            FundingStream.objects.exclude(code="npo-gemeenten").values_list("pk", flat=True).first()
        )
        FundingStream.objects.filter(pk=other_pk).update(window_start=datetime.date(2021, 8, 1))
    finally:
        _migrate(_latest())
    assert FundingStream.objects.get(code="npo-gemeenten").window_start == expected
    # Another stream that happens to start on 1 August 2021 is not the NPO: untouched.
    assert FundingStream.objects.get(pk=other_pk).window_start == datetime.date(2021, 8, 1)
