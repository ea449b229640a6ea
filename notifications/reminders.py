"""What the daily pass finds due on a given day: one ``Occasion`` per thing to announce, with the
users it goes to. Each gatherer runs a fixed number of queries, whatever the number of
municipalities, except the final-accounting one, which computes the blocking checks per
accounting whose internal deadline is near (a handful a day).

Occasions are keyed so that each is announced once: ``analysis_due:d14`` once per school and
cycle, ``overdue:<week>`` once a week after the due date, a stalled phase once per stall (keyed by
when the phase last changed), an invitation once, the advisor's summary once per ISO week.
A gatherer also catches up: a pass missed on the exact day (a server down) still sends the
14-day reminder a day later, with the real number of days left.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analyses.models import RECEIVED_STATUSES, SchoolAnalysis
from cycles.models import Cycle, PhaseTransition
from municipalities.models import (
    EDITOR_ROLES,
    Invitation,
    Membership,
    Municipality,
    Role,
    User,
)
from notifications.models import Kind
from schools.models import School

DATE_STYLE = "j F Y"


@dataclass
class Occasion:
    """One thing to announce in one municipality. ``texts()`` gives (title, text) in the active
    language; it is called once per language."""

    municipality: Municipality
    kind: str
    key: str
    url: str
    texts: Callable[[], tuple[str, str]]
    user_ids: list[int] = field(default_factory=list)


def _date(value: datetime.date) -> str:
    return date_format(value, DATE_STYLE)


def _members(*, municipality_ids, roles) -> dict[int, list[int]]:
    """Active users per municipality with one of ``roles`` (one query)."""
    found: dict[int, list[int]] = {}
    rows = (
        Membership.objects.active()
        .filter(municipality_id__in=municipality_ids, role__in=roles, user__is_active=True)
        .values_list("municipality_id", "user_id")
        .order_by("municipality_id", "user_id")
        .distinct()
    )
    for municipality_id, user_id in rows:
        found.setdefault(municipality_id, []).append(user_id)
    return found


# --- School analyses ------------------------------------------------------------------------------


def analysis_occasion(*, due: datetime.date, today: datetime.date) -> str | None:
    """Which reminder a school without a received analysis gets today, if any: ``d14`` from 14
    days before the due date, ``d3`` from 3 days before, then ``overdue-<n>`` from the day after
    and every 7 days after that."""
    days = (due - today).days
    if 3 < days <= 14:
        return "d14"
    if 0 <= days <= 3:
        return "d3"
    if days < 0:
        return f"overdue-{(-days - 1) // 7}"
    return None


def _analysis_texts(*, school: str, municipality: str, due: datetime.date, today, occasion: str):
    def texts() -> tuple[str, str]:
        days = (due - today).days
        values = {"school": school, "municipality": municipality, "date": _date(due), "n": days}
        if occasion.startswith("overdue"):
            title = _("De schoolanalyse van %(school)s is te laat (inleverdatum %(date)s)")
            text = _(
                "De gemeente %(municipality)s heeft de NPO-schoolanalyse van %(school)s nog niet "
                "ontvangen; de inleverdatum was %(date)s. Lever hem zo snel mogelijk in. Je krijgt "
                "elke week een herinnering tot hij binnen is."
            )
        else:
            if days == 0:
                title = _("Vandaag de schoolanalyse van %(school)s inleveren")
            else:
                title = ngettext(
                    "Nog %(n)s dag: lever de schoolanalyse van %(school)s in",
                    "Nog %(n)s dagen: lever de schoolanalyse van %(school)s in",
                    days,
                )
            text = _(
                "De gemeente %(municipality)s vraagt je de NPO-schoolanalyse van %(school)s in te "
                "leveren, uiterlijk op %(date)s."
            )
        return title % values, text % values

    return texts


def analysis_due_occasions(*, today: datetime.date) -> list[Occasion]:
    """Schools whose analysis is due, to the school's users; never for a waived cycle (4 queries)."""
    cycles = {
        c.municipality_id: c
        for c in Cycle.objects.open()
        .filter(analyses_waived=False, analyses_due__isnull=False)
        .select_related("municipality")
        if analysis_occasion(due=c.analyses_due, today=today)
    }
    if not cycles:
        return []
    received = SchoolAnalysis.objects.filter(
        school=OuterRef("pk"),
        cycle_id__in=[c.pk for c in cycles.values()],
        cycle__municipality_id=OuterRef("municipality_id"),
        status__in=RECEIVED_STATUSES,
    )
    schools = list(
        School.objects.active()
        .filter(municipality_id__in=list(cycles))
        .exclude(Exists(received))
        .only("pk", "name", "municipality_id")
        .order_by("municipality_id", "name")
    )
    users: dict[int, list[int]] = {}
    for school_id, user_id in (
        Membership.objects.active()
        .filter(
            role=Role.SCHOOL,
            school_id__in=[s.pk for s in schools],
            municipality_id__in=list(cycles),
            user__is_active=True,
        )
        .values_list("school_id", "user_id")
        .order_by("school_id", "user_id")
    ):
        users.setdefault(school_id, []).append(user_id)
    occasions = []
    for school in schools:
        if school.pk not in users:
            continue
        cycle = cycles[school.municipality_id]
        occasion = analysis_occasion(due=cycle.analyses_due, today=today)
        municipality = cycle.municipality
        occasions.append(
            Occasion(
                municipality=municipality,
                kind=Kind.ANALYSIS_DUE,
                key=f"analysis_due:c{cycle.pk}:s{school.pk}:{occasion}",
                url=reverse("analyses:mine", args=[municipality.slug]),
                texts=_analysis_texts(
                    school=school.name,
                    municipality=municipality.name,
                    due=cycle.analyses_due,
                    today=today,
                    occasion=occasion,
                ),
                user_ids=users[school.pk],
            )
        )
    return occasions


