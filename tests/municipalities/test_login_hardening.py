"""Login hardening, checked by behaviour: Argon2, cookie flags, inactivity expiry, IP throttling."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

import npo_platform.settings as production
from tests.factories import TEST_PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password=TEST_PASSWORD, ip="192.0.2.10"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_passwords_are_hashed_with_argon2_and_old_hashes_upgraded(client, settings):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = UserFactory(email="a@utrecht.nl")
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert login(client, "a@utrecht.nl").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_session_cookie_is_secure_httponly_and_samesite(client):
    UserFactory(email="a@utrecht.nl")
    response = login(client, "a@utrecht.nl")
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == production.SESSION_COOKIE_AGE == 2 * 60 * 60


def test_session_expires_after_inactivity_and_slides_while_active(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = f"/g/{membership.municipality.slug}/"
    session = Session.objects.get()
    # The last refresh was long ago (SessionTouchMiddleware refreshes at most once a minute).
    store = SessionStore(session_key=session.pk)
    store["_touched"] = 0
    store.save()
    # Activity pushes the expiry forward.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(page).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=110)
    # Two hours without a request: the session is gone.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(page)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_failed_logins_from_one_address_lock_that_address(client, settings):
    UserFactory(email="echt@utrecht.nl")
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"geraden{n}@utrecht.nl", "fout", ip="198.51.100.1")
    locked = login(client, "echt@utrecht.nl", ip="198.51.100.1")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The account itself is not locked: from another address it logs in.
    assert login(client, "echt@utrecht.nl", ip="198.51.100.2").status_code == 302


def test_an_active_session_is_written_at_most_once_a_minute(client):
    """Sliding expiry without a database write per request (SessionTouchMiddleware)."""
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = f"/g/{membership.municipality.slug}/"
    client.get(page)
    first = Session.objects.get().expire_date
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and "UPDATE" in q["sql"].upper()
    ]
    assert writes == []
    assert Session.objects.get().expire_date == first
