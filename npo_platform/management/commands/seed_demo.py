from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import demo_secrets, signin_help
from municipalities.demo import DEMO_PASSWORD, DEMO_USERS
from municipalities.models import Membership
from npo_platform.demo import seed_all


class Command(BaseCommand):
    help = "Laadt de demogegevens (demogemeenten, demogebruikers) en toont de demologins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook uitvoeren als DEBUG uit staat (alleen voor tests en benchmarks).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demogegevens worden alleen geladen met DEBUG=true: ze bevatten openbare wachtwoorden."
            )
        seed_all(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demogegevens staan klaar."))
        self.stdout.write("")
        for line in signin_help():
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"Demologins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        totp_secrets = demo_secrets()
        for login, _memberships in DEMO_USERS:
            self.stdout.write(f"  {login.email:<30} {login.display_name} – {login.description}")
        # Logins other apps' seeders added (e.g. school users), read back from the database.
        listed = {login.email for login, _memberships in DEMO_USERS}
        others = (
            Membership.objects.active()
            .filter(user__email__endswith=".demo")
            .exclude(user__email__in=listed)
            .select_related("user", "municipality", "school")
            .order_by("user__email")
        )
        for m in others:
            where = f"{m.municipality.name}" + (f", {m.school.name}" if m.school else "")
            self.stdout.write(
                f"  {m.user.email:<30} {m.user.display_name} – {m.get_role_display().lower()} {where}"
            )
        if totp_secrets:
            self.stdout.write("")
            self.stdout.write(
                "Tweestapsverificatie: zet de sleutel in een authenticator-app, of vraag een code "
                "op met `python manage.py demo_totp <e-mailadres>`:"
            )
            for email, secret in sorted(totp_secrets.items()):
                self.stdout.write(f"  {email:<30} {secret}")
