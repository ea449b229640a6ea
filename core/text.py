"""Quoting what a user or a file supplied in an error message: never more than about 100
characters, so a 1 MB header line does not come back as a 1 MB message."""

MAX_QUOTE = 100


def excerpt(value, limit: int = MAX_QUOTE) -> str:
    """``value`` as text, on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