# --- A phase that stalls ----------------------------------------------------------------------------


def phase_stalled_occasions(*, today: datetime.date) -> list[Occasion]:
    """Open cycles whose phase has not changed for the portfolio's stall period
    (PORTFOLIO_STALE_WEEKS), once per stall, to the editors and advisors (2 queries)."""
    stale_days = settings.PORTFOLIO_STALE_WEEKS * 7
    tz = timezone.get_current_timezone()
    latest = datetime.datetime.combine(
        today - datetime.timedelta(days=stale_days), datetime.time.max, tzinfo=tz
    )
    cycles = list(
        Cycle.objects.open()
        .filter(phase_changed_at__lte=latest, municipality__is_active=True)
        .select_related("municipality")
        .order_by("municipality_id")
    )
    members = _members(municipality_ids=[c.municipality_id for c in cycles], roles=EDITOR_ROLES)
    occasions = []
    for cycle in cycles:
        since = timezone.localtime(cycle.phase_changed_at).date()
        weeks = (today - since).days // 7

        def texts(cycle=cycle, since=since, weeks=weeks) -> tuple[str, str]:
            values = {
                "phase": cycle.get_phase_display(),
                "cycle": cycle.title,
                "weeks": weeks,
                "date": _date(since),
                "municipality": cycle.municipality.name,
            }
            title = ngettext(
                "Fase %(phase)s staat al %(weeks)s week stil (%(cycle)s)",
                "Fase %(phase)s staat al %(weeks)s weken stil (%(cycle)s)",
                weeks,
            )
            text = _(
                "De fase van %(cycle)s in %(municipality)s is sinds %(date)s niet veranderd. "
                "Kijk wat er nodig is voor de volgende stap."
            )
            return title % values, text % values

        occasions.append(
            Occasion(
                municipality=cycle.municipality,
                kind=Kind.PHASE_STALLED,
                key=f"phase_stalled:c{cycle.pk}:{since.isoformat()}",
                url=reverse("cycles:detail", args=[cycle.municipality.slug, cycle.pk]),
                texts=texts,
                user_ids=members.get(cycle.municipality_id, []),
            )
        )
    return [o for o in occasions if o.user_ids]


# --- The final accounting's internal deadline --------------------------------------------------------


def accounting_occasion(*, deadline: datetime.date, today: datetime.date) -> str | None:
    days = (deadline - today).days
    if 7 < days <= 30:
        return "d30"
    if 0 <= days <= 7:
        return "d7"
    return None


