"""The workflow: draft → submitted → returned with a comment → resubmitted → accepted."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from analyses.gates import school_analyses_check as check_school_analyses
from analyses.models import AnalysisNeed, AnalysisStatus, SchoolAnalysis
from analyses.selectors import received_count as school_analyses_received_count
from municipalities.models import AuditLogEntry, Role
from municipalities.versions import version_of
from tests.analyses.factories import SchoolAnalysisFactory, complete_values, school_user
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def reviewed(analysis, **data):
    """A review form's data with the version of the analysis as the reviewer sees it now."""
    analysis.refresh_from_db()
    return {**data, "versie": version_of(analysis)}


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


def edit_data(**overrides):
    data = dict(complete_values())
    data.update(
        {
            "own_budget": "45.000,50",
            "need_inhalen": "on",
            "need_inhalen_text": "Bijles voor groep 6 tot en met 8",
        }
    )
    data.update(overrides)
    return data


def test_school_starts_fills_in_and_saves_its_analysis(school_client, municipality, school, cycle):
    response = school_client.get(url("mine", municipality))
    assert response.status_code == 200
    assert "Begin met de analyse" in response.content.decode()

    response = school_client.post(url("mine", municipality))
    analysis = SchoolAnalysis.objects.get(school=school, cycle=cycle)
    assert response.url == url("edit", municipality, analysis_pk=analysis.pk)
    assert analysis.status == AnalysisStatus.DRAFT
    assert analysis.municipality == municipality

    response = school_client.post(url("edit", municipality, analysis_pk=analysis.pk), edit_data())
    assert response.status_code == 302, response.content.decode()
    analysis.refresh_from_db()
    assert analysis.delay_taal == "klein" and analysis.share_rekenen == 30
    assert str(analysis.own_budget) == "45000.50"
    assert list(analysis.needs.values_list("category", "explanation")) == [
        ("inhalen", "Bijles voor groep 6 tot en met 8")
    ]
    # Shown and filled in again the Dutch way, as every amount (core.money).
    edit_page = school_client.get(url("edit", municipality, analysis_pk=analysis.pk))
    assert 'value="45.000,50"' in edit_page.content.decode()
    detail_page = school_client.get(url("detail", municipality, analysis_pk=analysis.pk))
    assert "€ 45.000,50" in detail_page.content.decode()
    # The entry point now leads to the analysis itself.
    assert school_client.get(url("mine", municipality)).url == url(
        "detail", municipality, analysis_pk=analysis.pk
    )


