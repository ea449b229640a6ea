"""A second-factor page's htmx fragments (the header's bell) get nothing while the session is
pending: a redirect would be followed by htmx and put the verify page inside the header, and
the login's "next" would become the fragment's URL."""

import pytest
from django.urls import reverse

from accounts.twofactor import PENDING_KEY

pytestmark = pytest.mark.django_db


def _pending_client(client, officer):
    client.force_login(officer)
    session = client.session
    session[PENDING_KEY] = True
    session.save()
    return client


def test_an_htmx_fragment_of_a_pending_session_gets_no_content(client, officer):
    pending = _pending_client(client, officer)
    response = pending.get(reverse("notifications:badge"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response.content == b""


def test_a_page_of_a_pending_session_still_goes_to_the_second_factor(client, officer):
    pending = _pending_client(client, officer)
    response = pending.get(reverse("notifications:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_bell_is_not_shown_on_a_second_factor_page(client, officer):
    pending = _pending_client(client, officer)
    response = pending.get(reverse("accounts:two_factor_verify"))
    assert reverse("notifications:badge") not in response.content.decode()