def accounting_deadline_occasions(*, today: datetime.date) -> list[Occasion]:
    """Final accountings not yet definitief whose internal deadline is 30 or 7 days away, with
    their blocking checks, to the municipality's editors and advisors."""
    from closeout.checks import accounting_checks, blocking
    from closeout.models import FinalAccounting
    from closeout.selectors import accounting_figures

    accountings = [
        a
        for a in FinalAccounting.objects.filter(
            internal_deadline__gte=today,
            internal_deadline__lte=today + datetime.timedelta(days=30),
            municipality__is_active=True,
        )
        .exclude(status=FinalAccounting.Status.FINAL)
        .select_related("municipality", "stream")
        .order_by("municipality_id", "pk")
        if accounting_occasion(deadline=a.internal_deadline, today=today)
    ]
    members = _members(
        municipality_ids=[a.municipality_id for a in accountings], roles=EDITOR_ROLES
    )
    occasions = []
    for accounting in accountings:
        if not members.get(accounting.municipality_id):
            continue
        municipality, stream = accounting.municipality, accounting.stream
        figures = accounting_figures(
            municipality=municipality, stream=stream, accounting=accounting, as_of=today
        )
        checks = blocking(accounting_checks(figures=figures, accounting=accounting))
        occasion = accounting_occasion(deadline=accounting.internal_deadline, today=today)
        deadline = accounting.internal_deadline

        def texts(stream=stream, deadline=deadline, checks=checks, municipality=municipality):
            # The checks' sentences were written in the language active when they were made;
            # they are Dutch facts about the workspace, listed as they are shown there.
            days = (deadline - today).days
            values = {
                "stream": stream.name,
                "n": days,
                "date": _date(deadline),
                "municipality": municipality.name,
            }
            title = ngettext(
                "Eindverantwoording %(stream)s: interne deadline over %(n)s dag (%(date)s)",
                "Eindverantwoording %(stream)s: interne deadline over %(n)s dagen (%(date)s)",
                days,
            )
            if checks:
                lines = [
                    ngettext(
                        "Nog %(count)s blokkerend punt voor de aftekening:",
                        "Nog %(count)s blokkerende punten voor de aftekening:",
                        len(checks),
                    )
                    % {"count": len(checks)}
                ]
                lines += [f"- {check.message}" for check in checks]
                text = "\n".join(lines)
            else:
                text = _("Er zijn geen blokkerende punten meer; de aftekening kan.")
            return title % values, text

        occasions.append(
            Occasion(
                municipality=municipality,
                kind=Kind.ACCOUNTING_DEADLINE,
                key=f"accounting_deadline:a{accounting.pk}:{deadline.isoformat()}:{occasion}",
                url=reverse("closeout:workspace", args=[municipality.slug, stream.code]),
                texts=texts,
                user_ids=members[accounting.municipality_id],
            )
        )
    return occasions


# --- Invitations that expire tomorrow -------------------------------------------------------------


def invitation_expiring_occasions(*, today: datetime.date) -> list[Occasion]:
    """Open invitations that expire tomorrow, to the person who sent them (1 query)."""
    tz = timezone.get_current_timezone()
    tomorrow = today + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=tz)
    end = start + datetime.timedelta(days=1)
    invitations = (
        Invitation.objects.open()
        .filter(
            expires_at__gte=start,
            expires_at__lt=end,
            invited_by__isnull=False,
            invited_by__is_active=True,
            municipality__is_active=True,
        )
        .select_related("municipality")
        .order_by("pk")
    )
    occasions = []
    for invitation in invitations:
        municipality = invitation.municipality

        def texts(invitation=invitation, municipality=municipality) -> tuple[str, str]:
            values = {
                "email": invitation.email,
                "municipality": municipality.name,
                "date": _date(timezone.localtime(invitation.expires_at).date()),
            }
            title = _("Je uitnodiging voor %(email)s verloopt morgen")
            text = _(
                "%(email)s heeft je uitnodiging voor %(municipality)s nog niet geaccepteerd; de "
                "link verloopt op %(date)s. Verstuur haar opnieuw met de knop bij de uitnodiging."
            )
            return title % values, text % values

        occasions.append(
            Occasion(
                municipality=municipality,
                kind=Kind.INVITATION_EXPIRING,
                key=f"invitation_expiring:i{invitation.pk}",
                # The team page at this invitation, beside its "Opnieuw versturen" button.
                url=reverse("municipalities:team", args=[municipality.slug])
                + f"#uitnodiging-{invitation.pk}",
                texts=texts,
                user_ids=[invitation.invited_by_id],
            )
        )
    return occasions


