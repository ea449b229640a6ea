"""The conversation on an analysis and errors at their field: the accept remark is kept and sent,
the school replies to a remark, a return without remark and a refused upload are said next to
their field and in the error summary, and the school checks its answers before it submits."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from analyses.models import AnalysisAttachment, AnalysisRemark, AnalysisStatus
from municipalities.models import Role
from tests.analyses.factories import SchoolAnalysisFactory, exe_bytes
from tests.analyses.test_workflow import reviewed
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def submitted(school, cycle):
    return SchoolAnalysisFactory(
        school=school, cycle=cycle, complete=True, status=AnalysisStatus.SUBMITTED
    )


def test_it_keeps_the_accept_remark_and_sends_it_to_the_school(
    django_capture_on_commit_callbacks, officer_client, officer, municipality, submitted,
    school_member,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(
            url("review", municipality, analysis_pk=submitted.pk),
            reviewed(submitted, decision="accept", comment="Mooi onderbouwd, dank!"),
        )
    submitted.refresh_from_db()
    assert submitted.status == AnalysisStatus.ACCEPTED
    remark = AnalysisRemark.objects.get()
    assert (remark.kind, remark.text, remark.author) == (
        AnalysisRemark.Kind.ACCEPT,
        "Mooi onderbouwd, dank!",
        officer,
    )
    assert remark.municipality == municipality
    assert [m.to for m in mail.outbox] == [[school_member.email]]
    assert "Mooi onderbouwd, dank!" in mail.outbox[0].body
    page = officer_client.get(url("detail", municipality, analysis_pk=submitted.pk))
    assert "Mooi onderbouwd, dank!" in page.content.decode()


def test_an_accept_without_remark_keeps_no_remark(officer_client, municipality, submitted):
    officer_client.post(
        url("review", municipality, analysis_pk=submitted.pk),
        reviewed(submitted, decision="accept", comment="  "),
    )
    submitted.refresh_from_db()
    assert submitted.status == AnalysisStatus.ACCEPTED and not AnalysisRemark.objects.exists()


def test_return_without_remark_is_said_at_the_remark_field(officer_client, municipality, submitted):
    response = officer_client.post(
        url("review", municipality, analysis_pk=submitted.pk),
        reviewed(submitted, decision="return", comment=""),
    )
    assert response.status_code == 200
    body = response.content.decode()
    message = "Schrijf bij het terugsturen wat de school moet aanpassen."
    # In the error summary, linking to the field, and next to the field itself.
    assert re.search(r'<a class="utrecht-link" href="#id_comment">[^<]*</a>: ' + message, body)
    assert (
        f'<p class="utrecht-form-field-error-message" id="id_comment_error">{message}</p>' in body
    )
    assert not re.search(r'class="utrecht-alert[^"]*">' + message, body)  # no banner
    submitted.refresh_from_db()
    assert submitted.status == AnalysisStatus.SUBMITTED


def test_school_replies_to_the_remark_and_the_municipality_reads_it(
    django_capture_on_commit_callbacks, municipality, submitted, school_member, officer
):
    advisor = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    officer_c, school_c = Client(), Client()
    officer_c.force_login(officer)
    school_c.force_login(school_member)
    detail = url("detail", municipality, analysis_pk=submitted.pk)
    # No remark yet: nothing to reply to.
    assert "Reactie versturen" not in school_c.get(detail).content.decode()
    officer_c.post(
        url("review", municipality, analysis_pk=submitted.pk),
        reviewed(submitted, decision="return", comment="Onderbouw het aandeel rekenen."),
    )
    page = school_c.get(detail).content.decode()
    assert "Onderbouw het aandeel rekenen." in page and "Reactie versturen" in page

    empty = school_c.post(url("reply", municipality, analysis_pk=submitted.pk), {"text": " "})
    assert empty.status_code == 200
    assert "Schrijf je reactie op de opmerking van de gemeente." in empty.content.decode()
    assert 'href="#id_text"' in empty.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = school_c.post(
            url("reply", municipality, analysis_pk=submitted.pk),
            {"text": "Het aandeel komt uit de M-toetsen van januari."},
        )
    assert response.status_code == 302
    kinds = list(AnalysisRemark.objects.values_list("kind", "author"))
    assert kinds == [
        (AnalysisRemark.Kind.RETURN, officer.pk),
        (AnalysisRemark.Kind.REPLY, school_member.pk),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email, advisor.email])
    assert "Het aandeel komt uit de M-toetsen van januari." in mail.outbox[0].body
    officer_page = officer_c.get(detail).content.decode()
    assert "Het aandeel komt uit de M-toetsen van januari." in officer_page
    assert officer_page.index("Onderbouw het aandeel") < officer_page.index("M-toetsen")


def test_only_the_school_replies(municipality, submitted, officer, viewer):
    AnalysisRemark.objects.create(
        municipality=municipality, analysis=submitted, kind="terugsturen", text="x"
    )
    for user in (officer, viewer):
        client = Client()
        client.force_login(user)
        response = client.post(url("reply", municipality, analysis_pk=submitted.pk), {"text": "y"})
        assert response.status_code == 403
    assert AnalysisRemark.objects.count() == 1


def test_a_refused_upload_is_said_at_the_upload_field(school_client, municipality, school, cycle):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle)
    response = school_client.post(
        url("attachment_upload", municipality, analysis_pk=analysis.pk),
        {"file": SimpleUploadedFile("analyse.pdf", exe_bytes(), content_type="application/pdf")},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        '<a class="utrecht-link" href="#id_file">' in body
        and 'class="utrecht-form-field-error-message" id="id_file_error"' in body
    )
    assert not AnalysisAttachment.objects.exists()
    missing = school_client.post(url("attachment_upload", municipality, analysis_pk=analysis.pk))
    assert "Kies een bestand." in missing.content.decode()


def test_school_checks_its_answers_before_submitting(
    school_client, municipality, school, cycle, django_capture_on_commit_callbacks
):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle, complete=True)
    detail = school_client.get(url("detail", municipality, analysis_pk=analysis.pk))
    check_url = url("submit", municipality, analysis_pk=analysis.pk)
    assert f'href="{check_url}"' in detail.content.decode()  # a link, not a submit button
    check = school_client.get(check_url)
    body = check.content.decode()
    assert check.status_code == 200 and "Controleer je antwoorden" in body
    assert body.count(">Wijzigen<") >= 5 and "Indienen bij de gemeente" in body
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.DRAFT  # looking submits nothing
    response = school_client.post(check_url)
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.SUBMITTED
    # Submitted: the check page sends back to the analysis.
    assert school_client.get(check_url).status_code == 302


def test_an_incomplete_analysis_shows_what_is_missing_and_no_submit_button(
    school_client, municipality, school, cycle
):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle, delay_taal="groot")
    body = school_client.get(url("submit", municipality, analysis_pk=analysis.pk)).content.decode()
    assert "aandeel leerlingen bij taal/lezen" in body
    assert "Indienen bij de gemeente" not in body


def test_the_share_fields_do_not_say_optional(school_client, municipality, school, cycle):
    analysis = SchoolAnalysisFactory(school=school, cycle=cycle)
    body = school_client.get(url("edit", municipality, analysis_pk=analysis.pk)).content.decode()
    share_label = re.search(
        r'<label class="utrecht-form-label" for="id_share_taal">(.*?)</label>', body, re.S
    ).group(1)
    assert "optioneel" not in share_label


def test_a_return_remark_from_before_the_conversation_still_shows(
    school_client, municipality, school, cycle
):
    analysis = SchoolAnalysisFactory(
        school=school,
        cycle=cycle,
        status=AnalysisStatus.RETURNED,
        review_comment="Onderbouw het aandeel rekenen.",
    )
    body = school_client.get(url("detail", municipality, analysis_pk=analysis.pk)).content.decode()
    assert "Onderbouw het aandeel rekenen." in body
