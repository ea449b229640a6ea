"""The user's signed-in sessions: a UserSession row beside each of Django's session rows, an
absolute lifetime on top of the idle timeout, and ending sessions.

Idle timeout: ``SESSION_IDLE_TIMEOUT`` (Django's ``SESSION_COOKIE_AGE``), pushed ahead at most once
per ``SESSION_TOUCH_INTERVAL`` by ``npo_platform.middleware.SessionTouchMiddleware``. The
UserSession's ``last_activity_at`` is written at exactly those moments, so it costs one UPDATE per
interval and none on other requests. Absolute lifetime: ``SESSION_ABSOLUTE_LIFETIME`` seconds after
the login the session ends, however active it is (the login time lives in the session: no query).
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone

from accounts.models import UserSession

RECORD_KEY = "accounts_session_id"  # the UserSession's pk
RECORD_SESSION_KEY = "accounts_session_key"  # the session key the row was last given
LOGIN_AT_KEY = "accounts_login_at"  # epoch seconds of the login
TOUCHED_KEY = "_touched"  # npo_platform.middleware.SessionTouchMiddleware.KEY


def _client_ip(request) -> str | None:
    # REMOTE_ADDR, as the audit trail does: X-Forwarded-For can say anything.
    return request.META.get("REMOTE_ADDR") or None


def session_store(session_key: str):
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key)


@receiver(user_logged_in, dispatch_uid="accounts_session_record")
def session_record(sender, request, user, **kwargs) -> None:
    """A login starts a UserSession (login() has just given the session a fresh key)."""
    if request is None or not hasattr(request, "session"):
        return
    session = request.session
    if session.session_key is None:
        session.save()
    # A login in a browser that was signed in already replaces that session's row, and rows
    # whose session has gone (expired and cleared, or ended) are dropped: one DELETE per login
    # keeps the table as small as the live sessions.
    UserSession.objects.filter(pk=session.get(RECORD_KEY)).delete()
    live = Session.objects.filter(session_key=OuterRef("session_key"))
    UserSession.objects.filter(user=user).exclude(Exists(live)).delete()
    now = timezone.now()
    record, _created = UserSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": _client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            "provider": None,
            "created_at": now,
            "last_activity_at": now,
        },
    )
    session[RECORD_KEY] = record.pk
    session[RECORD_SESSION_KEY] = session.session_key
    session[LOGIN_AT_KEY] = int(time.time())


@receiver(user_logged_out, dispatch_uid="accounts_session_forget")
def session_forget(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        UserSession.objects.filter(pk=request.session.get(RECORD_KEY)).delete()


def user_sessions(*, user) -> list[UserSession]:
    """The user's sessions that still exist and have not expired, most recently active first."""
    alive = Session.objects.filter(
        session_key=OuterRef("session_key"), expire_date__gt=timezone.now()
    )
    return list(
        UserSession.objects.filter(user=user)
        .filter(Exists(alive))
        .select_related("provider")
        .order_by("-last_activity_at")
    )


def _end(records) -> int:
    ended = 0
    for record in records:
        session_store(record.session_key).delete()
        ended += 1
    UserSession.objects.filter(pk__in=[r.pk for r in records]).delete()
    return ended


def sessions_end_others(*, user, request=None) -> int:
    """End every session of ``user`` except the one of ``request`` (after a change of password or
    second factor: a thief's session must not survive it)."""
    records = UserSession.objects.filter(user=user)
    if request is not None:
        # By the row, not the key: the password change has just cycled the key.
        records = records.exclude(pk=request.session.get(RECORD_KEY))
    return _end(list(records))


def session_end(*, user, pk: int) -> bool:
    """End one of the user's own sessions (never someone else's: filtered by user)."""
    return bool(_end(list(UserSession.objects.filter(user=user, pk=pk))))


class SessionActivityMiddleware:
    """Ends a session past its absolute lifetime, keeps the UserSession row on the current session
    key (the second sign-in step cycles it) and writes its last activity when
    SessionTouchMiddleware pushes the expiry ahead. Place it between AuthenticationMiddleware
    and SessionTouchMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return self.get_response(request)
        login_at = session.get(LOGIN_AT_KEY)
        lifetime = settings.SESSION_ABSOLUTE_LIFETIME
        if login_at is not None and lifetime and time.time() - login_at > lifetime:
            logout(request)  # session_forget removes the UserSession
            return redirect_to_login(request.get_full_path())
        touched = session.get(TOUCHED_KEY)
        response = self.get_response(request)
        record_pk = session.get(RECORD_KEY)
        if record_pk is None or not hasattr(request, "user") or not request.user.is_authenticated:
            return response
        changes = {}
        if session.session_key and session.session_key != session.get(RECORD_SESSION_KEY):
            changes["session_key"] = session.session_key
            session[RECORD_SESSION_KEY] = session.session_key
        if session.get(TOUCHED_KEY) != touched:
            changes["last_activity_at"] = timezone.now()
        if changes:
            UserSession.objects.filter(pk=record_pk).update(**changes)
        return response
