"""Mails of notifications: one at once, or a digest grouped per municipality; each with an
unsubscribe link and the RFC 8058 headers (``List-Unsubscribe`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``), sent through ``core.mail``.

The unsubscribe token is signed (django.core.signing) and names the user and the kinds the mail
was about; it needs no login and stays valid (a mail read months later must still work).
"""

from __future__ import annotations

import functools
from collections import OrderedDict

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, reverse

from core.mail import Mail, mail_render
from notifications.models import Kind, Notification

SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kinds) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, list[str]]:
    """The user id and kinds of a token; raises signing.BadSignature when it was not ours."""
    data = signing.loads(token, salt=SALT)
    kinds = [k for k in data.get("k", []) if k in Kind.values]
    if not isinstance(data.get("u"), int) or not kinds:
        raise signing.BadSignature("incomplete token")
    return data["u"], kinds


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def _headers(unsubscribe_url: str) -> dict[str, str]:
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@functools.lru_cache(maxsize=8)
def _path_with(name: str, placeholder: str, prefix: str) -> str:
    """The URL path of ``name`` with ``placeholder`` as its argument, reversed once per prefix:
    a pass writes thousands of these links."""
    return reverse(name, args=[placeholder])


def _path(name: str, placeholder: str, value: str) -> str:
    return _absolute(_path_with(name, placeholder, get_script_prefix()).replace(placeholder, value))


def _open_url(notification: Notification) -> str:
    # Through the list's "open" link: the notification is marked read when it is followed.
    return _path("notifications:open", "987654321", str(notification.pk))


def _unsubscribe_url(*, user_id: int, kinds) -> str:
    token = unsubscribe_token(user_id=user_id, kinds=kinds)
    return _path("notifications:unsubscribe", "TOKEN", token)


def notification_mail(*, notification: Notification, user, language: str) -> Mail:
    """The mail of one notification, sent at once."""
    unsubscribe_url = _unsubscribe_url(user_id=user.pk, kinds=[notification.kind])
    context = {
        "user": user,
        "notification": notification,
        "municipality": notification.municipality,
        "link": _open_url(notification),
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": _absolute(reverse("notifications:preferences")),
        "kind_label": Kind(notification.kind).label,
    }
    subject, text, html = mail_render(
        subject_template="mail/notification_subject.txt",
        text_template="mail/notification.txt",
        html_template="mail/notification.html",
        context=context,
        language=language,
    )
    return Mail(
        to=user.email,
        subject=subject,
        text=text,
        html=html,
        kind=notification.kind,
        headers=_headers(unsubscribe_url),
    )


def digest_mail(*, user, notifications: list[Notification], language: str, weekly: bool) -> Mail:
    """One mail with the user's waiting notifications, grouped per municipality."""
    groups: OrderedDict = OrderedDict()
    for notification in sorted(notifications, key=lambda n: (n.municipality.name, n.day, n.pk)):
        groups.setdefault(notification.municipality, []).append(
            {"notification": notification, "link": _open_url(notification)}
        )
    kinds = sorted({n.kind for n in notifications})
    unsubscribe_url = _unsubscribe_url(user_id=user.pk, kinds=kinds)
    per_kind = [
        {
            "label": Kind(kind).label,
            "url": _unsubscribe_url(user_id=user.pk, kinds=[kind]),
        }
        for kind in kinds
    ]
    context = {
        "user": user,
        "groups": list(groups.items()),
        "count": len(notifications),
        "weekly": weekly,
        # One municipality: its name in the mail's header; several: each group is headed by it.
        "municipality": next(iter(groups)) if len(groups) == 1 else None,
        "unsubscribe_url": unsubscribe_url,
        "unsubscribe_per_kind": per_kind,
        "preferences_url": _absolute(reverse("notifications:preferences")),
    }
    subject, text, html = mail_render(
        subject_template="mail/digest_subject.txt",
        text_template="mail/digest.txt",
        html_template="mail/digest.html",
        context=context,
        language=language,
    )
    return Mail(
        to=user.email,
        subject=subject,
        text=text,
        html=html,
        kind="digest_weekly" if weekly else "digest_daily",
        headers=_headers(unsubscribe_url),
    )
