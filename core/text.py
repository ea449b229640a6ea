"""Quoting what a user or a file supplied in an error message: never more than about 100
characters, so a 1 MB header line does not come back as a 1 MB message."""

MAX_QUOTE = 100


def excerpt(value, limit: int = MAX_QUOTE) -> str:
    """``value`` as text, on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# What makes a spreadsheet read a text cell as a formula: = + - @ (also in their full-width
# forms, which Excel folds to ASCII) as the first character after leading spaces, or a tab or
# carriage return anywhere before the first visible character.
FORMULA_STARTS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
CONTROL_STARTS = frozenset("\t\r")


def neutralise(value):
    """Text a spreadsheet could run as a formula gets a leading single quote, so it stays text.

    The one rule for every CSV and XLSX the platform writes (exports, the intake template).
    Numbers, dates and other values are returned as they are."""
    if not isinstance(value, str):
        return value
    for ch in value:
        if ch in CONTROL_STARTS or ch in FORMULA_STARTS:
            return "'" + value
        if not ch.isspace():
            break
    return value
