"""The bell, the notification list, opening (marks read), 'alles gelezen', and preferences."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import Role
from notifications.models import Frequency, Kind, Notification, Preference
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _notification(user, municipality, n=0, **kwargs):
    return Notification.objects.create(
        municipality=municipality,
        user=user,
        kind=kwargs.pop("kind", Kind.PHASE_STALLED),
        key=f"k{n}:{user.pk}:{municipality.pk}",
        day=datetime.date(2027, 1, 4),
        title=kwargs.pop("title", f"Fase Data staat al 9 weken stil ({n})"),
        text="De fase is sinds 2 november niet veranderd.",
        url=reverse("municipalities:dashboard", args=[municipality.slug]),
        **kwargs,
    )


def test_the_header_has_a_bell_that_loads_its_count(officer_client, officer, municipality):
    _notification(officer, municipality)
    page = officer_client.get(reverse("municipalities:dashboard", args=[municipality.slug]))
    html = page.content.decode()
    assert f'href="{reverse("notifications:list")}"' in html
    assert f'hx-get="{reverse("notifications:badge")}"' in html
    badge = officer_client.get(reverse("notifications:badge")).content.decode()
    assert "Meldingen" in badge and ">1<" in badge and "ongelezen" in badge


def test_list_open_marks_read_and_goes_to_the_link(officer_client, officer, municipality):
    item = _notification(officer, municipality)
    page = officer_client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert "Fase Data staat al 9 weken stil (0)" in page.content.decode()
    assert "1 ongelezen melding." in page.content.decode()

    response = officer_client.get(reverse("notifications:open", args=[item.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("municipalities:dashboard", args=[municipality.slug])
    item.refresh_from_db()
    assert item.read_at is not None
    assert (
        "0 ongelezen meldingen."
        in officer_client.get(reverse("notifications:list")).content.decode()
    )


def test_alles_gelezen_marks_all_of_mine_and_no_one_elses(
    officer_client, officer, municipality, member_factory
):
    mine = [_notification(officer, municipality, n) for n in range(3)]
    colleague = member_factory(municipality, Role.POLICY_OFFICER)
    theirs = _notification(colleague, municipality, 9)
    response = officer_client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_another_users_notification_is_a_404_and_stays_unread(
    officer_client, municipality, member_factory
):
    colleague = member_factory(municipality, Role.POLICY_OFFICER)
    theirs = _notification(colleague, municipality)
    assert officer_client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert theirs.title not in officer_client.get(reverse("notifications:list")).content.decode()


def test_a_municipality_left_hides_its_notifications(officer_client, officer, other_municipality):
    """A membership that ended: that municipality's notifications are no longer shown."""
    membership = MembershipFactory(municipality=other_municipality, user=officer)
    item = _notification(officer, other_municipality, title="Zwolle: fase staat stil")
    assert (
        "Zwolle: fase staat stil"
        in officer_client.get(reverse("notifications:list")).content.decode()
    )
    membership.ended_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    membership.save()
    assert (
        "Zwolle: fase staat stil"
        not in officer_client.get(reverse("notifications:list")).content.decode()
    )
    assert officer_client.get(reverse("notifications:open", args=[item.pk])).status_code == 404


def test_the_list_needs_a_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_query_count_does_not_grow_with_the_rows(officer_client, officer, municipality):
    _notification(officer, municipality, 0)
    url = reverse("notifications:list")
    officer_client.get(url)  # warm up the session
    with CaptureQueriesContext(connection) as one:
        officer_client.get(url)
    for n in range(1, 20):
        _notification(officer, municipality, n)
    with CaptureQueriesContext(connection) as many:
        officer_client.get(url)
    assert len(many.captured_queries) == len(one.captured_queries)


def test_preferences_are_chosen_per_kind(officer_client, officer):
    url = reverse("notifications:preferences")
    page = officer_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Inleverdatum schoolanalyse" in html and "Dagelijks overzicht" in html
    data = dict.fromkeys(Kind.values, Frequency.IMMEDIATE)
    data[Kind.ANALYSIS_DUE] = Frequency.WEEKLY
    data[Kind.WEEKLY_SUMMARY] = Frequency.OFF
    assert officer_client.post(url, data).status_code == 302
    stored = dict(Preference.objects.filter(user=officer).values_list("kind", "frequency"))
    assert stored[Kind.ANALYSIS_DUE] == Frequency.WEEKLY
    assert stored[Kind.WEEKLY_SUMMARY] == Frequency.OFF


def test_preferences_with_a_missing_choice_answer_400_and_save_nothing(officer_client, officer):
    response = officer_client.post(
        reverse("notifications:preferences"), {Kind.ANALYSIS_DUE: Frequency.OFF}
    )
    assert response.status_code == 400
    assert "Kies hoe je deze meldingen wilt krijgen." in response.content.decode()
    assert not Preference.objects.filter(user=officer).exists()
