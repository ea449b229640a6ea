"""``manage.py export_dossier <gemeente> <uitvoer.zip>``: the dossier of a municipality for the
archive (or, with ``--accountant``, for its accountant), written to a file.

The same builder as the dossier the workspace makes (``reports.dossier.dossier_write``), run
synchronously. The ZIP is written to a temporary file next to the target and renamed into place,
so the target is never a half-written ZIP.
"""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from budgets.models import FundingStream
from municipalities.models import Municipality
from reports.dossier import (
    AUDIENCE_ACCOUNTANT,
    AUDIENCE_ARCHIVE,
    dossier_options,
    dossier_write,
    sha256_of,
)

DEFAULT_STREAM = "npo-gemeenten"


class Command(BaseCommand):
    help = "Schrijf het dossier (ZIP) van een gemeente voor het archief of de accountant."

    def add_arguments(self, parser):
        parser.add_argument("gemeente", help="De korte naam van de gemeente, bijv. amersfoort.")
        parser.add_argument("uitvoer", help="Het ZIP-bestand dat wordt geschreven.")
        parser.add_argument(
            "--accountant",
            action="store_true",
            help="Het dossier voor de accountant (zonder schoolanalyses en bijlagen).",
        )
        parser.add_argument(
            "--bijlagen",
            action="store_true",
            help="Met de bijlagen van scholen bij hun schoolanalyse (alleen voor het archief).",
        )
        parser.add_argument(
            "--stream",
            default=DEFAULT_STREAM,
            help=f"De geldstroom waarvan de termijn wordt gebruikt (standaard {DEFAULT_STREAM}).",
        )

    def handle(self, *args, **options):
        with override("nl"):
            return self._handle(options)

    def _handle(self, options) -> None:
        slug = options["gemeente"]
        municipality = Municipality.objects.filter(slug=slug).first()
        if municipality is None:
            raise CommandError(
                f"Onbekende gemeente '{slug}'. Gebruik de korte naam uit het webadres, "
                "bijvoorbeeld 'amersfoort' voor /g/amersfoort/."
            )
        stream = FundingStream.objects.filter(code=options["stream"]).first()
        if stream is None:
            codes = ", ".join(
                FundingStream.objects.order_by("sort_order").values_list("code", flat=True)
            )
            raise CommandError(f"Onbekende geldstroom '{options['stream']}'. Kies uit: {codes}.")
        if options["accountant"] and options["bijlagen"]:
            raise CommandError(
                "Een dossier voor de accountant bevat nooit bijlagen van scholen; "
                "laat --bijlagen weg of maak een dossier voor het archief."
            )
        target = Path(options["uitvoer"]).expanduser().absolute()
        folder = target.parent
        if target.is_dir():
            raise CommandError(f"{target} is een map; geef de naam van een ZIP-bestand.")
        if not folder.is_dir():
            raise CommandError(f"De map {folder} bestaat niet; maak haar eerst aan.")
        if not os.access(folder, os.W_OK):
            raise CommandError(f"Je kunt niet schrijven in de map {folder}.")
        audience = AUDIENCE_ACCOUNTANT if options["accountant"] else AUDIENCE_ARCHIVE
        choice = dossier_options(audience=audience, attachments=options["bijlagen"])
        try:
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
                dir=folder, prefix=f".{target.name}.", suffix=".tmp", delete=False
            )
        except OSError as exc:
            raise CommandError(
                f"Je kunt niet schrijven in de map {folder} ({exc.strerror})."
            ) from exc
        try:
            with handle:
                result = dossier_write(
                    handle,
                    municipality=municipality,
                    stream=stream,
                    options=choice,
                    made_by="beheerder via de opdrachtregel (manage.py export_dossier)",
                    progress=self._progress if options["verbosity"] > 1 else None,
                )
                size = handle.tell()
                digest = sha256_of(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(handle.name, 0o640)
            os.replace(handle.name, target)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        audience_text = "de accountant" if options["accountant"] else "het archief"
        self.stdout.write(
            f"Dossier van {municipality.name} ({stream.name}) voor {audience_text} geschreven "
            f"naar {target}\n"
            f"  bestanden: {result.files} (plus manifest.json, SHA256SUMS en LEESMIJ.txt)\n"
            f"  grootte ZIP: {size} bytes (inhoud {result.content_size} bytes)\n"
            f"  SHA-256 ZIP: {digest}"
        )

    def _progress(self, percent: int, label: str) -> None:
        self.stdout.write(f"  {percent:3d}% {label}")
