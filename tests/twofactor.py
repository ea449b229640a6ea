"""Test helpers for the second sign-in factor.

Most tests are about pages, not about signing in, so ``Client.force_login`` (patched by an autouse
fixture in tests/conftest.py) leaves the session verified, as after the second step. Tests of the
second step itself log in with ``force_login_password_only``; browser journeys use
``mark_session_verified`` with the browser's session cookie (see tests/e2e/conftest.py).
"""

from importlib import import_module

from django.conf import settings
from django.test import Client

from accounts.twofactor import PENDING_KEY

_force_login = Client.force_login


def mark_session_verified(session_key: str) -> None:
    """Treat the stored session as if its second factor was given."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    store.pop(PENDING_KEY, None)
    store.save()


def force_login_verified(client: Client, user, backend=None) -> None:
    _force_login(client, user, backend)
    mark_session_verified(client.session.session_key)


def force_login_password_only(client: Client, user) -> None:
    """Logged in with the password only: the second factor is still due where it is needed."""
    _force_login(client, user)
