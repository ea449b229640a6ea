"""Small-number suppression and Dutch number formatting for report snapshots and templates.

Amounts are formatted by ``core.money.format_money`` (``{{ amount|eur }}``), as on every page."""

from decimal import ROUND_HALF_UP, Decimal

from core.suppression import SMALL, SMALL_NUMBER_LIMIT

# Counts of schools derived from their NPO analyses are protected by core.suppression (1–4 as
# "<5", plus complementary cells as "x"), through analyses.figures.
# Counts from public files are not suppressed again: DUO's own "<5" stays "<5" and is left out of
# every total ("exclusief N vestigingen met <5 leerlingen"), school locations are counted openly.
SUPPRESSED = SMALL


def suppress(value: int | None) -> int | str | None:
    """1–4 becomes "<5", so that no small group of pupils or schools can be identified.

    Zero stays 0 (it identifies nobody) and None stays None ("no data").
    """
    if value is None or value == SUPPRESSED:
        return value
    if 0 < value < SMALL_NUMBER_LIMIT:
        return SUPPRESSED
    return value


def share(part: int | None, whole: int | None) -> str | None:
    """A percentage with one decimal ("12,3"), or None when it could reveal a small group."""
    if not part or not whole or suppress(part) == SUPPRESSED:
        return None
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}".replace(".", ",")


def percent(part: int | None, whole: int | None) -> str | None:
    """A percentage of public counts with one decimal ("12,3"), computed from the exact values."""
    if part is None or not whole:
        return None
    pct = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{pct}".replace(".", ",")


def number_nl(value) -> str:
    """12345 -> "12.345"; Decimal("30.15") -> "30,15"; "<5" passes; None -> "–"."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = f"{Decimal(value):,}"
    return text.translate(str.maketrans(",.", ".,"))
