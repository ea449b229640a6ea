"""Demo municipalities and people for `make run`. Idempotent: running it again changes nothing."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from municipalities.models import (
    TIME_LIMITED_ROLES,
    Membership,
    Municipality,
    Role,
    User,
    valid_until_latest,
)

DEMO_PASSWORD = "npo-demo-2026"  # noqa: S105 - a published demo login; seed_demo refuses to run in production

# Real CBS codes, names and provinces (cbs-gemeenten-2023). Inhabitants are filled in by the
# reference-data import when it has run; these are the figures of gemeenten-inwoners.
DEMO_MUNICIPALITIES = [
    ("GM0344", "Utrecht", "Utrecht", 374238),
    ("GM0193", "Zwolle", "Overijssel", 132411),
    ("GM0307", "Amersfoort", "Utrecht", 160363),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    display_name: str
    description: str


DEMO_USERS = [
    (
        DemoLogin("beleid@utrecht.demo", "Fatima El Amrani", "beleidsmedewerker Utrecht"),
        [("GM0344", Role.POLICY_OFFICER)],
    ),
    (
        DemoLogin(
            "adviseur@npo-advies.demo", "Jeroen de Vries", "adviseur Utrecht, Zwolle en Amersfoort"
        ),
        [("GM0344", Role.ADVISOR), ("GM0193", Role.ADVISOR), ("GM0307", Role.ADVISOR)],
    ),
    (
        DemoLogin("wethouder@utrecht.demo", "Anouk Bakker", "meelezer (wethouder) Utrecht"),
        [("GM0344", Role.VIEWER)],
    ),
    (
        DemoLogin("beleid@zwolle.demo", "Sander Mulder", "beleidsmedewerker Zwolle"),
        [("GM0193", Role.POLICY_OFFICER)],
    ),
    (
        DemoLogin("beleid@amersfoort.demo", "Wouter Hendriks", "beleidsmedewerker Amersfoort"),
        [("GM0307", Role.POLICY_OFFICER)],
    ),
    (
        DemoLogin(
            "accountant@utrecht.demo",
            "Ruud Verbeek",
            "accountant Utrecht (budget en exports, toegang 12 maanden)",
        ),
        [("GM0344", Role.ACCOUNTANT)],
    ),
]


@transaction.atomic
def seed(stdout=None) -> list[DemoLogin]:
    by_code = {}
    for code, name, province, inhabitants in DEMO_MUNICIPALITIES:
        municipality, _ = Municipality.objects.get_or_create(
            cbs_code=code,
            defaults={
                "name": name,
                "slug": slugify(name),
                "province": province,
                "inhabitants": inhabitants,
            },
        )
        by_code[code] = municipality
    logins = []
    for login, memberships in DEMO_USERS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User.objects.create_user(
                login.email, DEMO_PASSWORD, display_name=login.display_name
            )
        for code, role in memberships:
            # The accountant's access ends on a date: 12 months from the day the demo is made,
            # renewed by a later run once it has passed.
            valid_until = valid_until_latest() if role in TIME_LIMITED_ROLES else None
            membership, created = Membership.objects.get_or_create(
                user=user,
                municipality=by_code[code],
                ended_at=None,
                defaults={"role": role, "valid_until": valid_until},
            )
            if not created and membership.is_expired:
                membership.valid_until = valid_until
                membership.save(update_fields=["valid_until"])
        logins.append(login)
    return logins
