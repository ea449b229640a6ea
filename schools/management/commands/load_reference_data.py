"""manage.py load_reference_data — load municipalities, schools, pupil counts, school weights and
the NPO-menukaart from reference_data/ (or other files), all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from schools.importers.base import ReferenceDataError
from schools.importers.loader import DATASETS, DEFAULT_FILES, reference_data_load


class Command(BaseCommand):
    help = (
        "Laadt de referentiegegevens (CBS, DUO, Inspectie, NPO-menukaart); idempotent en atomair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Map met de bestanden (standaard reference_data/).")
        parser.add_argument(
            "--only",
            action="append",
            choices=DATASETS,
            help="Alleen deze gegevensset (herhaal de optie voor meer).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ook vergelijken als de bestanden gelijk zijn aan de vorige keer.",
        )
        for key, name in DEFAULT_FILES.items():
            parser.add_argument(f"--{key}", metavar="PAD", help=f"In plaats van {name}.")

    def handle(self, *args, **options):
        files = {key: options.get(key) for key in DEFAULT_FILES}
        try:
            summaries = reference_data_load(
                directory=options["dir"],
                files=files,
                only=options["only"],
                force=options["force"],
                progress_file=self.stderr._out,
            )
        except ReferenceDataError as exc:
            raise CommandError(f"Niets gewijzigd. {exc}") from exc
        for summary in summaries:
            self.stdout.write(summary.line())
        if any(s.changed for s in summaries):
            self.stdout.write(self.style.SUCCESS("Referentiegegevens bijgewerkt."))
        else:
            self.stdout.write(
                self.style.SUCCESS("Referentiegegevens waren al actueel; niets gewijzigd.")
            )
