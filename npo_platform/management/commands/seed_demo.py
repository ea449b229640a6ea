from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from municipalities.demo import DEMO_PASSWORD, DEMO_USERS
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
        self.stdout.write(f"Demologins (wachtwoord voor allemaal: {DEMO_PASSWORD}):")
        for login, _memberships in DEMO_USERS:
            self.stdout.write(f"  {login.email:<28} {login.display_name} – {login.description}")
