"""{% analysis_status %}: the badge of each analysis status (overview rows and the detail page)."""

import pytest
from django.template import engines

from analyses.models import AnalysisStatus


def badge(status, label):
    template = engines["django"].from_string(
        "{% load analyses_tags %}{% analysis_status status label %}"
    )
    return template.render({"status": status, "label": label})


@pytest.mark.parametrize(
    ("status", "modifier"),
    [
        (None, " utrecht-status-badge--danger"),
        ("", " utrecht-status-badge--danger"),
        (AnalysisStatus.ACCEPTED, " utrecht-status-badge--success"),
        (AnalysisStatus.SUBMITTED, ""),
        (AnalysisStatus.RESUBMITTED, ""),
        (AnalysisStatus.DRAFT, " utrecht-status-badge--warning"),
        (AnalysisStatus.RETURNED, " utrecht-status-badge--warning"),
    ],
)
def test_each_status_its_badge(status, modifier):
    label = AnalysisStatus(status).label if status else None
    html = badge(status, label)
    text = "Niet begonnen" if not status else str(label)
    assert html == f'<span class="utrecht-status-badge{modifier}">{text}</span>'


def test_the_label_is_escaped():
    assert badge(AnalysisStatus.DRAFT, "<b>x</b>").endswith(">&lt;b&gt;x&lt;/b&gt;</span>")
