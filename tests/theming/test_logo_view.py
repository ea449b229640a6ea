"""GET /g/<slug>/thema/logo: the municipality's logo from our origin, for its members only."""

import pytest
from django.urls import reverse

from municipalities.models import Role
from tests.factories import MembershipFactory
from tests.theming.files import image_bytes, png, svg
from theming.services import theme_update

pytestmark = pytest.mark.django_db


def logo_url(municipality) -> str:
    return reverse("theming:logo", args=[municipality.slug])


def test_it_serves_the_stored_logo_inline(officer_client, municipality):
    theme_update(municipality=municipality, logo_file=png())
    response = officer_client.get(logo_url(municipality))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content) == image_bytes("PNG")
    assert "sandbox" not in response["Content-Security-Policy"]


def test_an_svg_is_sandboxed(officer_client, municipality):
    theme_update(municipality=municipality, logo_file=svg())
    response = officer_client.get(logo_url(municipality))
    assert response["Content-Type"] == "image/svg+xml"
    assert "sandbox" in [d.strip() for d in response["Content-Security-Policy"].split(";")]
    body = b"".join(response.streaming_content)
    assert b"<svg" in body and b"#a3122a" in body


def test_without_a_logo_it_is_404(officer_client, municipality):
    assert officer_client.get(logo_url(municipality)).status_code == 404
    theme_update(municipality=municipality, token_set="rood")
    assert officer_client.get(logo_url(municipality)).status_code == 404


def test_a_missing_file_is_404(officer_client, municipality):
    theme = theme_update(municipality=municipality, logo_file=png())
    theme.logo.storage.delete(theme.logo.name)
    assert officer_client.get(logo_url(municipality)).status_code == 404


def test_only_that_municipalitys_members_get_it(client, municipality, other_municipality):
    theme_update(municipality=municipality, logo_file=png())
    client.force_login(MembershipFactory(municipality=other_municipality).user)
    assert client.get(logo_url(municipality)).status_code == 404
    client.logout()
    assert client.get(logo_url(municipality)).status_code == 302


@pytest.mark.parametrize(
    "role", [Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER, Role.SCHOOL, Role.ACCOUNTANT]
)
def test_every_role_that_sees_pages_gets_it(client, municipality, role):
    theme_update(municipality=municipality, logo_file=png())
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    assert client.get(logo_url(municipality)).status_code == 200


def test_it_is_read_only(officer_client, municipality):
    theme_update(municipality=municipality, logo_file=png())
    assert officer_client.post(logo_url(municipality)).status_code == 405