# --- The advisor's weekly summary ------------------------------------------------------------------


def weekly_summary_occasions(*, today: datetime.date) -> list[Occasion]:
    """On Mondays, per advisor and municipality: the portfolio's signals, analyses received,
    phase changes and the close-out status of the past week, with links."""
    if today.weekday() != 0:
        return []
    from closeout.models import FinalAccounting
    from portfolio.selectors import portfolio_rows

    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time.min, tz)
    until = datetime.datetime.combine(today, datetime.time.min, tz)
    advisors = _members(
        municipality_ids=Municipality.objects.filter(is_active=True).values("pk"),
        roles=[Role.ADVISOR],
    )
    if not advisors:
        return []
    ids = list(advisors)
    received = dict(
        SchoolAnalysis.objects.filter(
            municipality_id__in=ids,
            submitted_at__gte=since,
            submitted_at__lt=until,
        )
        .values_list("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    transitions = dict(
        PhaseTransition.objects.filter(
            municipality_id__in=ids, created_at__gte=since, created_at__lt=until
        )
        .values_list("municipality_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    closeout: dict[int, list[str]] = {}
    for municipality_id, status in (
        FinalAccounting.objects.filter(municipality_id__in=ids)
        .values_list("municipality_id", "status")
        .order_by("municipality_id", "pk")
    ):
        closeout.setdefault(municipality_id, []).append(status)
    week = today.isocalendar()
    users = {uid for uids in advisors.values() for uid in uids}
    occasions = []
    for user_id in sorted(users):
        # The portfolio's own signals, as the advisor sees them on the portfolio page (a fixed
        # number of queries per advisor).
        user = User(pk=user_id)
        for row in portfolio_rows(user=user, today=today):
            municipality = row.municipality
            if user_id not in advisors.get(municipality.pk, []):
                continue

            def texts(row=row, municipality=municipality) -> tuple[str, str]:
                n_received = received.get(municipality.pk, 0)
                n_moves = transitions.get(municipality.pk, 0)
                statuses = closeout.get(municipality.pk, [])
                lines = [alert.text for alert in row.alerts] or [_("Geen signalen.")]
                lines.append(
                    ngettext(
                        "%(n)s schoolanalyse ontvangen.",
                        "%(n)s schoolanalyses ontvangen.",
                        n_received,
                    )
                    % {"n": n_received}
                )
                lines.append(
                    ngettext("%(n)s faseovergang.", "%(n)s faseovergangen.", n_moves)
                    % {"n": n_moves}
                )
                labels = dict(FinalAccounting.Status.choices)
                lines.append(
                    _("Eindverantwoording: %(status)s.")
                    % {
                        "status": ", ".join(str(labels[s]) for s in statuses)
                        if statuses
                        else _("nog niet begonnen")
                    }
                )
                title = _("Weekoverzicht %(municipality)s") % {"municipality": municipality.name}
                return title, "\n".join(f"- {line}" for line in lines)

            occasions.append(
                Occasion(
                    municipality=municipality,
                    kind=Kind.WEEKLY_SUMMARY,
                    key=f"weekly_summary:m{municipality.pk}:{week.year}-W{week.week:02d}",
                    url=reverse("municipalities:dashboard", args=[municipality.slug]),
                    texts=texts,
                    user_ids=[user_id],
                )
            )
    return occasions


GATHERERS = (
    analysis_due_occasions,
    phase_stalled_occasions,
    accounting_deadline_occasions,
    invitation_expiring_occasions,
    weekly_summary_occasions,
)


def occasions_for(*, today: datetime.date) -> list[Occasion]:
    return [o for gather in GATHERERS for o in gather(today=today)]
