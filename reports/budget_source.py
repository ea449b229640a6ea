"""The budget summary of a report, read from the budgets app.

Kept apart from ``snapshot.py`` because the budgets app is the one most likely to change shape:
this module is the single place that knows its models.
"""

from django.utils.translation import gettext as _


def collect(*, municipality, cycle) -> dict:
    return {"available": False, "missing": _("Er is nog geen begroting vastgelegd.")}
