"""Small-number suppression and Dutch number formatting for report snapshots and templates.

Amounts are formatted by ``core.money.format_money`` (``{{ amount|eur }}``), as on every page."""

from decimal import ROUND_HALF_UP, Decimal

# Counts of pupils or schools under this threshold are never shown (DUO/CBS practice): "<5".
SMALL_NUMBER_LIMIT = 5
SUPPRESSED = "<5"


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