def test_share_out_of_range_and_need_without_explanation_are_refused(
    school_client, municipality, school
):
    analysis = SchoolAnalysisFactory(school=school)
    response = school_client.post(
        url("edit", municipality, analysis_pk=analysis.pk),
        edit_data(share_taal="140", need_inhalen_text=""),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vul een percentage van 0 tot en met 100 in." in body
    assert "Licht toe wat de school op dit bestedingsdoel nodig heeft." in body
    analysis.refresh_from_db()
    assert analysis.share_taal is None and not analysis.needs.exists()


def test_incomplete_analysis_cannot_be_submitted(school_client, municipality, school):
    analysis = SchoolAnalysisFactory(school=school, delay_taal="groot", share_taal=50)
    response = school_client.post(url("submit", municipality, analysis_pk=analysis.pk), follow=True)
    assert "Vul eerst alles in voordat je indient" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT
    assert mail.outbox == []


def test_full_round_submit_return_resubmit_accept(
    django_capture_on_commit_callbacks, municipality, school, school_member, officer
):
    advisor = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    MembershipFactory(municipality=municipality, role=Role.VIEWER)  # no mail for viewers
    colleague = school_user(municipality, school)
    analysis = SchoolAnalysisFactory(school=school, complete=True)
    school_c, officer_c = Client(), Client()
    school_c.force_login(school_member)
    officer_c.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        school_c.post(url("submit", municipality, analysis_pk=analysis.pk))
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED
    assert analysis.submitted_by == school_member
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, advisor.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "Schoolanalyse ingediend: Basisschool De Linde" in mail.outbox[0].subject
    assert f"/g/utrecht/schoolanalyses/{analysis.pk}/" in mail.outbox[0].body
    # Submitted: the school cannot change it any more.
    assert school_c.get(url("edit", municipality, analysis_pk=analysis.pk)).status_code == 302
    school_c.post(url("edit", municipality, analysis_pk=analysis.pk), edit_data(share_taal="1"))
    analysis.refresh_from_db()
    assert analysis.share_taal == 30

    mail.outbox.clear()
    response = officer_c.post(
        url("review", municipality, analysis_pk=analysis.pk),
        reviewed(analysis, decision="return", comment=""),
    )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED  # a return needs a comment
    with django_capture_on_commit_callbacks(execute=True):
        officer_c.post(
            url("review", municipality, analysis_pk=analysis.pk),
            reviewed(
                analysis,
                decision="return",
                comment="Graag ook het aandeel voor rekenen onderbouwen.",
            ),
        )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.RETURNED
    assert analysis.review_comment == "Graag ook het aandeel voor rekenen onderbouwen."
    assert sorted(m.to[0] for m in mail.outbox) == sorted([school_member.email, colleague.email])
    assert "teruggestuurd" in mail.outbox[0].subject
    assert "Graag ook het aandeel voor rekenen onderbouwen." in mail.outbox[0].body

    # Returned: editable again, then resubmitted.
    response = school_c.post(
        url("edit", municipality, analysis_pk=analysis.pk), edit_data(share_rekenen="45")
    )
    assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        school_c.post(url("submit", municipality, analysis_pk=analysis.pk))
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.RESUBMITTED
    assert "opnieuw ingediend" in mail.outbox[0].subject

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer_c.post(
            url("review", municipality, analysis_pk=analysis.pk),
            reviewed(analysis, decision="accept"),
        )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.ACCEPTED
    assert analysis.reviewed_by == officer
    assert sorted(m.to[0] for m in mail.outbox) == sorted([school_member.email, colleague.email])
    assert "geaccepteerd" in mail.outbox[0].subject
    # Accepted is final: a second review is refused.
    officer_c.post(
        url("review", municipality, analysis_pk=analysis.pk),
        reviewed(analysis, decision="return", comment="x"),
    )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.ACCEPTED


def test_every_status_change_is_in_the_audit_trail(
    django_capture_on_commit_callbacks, municipality, school, school_member, officer
):
    analysis = SchoolAnalysisFactory(school=school, complete=True)
    school_c, officer_c = Client(), Client()
    school_c.force_login(school_member)
    officer_c.force_login(officer)
    school_c.post(url("submit", municipality, analysis_pk=analysis.pk))
    officer_c.post(
        url("review", municipality, analysis_pk=analysis.pk),
        reviewed(analysis, decision="return", comment="Onderbouwing ontbreekt"),
    )
    school_c.post(url("submit", municipality, analysis_pk=analysis.pk))
    officer_c.post(
        url("review", municipality, analysis_pk=analysis.pk), reviewed(analysis, decision="accept")
    )

    entries = (
        AuditLogEntry.objects.for_municipality(municipality)
        .filter(object_pk=str(analysis.pk), content_type__model="schoolanalysis")
        .order_by("timestamp", "pk")
    )
    updates = [
        e for e in entries if e.action == AuditLogEntry.Action.UPDATE and "status" in e.changes
    ]
    statuses = [e.changes["status"][1] for e in updates]
    assert statuses == ["ingediend", "teruggestuurd", "opnieuw_ingediend", "geaccepteerd"]
    actors = [e.actor for e in updates]
    assert actors == [school_member, officer, school_member, officer]


def test_needs_and_interventions_changes_are_audited(school_client, municipality, school):
    from schools.models import Intervention

    intervention = Intervention.objects.create(
        version="2023", area="A", area_description="Onderwijstijd", name="Bijles in kleine groepen"
    )
    analysis = SchoolAnalysisFactory(school=school)
    school_client.post(
        url("edit", municipality, analysis_pk=analysis.pk),
        edit_data(interventions=[intervention.pk]),
    )
    assert analysis.interventions.get() == intervention
    need = AnalysisNeed.objects.get(analysis=analysis)
    logged = AuditLogEntry.objects.for_municipality(municipality)
    assert logged.filter(content_type__model="analysisneed", object_pk=str(need.pk)).exists()
    assert logged.filter(
        content_type__model="schoolanalysis",
        object_pk=str(analysis.pk),
        changes__has_key="interventions",
    ).exists()


def test_the_data_phase_gate_counts_received_analyses(municipality, cycle):
    assert school_analyses_received_count(cycle=cycle) == 0
    assert not check_school_analyses(cycle).ok
    SchoolAnalysisFactory(school__municipality=municipality, cycle=cycle)  # a draft does not count
    SchoolAnalysisFactory(
        school__municipality=municipality, cycle=cycle, status=AnalysisStatus.RETURNED
    )
    assert school_analyses_received_count(cycle=cycle) == 0
    SchoolAnalysisFactory(
        school__municipality=municipality, cycle=cycle, status=AnalysisStatus.SUBMITTED
    )
    SchoolAnalysisFactory(
        school__municipality=municipality, cycle=cycle, status=AnalysisStatus.ACCEPTED
    )
    assert school_analyses_received_count(cycle=cycle) == 2
    result = check_school_analyses(cycle)
    assert result.ok and "2 schoolanalyses ontvangen" in result.explanation


def test_school_without_open_cycle_is_told_so(school_client, municipality):
    response = school_client.get(url("mine", municipality))
    assert "er is geen open cyclus" in response.content.decode()
    response = school_client.post(url("mine", municipality), follow=True)
    assert "Er is geen open cyclus" in response.content.decode()
    assert not SchoolAnalysis.objects.exists()
