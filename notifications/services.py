"""Writes for notifications: the daily pass (reminders, mails, digests), preferences,
unsubscribing, and marking read. Keyword-only arguments, named ``<thing>_<verb>``.

``daily_pass(today=...)`` is what beat runs every morning and ``manage.py send_reminders`` runs
by hand: it finds the occasions of the day (notifications.reminders), adds a notification per
user for each that is new (the unique (user, key) makes a second run add nothing), queues a mail
at once for users who want that kind immediately, and a digest for those who want it daily (every
pass) or weekly (Mondays). Notifications and their mails are saved together, in chunks: the
worker sends a chunk's mails after its commit, while the pass goes on with the next.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from accounts.models import user_languages
from core.mail import mail_queue_many
from notifications.mailing import digest_mail, notification_mail
from notifications.models import Frequency, Kind, MailState, Notification, Preference
from notifications.reminders import Occasion, occasions_for

logger = logging.getLogger(__name__)
CHUNK = 500
# Notifications saved (and their mails queued) per transaction in the daily pass.
MAIL_CHUNK = 200


@dataclass
class PassResult:
    notifications: int = 0
    immediate: int = 0
    digests: int = 0

    @property
    def queued(self) -> int:
        """Mails queued by this pass."""
        return self.immediate + self.digests


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def preferences_for(*, user_ids) -> dict[tuple[int, str], str]:
    """{(user id, kind): frequency} for the rows that exist (no row: immediately)."""
    found = {}
    for chunk in _chunks(sorted(user_ids)):
        for user_id, kind, frequency in Preference.objects.filter(user_id__in=chunk).values_list(
            "user_id", "kind", "frequency"
        ):
            found[(user_id, kind)] = frequency
    return found


def _existing_keys(*, pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    keys = sorted({key for _user, key in pairs})
    users = {user for user, _key in pairs}
    found = set()
    for chunk in _chunks(keys):
        found.update(
            (u, k)
            for u, k in Notification.objects.filter(key__in=chunk).values_list("user_id", "key")
            if u in users
        )
    return found


def _users(*, user_ids) -> dict[int, object]:
    User = get_user_model()
    found = {}
    for chunk in _chunks(sorted(user_ids)):
        for user in User.objects.filter(pk__in=chunk, is_active=True).only(
            "pk", "email", "display_name"
        ):
            found[user.pk] = user
    return found


def _texts(occasion: Occasion, language: str, cache: dict) -> tuple[str, str]:
    key = (id(occasion), language)
    if key not in cache:
        with translation.override(language):
            cache[key] = occasion.texts()
    return cache[key]


def _mail_state(frequency: str) -> str:
    """What becomes of a new notification's mail under the user's frequency for its kind."""
    if frequency == Frequency.OFF:
        return MailState.NONE
    return MailState.MAILED if frequency == Frequency.IMMEDIATE else MailState.WAITING


def daily_pass(*, today: datetime.date | None = None) -> PassResult:
    """Run the day's pass as if it were ``today``. Idempotent per recipient, kind and day."""
    today = today or timezone.localdate()
    occasions = occasions_for(today=today)
    pairs = [(user_id, occasion) for occasion in occasions for user_id in occasion.user_ids]
    existing = _existing_keys(pairs=[(u, o.key) for u, o in pairs])
    new = [(u, o) for u, o in pairs if (u, o.key) not in existing]
    user_ids = {u for u, _o in new}
    users = _users(user_ids=user_ids)
    languages = user_languages(user_ids=list(users))
    preferences = preferences_for(user_ids=users)
    cache: dict = {}
    rows = []
    for user_id, occasion in new:
        user = users.get(user_id)
        if user is None:
            continue
        title, text = _texts(occasion, languages[user_id], cache)
        frequency = preferences.get((user_id, occasion.kind), Frequency.IMMEDIATE)
        rows.append(
            Notification(
                municipality=occasion.municipality,
                user_id=user_id,
                kind=occasion.kind,
                key=occasion.key,
                day=today,
                title=title[:300],
                text=text,
                url=occasion.url,
                mail_state=_mail_state(frequency),
            )
        )
    result = PassResult()
    # In chunks, each its own transaction: the worker starts sending the first mails while the
    # pass renders the rest. A chunk's notifications and mails are saved together or not at all;
    # a pass that stops half-way is completed by the next run (the keys say what is done).
    for chunk in _chunks(rows, MAIL_CHUNK):
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(chunk)
                mails = [
                    notification_mail(
                        notification=row, user=users[row.user_id], language=languages[row.user_id]
                    )
                    for row in created
                    if row.mail_state == MailState.MAILED
                ]
                mail_queue_many(mails=mails)
        except IntegrityError:
            # Another pass for the same day is saving these notifications right now (beat
            # fired twice): it sends them; this one skips the chunk.
            logger.warning("daily pass for %s: a concurrent pass got there first", today)
            continue
        result.notifications += len(created)
        result.immediate += len(mails)
    with transaction.atomic():
        digests = _digest_mails(today=today)
        mail_queue_many(mails=digests)
    result.digests = len(digests)
    return result


