"""GET /g/<slug>/thema.css: the municipality's tokens from our origin, for its members only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Role
from tests.factories import MembershipFactory
from tests.theming.files import token_file
from theming.services import theme_update

pytestmark = pytest.mark.django_db


def css_url(municipality) -> str:
    return reverse("theming:theme_css", args=[municipality.slug])


def test_it_serves_the_municipalitys_tokens_as_css(officer_client, municipality):
    theme_update(municipality=municipality, token_set="rood")
    response = officer_client.get(css_url(municipality))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/css; charset=utf-8"
    text = response.content.decode()
    assert ".voorbeeld-theme.npo-theme {" in text
    assert "--basis-color-action-1-inverse-bg-default: #a3122a;" in text
    assert "url(" not in text and "@import" not in text
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_without_a_theme_it_is_the_default_theme(officer_client, municipality):
    text = officer_client.get(css_url(municipality)).content.decode()
    assert "huisstijl: voorbeeld" in text and "{" not in text


def test_the_etag_gives_a_304_until_the_theme_changes(officer_client, municipality):
    theme_update(municipality=municipality, token_set="groen")
    first = officer_client.get(css_url(municipality))
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    again = officer_client.get(css_url(municipality), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    theme_update(
        municipality=municipality,
        token_file=token_file(":root { --basis-color-action-1-inverse-bg-default: #1b4f8a; }"),
    )
    changed = officer_client.get(css_url(municipality), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "#1b4f8a" in changed.content.decode()


def test_only_that_municipalitys_members_get_it(client, municipality, other_municipality):
    theme_update(municipality=municipality, token_set="rood")
    theme_update(municipality=other_municipality, token_set="groen")
    client.force_login(MembershipFactory(municipality=other_municipality).user)
    assert client.get(css_url(municipality)).status_code == 404
    own = client.get(css_url(other_municipality)).content.decode()
    assert "#1b6b3a" in own and "#a3122a" not in own
    client.logout()
    assert client.get(css_url(municipality)).status_code == 302  # to the login page


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.POLICY_OFFICER, Role.VIEWER, Role.SCHOOL])
def test_every_role_that_sees_pages_gets_the_colours(client, municipality, role):
    client.force_login(MembershipFactory(municipality=municipality, role=role).user)
    assert client.get(css_url(municipality)).status_code == 200


def test_it_is_read_only(officer_client, municipality):
    assert officer_client.post(css_url(municipality)).status_code == 405


def test_it_takes_a_fixed_number_of_queries(officer_client, municipality):
    theme_update(municipality=municipality, token_set="rood")
    officer_client.get(css_url(municipality))
    with CaptureQueriesContext(connection) as queries:
        officer_client.get(css_url(municipality))
    # the session, the user, the membership (tenant_view), the theme
    assert len(queries) == 4, [q["sql"][:80] for q in queries]
