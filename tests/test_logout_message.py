"""Logging out says so on the page it lands on."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_logging_out_says_so(officer_client):
    response = officer_client.post(reverse("logout"), follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0].endswith(reverse("login"))
    assert '<p class="utrecht-alert utrecht-alert--ok">Je bent uitgelogd.</p>' in body
    # Really signed out: a tenant page sends to the login page again.
    assert officer_client.get("/g/utrecht/").status_code == 302
