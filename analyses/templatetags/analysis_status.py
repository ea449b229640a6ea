"""``{% analysis_status status label %}``: an analysis's status as an NL Design System badge.

A tag rather than an included template: the intake overview shows one per school row, and an
include per row cost more than the rest of the row."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from analyses.models import AnalysisStatus

register = template.Library()

# The statuses still waiting for the municipality (neutral badge); accepted is green, a missing
# analysis red, anything else (a draft, returned) orange.
WAITING = {AnalysisStatus.SUBMITTED, AnalysisStatus.RESUBMITTED}


@register.simple_tag
def analysis_status(status: str | None, label) -> str:
    if not status:
        modifier, text = " utrecht-status-badge--danger", _("Niet begonnen")
    elif status == AnalysisStatus.ACCEPTED:
        modifier, text = " utrecht-status-badge--success", label
    elif status in WAITING:
        modifier, text = "", label
    else:
        modifier, text = " utrecht-status-badge--warning", label
    return format_html('<span class="utrecht-status-badge{}">{}</span>', modifier, text)
