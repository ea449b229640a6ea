"""Login hardening, checked by behaviour: Argon2, cookie flags, inactivity expiry, IP throttling."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.cache import caches
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


def _session_store(session_key: str):
    """The session as the configured engine keeps it (cached_db with Redis, db without), so the
    test changes it the way the app would, in the cache and the database alike."""
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def test_session_expires_after_inactivity_and_slides_while_active(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = f"/g/{membership.municipality.slug}/"
    key = Session.objects.get().pk
    # The last refresh was long ago (SessionTouchMiddleware refreshes at most once a minute),
    # and five minutes are left.
    store = _session_store(key)
    store["_touched"] = 0
    store.save()
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=5))
    # Activity pushes the expiry forward.
    assert client.get(page).status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=110)
    # Two hours without a request: the session is gone. (With cached_db the cached copy was
    # stored with the session's age as its timeout, so it expires at the same moment.)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    if hasattr(store, "cache_key"):
        caches[settings.SESSION_CACHE_ALIAS].delete(store.cache_key)
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
