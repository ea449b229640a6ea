"""A review carries the version of the analysis the reviewer looked at: a review of an analysis
that changed meanwhile is refused with who changed what."""

import html

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from analyses.models import AnalysisStatus
from municipalities.models import Role
from municipalities.versions import version_of
from tests.analyses.factories import SchoolAnalysisFactory

pytestmark = pytest.mark.django_db


def review_url(analysis):
    return reverse("analyses:review", args=[analysis.municipality.slug, analysis.pk])


def test_a_review_of_a_changed_analysis_is_refused(municipality, member_factory):
    analysis = SchoolAnalysisFactory(
        municipality=municipality, complete=True, status=AnalysisStatus.SUBMITTED
    )
    anna = member_factory(municipality, Role.POLICY_OFFICER, user__display_name="Anna de Vries")
    first, second = Client(), Client()
    first.force_login(anna)
    second.force_login(member_factory(municipality, Role.ADVISOR))
    detail = second.get(
        reverse("analyses:detail", args=[municipality.slug, analysis.pk])
    ).content.decode()
    seen = version_of(analysis)
    assert f'name="versie" value="{seen}"' in html.unescape(detail)

    first.post(review_url(analysis), {"decision": "accept", "versie": seen})
    response = second.post(
        review_url(analysis), {"decision": "return", "comment": "Graag aanvullen", "versie": seen}
    )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.ACCEPTED and analysis.review_comment == ""
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "Iemand anders heeft dit opgeslagen" in text
    assert f"Anna de Vries ({anna.email})" in text
    # Nothing left to review (Anna accepted): the typed comment is quoted, not lost.
    assert "Je opmerking is niet verstuurd: „Graag aanvullen”" in text


def test_a_refused_review_keeps_the_typed_comment_and_carries_the_new_version(
    municipality, member_factory
):
    analysis = SchoolAnalysisFactory(
        municipality=municipality, complete=True, status=AnalysisStatus.SUBMITTED
    )
    reviewer = Client()
    reviewer.force_login(member_factory(municipality, Role.ADVISOR))
    seen = version_of(analysis)
    analysis.save()  # changed meanwhile (e.g. the school corrected it), still to be reviewed
    comment = "Paragraaf 3 mist de aanpak voor rekenen; graag aanvullen."
    response = reviewer.post(
        review_url(analysis), {"decision": "return", "comment": comment, "versie": seen}
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Iemand anders heeft dit opgeslagen" in page
    assert f"{comment}</textarea>" in page  # the input is kept
    analysis.refresh_from_db()
    assert f'name="versie" value="{version_of(analysis)}"' in page
    assert analysis.status == AnalysisStatus.SUBMITTED
    # Sending it again, now against the current version, is a deliberate decision.
    again = reviewer.post(
        review_url(analysis),
        {"decision": "return", "comment": comment, "versie": version_of(analysis)},
    )
    assert again.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.RETURNED


def test_a_review_without_a_version_is_refused(officer_client, municipality):
    analysis = SchoolAnalysisFactory(
        municipality=municipality, complete=True, status=AnalysisStatus.SUBMITTED
    )
    response = officer_client.post(
        review_url(analysis), {"decision": "return", "comment": "Zie mijn opmerking"}
    )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED
    page = html.unescape(response.content.decode())
    assert "mist zijn versie" in page
    assert "Zie mijn opmerking</textarea>" in page
