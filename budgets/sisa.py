"""The SiSa data set: per funding stream and calendar year T, what SiSa asks of a specifieke
uitkering (the spending in year T charged to the grant and cumulatively), for every year from the
stream's first allocation up to and including today's year, with zero for years without spending.

The budget export writes it; the NPO close-out builds its SiSa output on it. It reads the budget
overview (a constant number of queries), so its sums are the overview's.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from budgets.models import FundingStream
from budgets.periods import period_parse
from budgets.selectors import budget_overview
from core.money import ZERO
from municipalities.models import Municipality


@dataclass(frozen=True)
class SisaYear:
    stream: FundingStream
    year: int
    allocated_total: Decimal  # the stream's whole allocation (all periods)
    committed: Decimal  # commitments dated in year T
    spent: Decimal  # spending dated in year T
    spent_cumulative: Decimal  # spending up to and including year T
    remaining: Decimal  # allocated_total - spent_cumulative

    @property
    def is_final_year(self) -> bool:
        """Year T holds the end of the stream's spending window (eindverantwoording)."""
        end = self.stream.window_end
        return end is not None and end.year == self.year


def sisa_dataset(
    *, municipality: Municipality, as_of: datetime.date | None = None
) -> list[SisaYear]:
    """One row per stream and calendar year, from the first year with an allocation (or, when
    spending came earlier, with spending) up to and including the later of ``as_of``'s year and
    the last year with spending. Streams with neither allocation nor spending have no rows."""
    as_of = as_of or timezone.localdate()
    overview = budget_overview(municipality=municipality, as_of=as_of)
    rows: list[SisaYear] = []
    for block in overview.blocks:
        stream = block.stream
        years = {
            period_parse(label).start.year
            for label, figures in block.by_period.items()
            if figures.allocated
        }
        years |= {
            year
            for (stream_id, year), figures in overview.by_year.items()
            if stream_id == stream.pk and (figures.spent or figures.committed)
        }
        if not years:
            continue
        cumulative = ZERO
        for year in range(min(years), max(max(years), as_of.year) + 1):
            figures = overview.by_year.get((stream.pk, year))
            spent = figures.spent if figures else ZERO
            committed = figures.committed if figures else ZERO
            cumulative += spent
            rows.append(
                SisaYear(
                    stream=stream,
                    year=year,
                    allocated_total=block.total.allocated,
                    committed=committed,
                    spent=spent,
                    spent_cumulative=cumulative,
                    remaining=block.total.allocated - cumulative,
                )
            )
    return rows
