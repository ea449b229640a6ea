"""The page cache (municipalities.pagecache): a cached page is served only to the user it was
rendered for, only while access still holds, and never after the data it shows has changed."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cycles.models import Cycle, Phase
from municipalities import pagecache
from municipalities.models import Membership, Role
from schools.models import PupilCount
from tests.analyses.factories import open_cycle
from tests.factories import MembershipFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _url(municipality) -> str:
    return reverse("municipalities:dashboard", args=[municipality.slug])


def _get(client, municipality, **kwargs):
    response = client.get(_url(municipality), **kwargs)
    assert response.status_code == 200
    return response


def _cached(response) -> bool:
    """The test client records the template context only when the page was rendered."""
    cached = response.context is None
    assert response.get(pagecache.STATUS_HEADER) in (("hit",) if cached else ("miss", None))
    return cached


def _prime(client, municipality) -> None:
    """View the page until the client holds a CSRF cookie and the page is in the cache."""
    _get(client, municipality)  # without a CSRF cookie yet: rendered, not kept
    assert not _cached(_get(client, municipality))  # rendered and kept
    assert _cached(_get(client, municipality))


@pytest.fixture
def cycle(municipality):
    return open_cycle(municipality)


def test_second_view_is_served_from_the_cache_with_fewer_queries(
    officer_client, municipality, cycle, django_assert_max_num_queries
):
    _prime(officer_client, municipality)
    pagecache.retire_all()
    with CaptureQueriesContext(connection) as rendered:
        first = _get(officer_client, municipality)
    with CaptureQueriesContext(connection) as served:
        second = _get(officer_client, municipality)
    assert not _cached(first) and _cached(second)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert len(served) < len(rendered)


def test_a_save_retires_the_page(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    assert "Huidige fase: <strong>Data</strong>" in _get(officer_client, municipality).text
    cycle.phase = Phase.DUIDEN
    cycle.save()
    response = _get(officer_client, municipality)
    assert not _cached(response)
    assert "Huidige fase: <strong>Duiden</strong>" in response.text


def test_a_queryset_update_retires_the_page(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    Cycle.objects.for_municipality(municipality).update(phase=Phase.DOELEN)  # no signals
    response = _get(officer_client, municipality)
    assert not _cached(response)
    assert "Huidige fase: <strong>Doelen</strong>" in response.text


def test_a_bulk_create_retires_the_page(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    Membership.objects.bulk_create(
        [Membership(municipality=municipality, user=MembershipFactory().user, role=Role.VIEWER)]
    )
    assert not _cached(_get(officer_client, municipality))


def test_a_change_in_another_municipality_keeps_the_page(
    officer_client, municipality, other_municipality, cycle
):
    other = open_cycle(other_municipality)
    _prime(officer_client, municipality)
    Cycle.objects.filter(pk=other.pk).update(phase=Phase.DOEN)
    assert _cached(_get(officer_client, municipality))


def test_reference_data_change_retires_every_page(officer_client, municipality, cycle):
    school = SchoolFactory(municipality=municipality)
    _prime(officer_client, municipality)
    PupilCount.objects.create(school=school, year=2024, count=123)  # no municipality column
    assert not _cached(_get(officer_client, municipality))


def test_pages_are_per_user(client, municipality, cycle, member_factory):
    anna = member_factory(municipality, Role.POLICY_OFFICER, user__display_name="Anna")
    bram = member_factory(municipality, Role.VIEWER, user__display_name="Bram")
    client.force_login(anna)
    _prime(client, municipality)
    assert "Anna" in _get(client, municipality).text
    other = Client()
    other.force_login(bram)
    _prime(other, municipality)
    response = _get(other, municipality)
    assert _cached(response)
    assert "Bram" in response.text and "Anna" not in response.text
    assert "Start een cyclus" not in response.text


def test_an_ended_membership_is_refused_at_once(officer_client, officer, municipality, cycle):
    _prime(officer_client, municipality)
    Membership.objects.filter(user=officer).update(ended_at="2026-01-01T00:00:00Z")
    assert officer_client.get(_url(municipality)).status_code == 404


def test_a_new_membership_elsewhere_shows_in_the_switcher(
    officer_client, officer, municipality, other_municipality, cycle
):
    _prime(officer_client, municipality)
    assert "Zwolle" not in _get(officer_client, municipality).text
    MembershipFactory(user=officer, municipality=other_municipality, role=Role.VIEWER)
    response = _get(officer_client, municipality)
    assert not _cached(response) and "Zwolle" in response.text


def test_waiting_messages_are_shown_not_a_cached_page(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    message = Message(constants.SUCCESS, "Opgeslagen.")
    officer_client.cookies[CookieStorage.cookie_name] = CookieStorage(HttpRequest())._encode(
        [message]
    )
    response = _get(officer_client, municipality)
    assert not _cached(response)
    assert "Opgeslagen." in response.text
    # The page with the message is not kept: the next view neither repeats it nor is stale.
    assert "Opgeslagen." not in _get(officer_client, municipality).text


def test_without_a_csrf_cookie_nothing_is_served_from_the_cache(officer, municipality, cycle):
    client = Client()
    client.force_login(officer)
    _prime(client, municipality)
    client.cookies.pop("csrftoken", None)
    assert not _cached(_get(client, municipality))
    client.cookies["csrftoken"] = "not-a-csrf-secret"  # Django replaces it: so no cached page
    assert not _cached(_get(client, municipality))


def test_the_language_is_part_of_the_key(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    assert "Huidige fase" in _get(officer_client, municipality).text
    officer_client.cookies["django_language"] = "en"
    response = _get(officer_client, municipality)
    assert not _cached(response) and "Current phase" in response.text


def test_htmx_and_query_string_are_part_of_the_key(officer_client, municipality):
    url = reverse("schools:school_list", args=[municipality.slug])
    htmx = {"HX-Request": "true"}
    officer_client.get(url)  # the CSRF cookie
    full = officer_client.get(url)
    partial = officer_client.get(url, headers=htmx)
    assert "<html" in full.text and "<html" not in partial.text
    assert not _cached(partial)
    assert _cached(officer_client.get(url)) and _cached(officer_client.get(url, headers=htmx))
    assert "<html" not in officer_client.get(url, headers=htmx).text
    assert "<html" in officer_client.get(url).text
    assert not _cached(officer_client.get(url, {"q": "abc"}))


def test_a_page_rendered_inside_a_transaction_is_retired_after_the_commit(
    officer_client, municipality, cycle, django_capture_on_commit_callbacks
):
    """A request that renders while a write is not yet committed stores its page under the
    intermediate version; the replacement after the commit makes sure it is never served."""
    _prime(officer_client, municipality)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(phase=Phase.DOEN)
        during = _get(officer_client, municipality)
        assert not _cached(during)
        assert _cached(_get(officer_client, municipality))
    assert not _cached(_get(officer_client, municipality))


def test_post_requests_are_never_served_from_the_cache(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    assert officer_client.post(_url(municipality)).status_code == 405


def test_switched_off_by_setting(officer_client, municipality, cycle, settings):
    _prime(officer_client, municipality)
    settings.PAGE_CACHE_SECONDS = 0
    assert not _cached(_get(officer_client, municipality))


def test_a_cached_page_is_served_without_the_membership_query(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    with CaptureQueriesContext(connection) as served:
        assert _cached(_get(officer_client, municipality))
    tables = " ".join(q["sql"] for q in served.captured_queries)
    assert "municipalities_membership" not in tables
    assert "municipalities_municipality" not in tables


def test_another_role_gets_a_freshly_checked_page(officer_client, officer, municipality, cycle):
    edit_url = reverse("budgets:overview", args=[municipality.slug])
    officer_client.get(edit_url)
    officer_client.get(edit_url)
    assert _cached(officer_client.get(edit_url))
    Membership.objects.filter(user=officer).update(role=Role.VIEWER)
    response = officer_client.get(edit_url)
    assert not _cached(response)
    assert response.wsgi_request.membership.role == Role.VIEWER


def test_a_deactivated_municipality_is_refused_at_once(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    type(municipality).objects.filter(pk=municipality.pk).update(is_active=False)
    assert officer_client.get(_url(municipality)).status_code == 404


def test_an_unknown_municipality_is_a_404(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    assert officer_client.get("/g/bestaat-niet/").status_code == 404


def test_a_logged_out_user_gets_the_login_page(officer_client, municipality, cycle):
    _prime(officer_client, municipality)
    officer_client.logout()
    response = officer_client.get(_url(municipality))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_portfolio_follows_its_municipalities_and_the_advisors_memberships(
    client, municipality, other_municipality, member_factory
):
    advisor = member_factory(municipality, Role.ADVISOR)
    MembershipFactory(user=advisor, municipality=other_municipality, role=Role.ADVISOR)
    client.force_login(advisor)
    url = reverse("portfolio:index")
    client.get(url)
    assert not _cached(client.get(url))
    assert _cached(client.get(url))
    open_cycle(other_municipality)  # data of one of its municipalities
    response = client.get(url)
    assert not _cached(response)
    assert _cached(client.get(url))
    Membership.objects.filter(user=advisor, municipality=other_municipality).update(
        ended_at="2026-01-01T00:00:00Z"
    )
    response = client.get(url)
    assert not _cached(response)
    assert 'id="gemeente-zwolle"' not in response.text and 'id="gemeente-utrecht"' in response.text


def test_a_membership_ended_elsewhere_leaves_the_switcher(
    officer_client, officer, municipality, other_municipality, cycle
):
    MembershipFactory(user=officer, municipality=other_municipality, role=Role.VIEWER)
    _prime(officer_client, municipality)
    assert "Zwolle" in _get(officer_client, municipality).text
    Membership.objects.filter(user=officer, municipality=other_municipality).update(
        ended_at="2026-01-01T00:00:00Z"
    )
    response = _get(officer_client, municipality)
    assert not _cached(response) and "Zwolle" not in response.text


class _BrokenCache:
    """A cache whose server cannot be reached."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_an_unreachable_cache_renders_pages_and_lets_writes_through(
    officer_client, municipality, cycle, monkeypatch, caplog
):
    _prime(officer_client, municipality)
    monkeypatch.setattr(pagecache, "_cache", lambda: _BrokenCache())
    response = _get(officer_client, municipality)
    assert not _cached(response) and "Huidige fase: <strong>Data</strong>" in response.text
    cycle.phase = Phase.DUIDEN
    cycle.save()  # the retirement fails and is logged; the write itself goes through
    assert "Page cache unavailable: could not retire" in caplog.text
    cycle.refresh_from_db()
    assert cycle.phase == Phase.DUIDEN
    assert "Huidige fase: <strong>Duiden</strong>" in _get(officer_client, municipality).text
