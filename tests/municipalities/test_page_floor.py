"""The floor of a tenant page (issue 23): what a page under ``/g/<slug>/`` asks the database
before it reads anything of its own. The partner list shows it: the session, the user, the
user's memberships (one read for the access check and for the header's municipality switcher),
then the page's own two (the partners, their schools); the theme comes from the cache when the
page cache is on, else it is one query more."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from municipalities.models import Role
from tests.factories import MembershipFactory, MunicipalityFactory, SchoolFactory
from tests.schools.factories import PartnerOrganisationFactory

pytestmark = pytest.mark.django_db

FLOOR = 3  # session, user, memberships
PAGE = 2  # partners, their schools


def _partners(municipality, n: int) -> None:
    for _ in range(n):
        partner = PartnerOrganisationFactory(municipality=municipality)
        partner.schools.add(SchoolFactory(municipality=municipality))


def _get(client, municipality):
    path = reverse("schools:partner_list", args=[municipality.slug])
    client.get(path)  # the session and the kept theme settle
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def test_the_partner_list_asks_the_floor_and_its_own_two_queries(officer_client, municipality):
    _partners(municipality, 2)
    response, queries = _get(officer_client, municipality)
    assert len(response.context["partners"]) == 2
    assert len(queries) == FLOOR + PAGE, queries
    memberships = [sql for sql in queries if 'FROM "municipalities_membership"' in sql]
    assert len(memberships) == 1  # the access check and the switcher share one read
    assert not any('"theming_municipalitytheme"' in sql for sql in queries)  # kept


def test_the_floor_does_not_grow_with_partners_or_municipalities(client, municipality):
    user = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    client.force_login(user)
    _partners(municipality, 1)
    _response, few = _get(client, municipality)
    _partners(municipality, 15)
    for i in range(4):
        other = MunicipalityFactory(name=f"Gemeente {i}", slug=f"gemeente-{i}")
        MembershipFactory(user=user, municipality=other, role=Role.ADVISOR)
    response, many = _get(client, municipality)
    assert len(response.context["partners"]) == 16
    assert len(many) == len(few) == FLOOR + PAGE
    body = response.content.decode()
    assert body.count("/g/gemeente-") == 4  # all in the switcher
    assert f'href="{reverse("portfolio:index")}"' in body  # an advisor elsewhere: no query


def test_without_the_page_cache_the_theme_is_one_query_more(officer_client, municipality, settings):
    settings.PAGE_CACHE_SECONDS = 0
    _partners(municipality, 2)
    _response, queries = _get(officer_client, municipality)
    assert len(queries) == FLOOR + PAGE + 1
    assert sum('"theming_municipalitytheme"' in sql for sql in queries) == 1


def test_the_switcher_on_a_tenant_page_lists_only_what_grants_access(client, municipality):
    """The switcher comes from the access check's read now: the same rule as before
    (``user_municipalities``), the current municipality included, in the order of the names."""
    user = MembershipFactory(municipality=municipality, role=Role.ADVISOR).user
    today = timezone.localdate()
    shown = [MunicipalityFactory(name=n, slug=n.lower()) for n in ("Zwolle", "Amersfoort")]
    for other in shown:
        MembershipFactory(user=user, municipality=other, role=Role.ADVISOR)
    ended = MunicipalityFactory(name="Beeindigd", slug="beeindigd")
    MembershipFactory(user=user, municipality=ended, role=Role.ADVISOR, ended_at=timezone.now())
    expired = MunicipalityFactory(name="Verlopen", slug="verlopen")
    MembershipFactory(
        user=user,
        municipality=expired,
        role=Role.ADVISOR,
        valid_until=today - timedelta(days=1),
    )
    inactive = MunicipalityFactory(name="Opgeheven", slug="opgeheven", is_active=False)
    MembershipFactory(user=user, municipality=inactive, role=Role.ADVISOR)
    client.force_login(user)
    response = client.get(reverse("schools:partner_list", args=[municipality.slug]))
    switcher = response.context["my_municipalities"]
    assert [m.name for m in switcher] == ["Amersfoort", "Utrecht", "Zwolle"]
    body = response.content.decode()
    assert "Wissel van gemeente" in body
    for gone in ("beeindigd", "verlopen", "opgeheven"):
        assert f"/g/{gone}/" not in body
        assert client.get(f"/g/{gone}/partners/").status_code == 404


def test_the_portfolio_link_only_for_an_advisor(client, municipality, other_municipality):
    user = MembershipFactory(municipality=municipality, role=Role.POLICY_OFFICER).user
    MembershipFactory(user=user, municipality=other_municipality, role=Role.VIEWER)
    client.force_login(user)
    response, _queries = _get(client, municipality)
    body = response.content.decode()
    assert "Wissel van gemeente" in body and f"/g/{other_municipality.slug}/" in body
    assert f'href="{reverse("portfolio:index")}"' not in body