def _digest_mails(*, today: datetime.date) -> list:
    """Digests of waiting notifications: daily ones every pass, weekly ones on Mondays. The rows
    are marked mailed in the same transaction, so a second pass finds none."""
    frequencies = [Frequency.DAILY] + ([Frequency.WEEKLY] if today.weekday() == 0 else [])
    wanted = Preference.objects.filter(
        user=OuterRef("user_id"), kind=OuterRef("kind"), frequency__in=frequencies
    )
    waiting = list(
        Notification.objects.filter(mail_state=MailState.WAITING)
        .filter(Exists(wanted))
        .select_related("municipality")
        .select_for_update(of=("self",))
        .order_by("user_id", "pk")
    )
    if not waiting:
        return []
    users = _users(user_ids={n.user_id for n in waiting})
    languages = user_languages(user_ids=list(users))
    preferences = preferences_for(user_ids=users)
    per_user: dict[int, list[Notification]] = {}
    for notification in waiting:
        per_user.setdefault(notification.user_id, []).append(notification)
    mails, mailed = [], []
    for user_id, items in per_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        weekly = all(preferences.get((user_id, n.kind)) == Frequency.WEEKLY for n in items)
        mails.append(
            digest_mail(user=user, notifications=items, language=languages[user_id], weekly=weekly)
        )
        mailed.extend(n.pk for n in items)
    for chunk in _chunks(mailed):
        Notification.objects.filter(pk__in=chunk, mail_state=MailState.WAITING).update(
            mail_state=MailState.MAILED
        )
    return mails


# --- Preferences and unsubscribing ------------------------------------------------------------


def preferences_set(*, user, frequencies: dict[str, str]) -> None:
    """Store the user's choice per kind (only kinds that can be chosen)."""
    with transaction.atomic():
        for kind, frequency in frequencies.items():
            if kind not in Kind.values or frequency not in Frequency.values:
                continue
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"frequency": frequency}
            )


def unsubscribe(*, user_id: int, kinds: list[str]) -> list[str]:
    """Turn off the mail of ``kinds`` for the user (the one-click POST and the page's button).
    Notifications of those kinds that wait for a digest are not mailed any more. Returns the
    kinds turned off; an unknown or deleted user changes nothing."""
    if not get_user_model().objects.filter(pk=user_id).exists():
        return []
    with transaction.atomic():
        for kind in kinds:
            Preference.objects.update_or_create(
                user_id=user_id, kind=kind, defaults={"frequency": Frequency.OFF}
            )
        Notification.objects.filter(
            user_id=user_id, kind__in=kinds, mail_state=MailState.WAITING
        ).update(mail_state=MailState.NONE)
    return kinds


# --- Reading -------------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- Events from the analyses workflow -------------------------------------------------------


def analysis_mail_received(sender=None, *, template: str, items, **kwargs) -> set[str]:
    """Receiver of ``analyses.signals.analysis_mail``: each recipient who is a user gets the
    message as a notification (the bell), mailed as their preference for "Berichten over
    schoolanalyses" says: at once (with the unsubscribe link and headers), in a digest, or not.
    Returns the addresses taken; analyses mails any other address directly."""
    from django.db.models.functions import Lower

    from core.mail import mail_render

    addresses = {address.lower() for _context, address in items}
    users = {
        user.email_lower: user
        for user in get_user_model()
        .objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=addresses)
    }
    if not users:
        return set()
    ids = [user.pk for user in users.values()]
    languages = user_languages(user_ids=ids)
    preferences = preferences_for(user_ids=ids)
    today = timezone.localdate()
    rows = []
    for context, address in items:
        user = users.get(address.lower())
        if user is None:
            continue
        subject, text, _html = mail_render(
            subject_template=f"analyses/email/{template}_subject.txt",
            text_template=f"analyses/email/{template}_body.txt",
            context=context,
            language=languages[user.pk],
        )
        frequency = preferences.get((user.pk, Kind.ANALYSIS_UPDATE), Frequency.IMMEDIATE)
        rows.append(
            Notification(
                municipality=context["municipality"],
                user=user,
                kind=Kind.ANALYSIS_UPDATE,
                key=f"analysis:{template}:{uuid.uuid4().hex}",
                day=today,
                title=subject[:300],
                text=text,
                url=urlsplit(context.get("link") or "").path,
                mail_state=_mail_state(frequency),
            )
        )
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        mail_queue_many(
            mails=[
                notification_mail(notification=row, user=row.user, language=languages[row.user_id])
                for row in created
                if row.mail_state == MailState.MAILED
            ]
        )
    return set(users)
