"""Who sees what: a school sees only its own analysis (404 for any other id), viewers read,
editors review; school users never reach the municipality-wide pages."""

import pytest
from django.test import Client
from django.urls import reverse

from analyses.models import AnalysisStatus, SchoolAnalysis
from municipalities.models import Role
from tests.analyses.factories import SchoolAnalysisFactory, attachment_for, school_user
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def other_school_analysis(municipality, cycle):
    other = SchoolFactory(municipality=municipality, name="Basisschool Het Anker")
    analysis = SchoolAnalysisFactory(school=other, cycle=cycle, complete=True)
    attachment_for(analysis, "geheim.pdf")
    return analysis


def test_school_a_cannot_read_or_change_school_bs_analysis(
    school_client, municipality, school, other_school_analysis
):
    analysis = other_school_analysis
    attachment = analysis.attachments.get()
    pk = analysis.pk
    for name, method, kwargs in [
        ("detail", "get", {"analysis_pk": pk}),
        ("edit", "get", {"analysis_pk": pk}),
        ("edit", "post", {"analysis_pk": pk}),
        ("submit", "post", {"analysis_pk": pk}),
        ("attachment_upload", "post", {"analysis_pk": pk}),
        (
            "attachment_download",
            "get",
            {"analysis_pk": pk, "analysis_attachment_pk": attachment.pk},
        ),
        ("attachment_delete", "post", {"analysis_pk": pk, "analysis_attachment_pk": attachment.pk}),
    ]:
        response = getattr(school_client, method)(url(name, municipality, **kwargs), {})
        assert response.status_code == 404, (name, method, response.status_code)
    # The same answer as for an id that does not exist.
    assert school_client.get(url("detail", municipality, analysis_pk=999_999)).status_code == 404
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT and analysis.attachments.count() == 1


def test_school_cannot_reach_own_analysis_attachment_through_another_analysis(
    school_client, municipality, school, cycle, other_school_analysis
):
    own = SchoolAnalysisFactory(school=school, cycle=cycle)
    foreign_attachment = other_school_analysis.attachments.get()
    response = school_client.get(
        url("attachment_download", municipality, analysis_pk=own.pk,
            analysis_attachment_pk=foreign_attachment.pk)
    )  # fmt: skip
    assert response.status_code == 404


def test_school_never_sees_the_overview_or_other_schools(
    school_client, municipality, other_school_analysis
):
    response = school_client.get(url("overview", municipality))
    assert response.status_code == 302 and response.url == url("mine", municipality)
    page = school_client.get(url("mine", municipality)).content.decode()
    assert "Het Anker" not in page
    for name in ("intake", "intake_template"):
        assert school_client.get(url(name, municipality)).status_code == 403
    assert school_client.post(url("remind", municipality)).status_code == 403
    # Nor the municipality's school list.
    schools = reverse("schools:school_list", kwargs={"municipality_slug": municipality.slug})
    assert school_client.get(schools).status_code == 403


def test_school_cannot_review_its_own_analysis(school_client, municipality, school, cycle):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle, complete=True,
                                     status=AnalysisStatus.SUBMITTED)  # fmt: skip
    response = school_client.post(
        url("review", municipality, analysis_pk=analysis.pk), {"decision": "accept"}
    )
    assert response.status_code == 403
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED


def test_school_user_of_another_municipality_gets_404(
    client, municipality, other_municipality, other_school_analysis
):
    client.force_login(school_user(other_municipality))
    assert (
        client.get(url("detail", municipality, analysis_pk=other_school_analysis.pk)).status_code
        == 404
    )
    assert client.get(url("mine", municipality)).status_code == 404


def test_viewer_reads_but_cannot_review_or_edit(
    client, municipality, viewer, other_school_analysis
):
    analysis = other_school_analysis
    analysis.status = AnalysisStatus.SUBMITTED
    analysis.save()
    client.force_login(viewer)
    page = client.get(url("detail", municipality, analysis_pk=analysis.pk))
    assert page.status_code == 200
    assert "Beoordelen" not in page.content.decode()
    attachment = analysis.attachments.get()
    download = client.get(url("attachment_download", municipality, analysis_pk=analysis.pk,
                              analysis_attachment_pk=attachment.pk))  # fmt: skip
    assert download.status_code == 200
    assert (
        client.post(
            url("review", municipality, analysis_pk=analysis.pk), {"decision": "accept"}
        ).status_code
        == 403
    )
    assert client.get(url("edit", municipality, analysis_pk=analysis.pk)).status_code == 403
    assert client.get(url("overview", municipality)).status_code == 200
    assert client.get(url("intake", municipality)).status_code == 403
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED


def test_editors_review_but_do_not_fill_in_for_the_school(
    officer_client, municipality, other_school_analysis
):
    analysis = other_school_analysis
    assert officer_client.get(url("edit", municipality, analysis_pk=analysis.pk)).status_code == 403
    assert (
        officer_client.post(url("submit", municipality, analysis_pk=analysis.pk)).status_code == 403
    )
    assert officer_client.get(url("mine", municipality)).status_code == 403
    page = officer_client.get(url("detail", municipality, analysis_pk=analysis.pk)).content.decode()
    assert "Basisschool Het Anker" in page


def test_school_role_membership_ended_loses_access(municipality, school, cycle):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle)
    user = school_user(municipality, school)
    membership = user.memberships.get()
    c = Client()
    c.force_login(user)
    assert c.get(url("detail", municipality, analysis_pk=analysis.pk)).status_code == 200
    from django.utils import timezone

    membership.ended_at = timezone.now()
    membership.save()
    assert c.get(url("detail", municipality, analysis_pk=analysis.pk)).status_code == 404


def test_nav_shows_schoolanalyses_to_readers_and_own_analysis_to_schools(
    client, municipality, member_factory, school_member
):
    dashboard = reverse("municipalities:dashboard", kwargs={"municipality_slug": municipality.slug})
    client.force_login(member_factory(municipality, Role.VIEWER))
    page = client.get(dashboard).content.decode()
    assert url("overview", municipality) in page and "Schoolanalyses" in page
    client.force_login(school_member)
    page = client.get(dashboard).content.decode()
    assert url("mine", municipality) in page and "Mijn schoolanalyse" in page
    assert SchoolAnalysis.objects.count() == 0
