from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import current_code, demo_totp_key, is_demo_account
from accounts.twofactor import totp_device
from municipalities.models import User


class Command(BaseCommand):
    help = "Toont de huidige tweestapscode van een demo-account (alleen met DEBUG=true)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="E-mailadres van het demo-account")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp werkt alleen met DEBUG=true: het is voor de demo.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not is_demo_account(user):
            raise CommandError(f"{email} is geen demo-account.")
        device = totp_device(user)
        if device is None or device.key != demo_totp_key(user.email):
            raise CommandError(
                f"{email} heeft geen demo-authenticator (niet ingesteld, of zelf opnieuw ingesteld)."
            )
        self.stdout.write(current_code(device))
