"""Error summaries name every error of the form, each linking to its field, and the field says it
too: the spending-goal form with its planned rows, a session attachment."""

import re

import pytest

from budgets.models import SpendingGoal
from tests.budgets.factories import open_cycle, stream

pytestmark = pytest.mark.django_db


def test_a_planned_rows_period_error_is_in_the_summary_and_at_its_field(
    officer_client, municipality
):
    data = {
        "cycle": open_cycle(municipality).pk,
        "category": "inhalen",
        "suboption": "zomerschool",
        "title": "Zomerschool 2024",
        "description": "",
        "gepland-TOTAL_FORMS": "1",
        "gepland-INITIAL_FORMS": "0",
        "gepland-0-stream": stream("oab").pk,
        "gepland-0-period": "2024-2025",  # OAB goes by calendar year
        "gepland-0-amount": "1.000",
    }
    response = officer_client.post("/g/utrecht/budget/bestedingsdoelen/nieuw/", data)
    assert response.status_code == 200
    body = response.content.decode()
    summary = re.search(
        r'<div class="utrecht-alert utrecht-alert--error" id="form-errors".*?</ul>', body, re.S
    ).group(0)
    assert 'href="#id_gepland-0-period"' in summary and "gaat per kalenderjaar" in summary
    assert "Regel 1, " in summary
    field = body[body.index('id="planned-row-1"') :]
    assert "gaat per kalenderjaar" in field.split("</fieldset>")[0]  # next to the field too
    assert body.count('id="form-errors"') == 1
    assert not SpendingGoal.objects.exists()


def test_a_refused_session_attachment_is_said_at_its_field_and_in_the_summary(
    client, municipality, member_factory
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from cycles.models import Phase, SessionAttachment
    from municipalities.models import Role
    from tests.cycles.factories import CycleFactory, SessionFactory

    cycle = CycleFactory(municipality=municipality, phase=Phase.DUIDEN)
    session = SessionFactory(cycle=cycle, municipality=municipality)
    client.force_login(member_factory(municipality, Role.POLICY_OFFICER))
    url = reverse("cycles:attachment_add", args=[municipality.slug, cycle.pk, session.pk])
    program = SimpleUploadedFile("verslag.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    body = client.post(url, {"file": program}).content.decode()
    summary = re.search(
        r'<div class="utrecht-alert utrecht-alert--error" id="form-errors".*?</ul>', body, re.S
    ).group(0)
    field_id = re.search(
        r'<a class="utrecht-link" href="#([^"]*file)">Bijlage</a>: Dit soort bestand', summary
    ).group(1)
    assert f'id="{field_id}"' in body  # the link leads to the file field
    assert (
        f'<p class="utrecht-form-field-error-message" id="{field_id}_error">Dit soort bestand'
        in body
    )
    assert not SessionAttachment.objects.exists()


def test_an_accountants_end_date_too_far_ahead_is_said_at_that_row_and_in_the_summary(
    officer_client, municipality
):
    from datetime import timedelta

    from django.urls import reverse

    from municipalities.models import Membership, valid_until_latest
    from tests.municipalities.test_accountant import _accountant, _today

    membership = Membership.objects.get(
        user=_accountant(municipality, _today() + timedelta(days=3))
    )
    url = reverse(
        "municipalities:team_membership_valid_until", args=[municipality.slug, membership.pk]
    )
    too_far = (valid_until_latest() + timedelta(days=1)).isoformat()
    response = officer_client.post(url, {"valid_until": too_far})
    assert response.status_code == 200
    body = response.content.decode()
    summary = re.search(
        r'<div class="utrecht-alert utrecht-alert--error" id="form-errors".*?</ul>', body, re.S
    ).group(0)
    assert f'href="#valid-until-{membership.pk}"' in summary and "12 maanden vooruit" in summary
    field_error = re.search(
        rf'<p class="utrecht-form-field-error-message" id="valid-until-{membership.pk}-error">([^<]*)</p>',
        body,
    )
    assert field_error and "12 maanden vooruit" in field_error.group(1)
    assert f'aria-describedby="valid-until-{membership.pk}-error"' in body
    membership.refresh_from_db()
    assert membership.valid_until == _today() + timedelta(days=3)
