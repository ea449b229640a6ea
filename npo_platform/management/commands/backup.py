from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from npo_platform.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write a backup into an empty folder: a consistent database dump, every private media "
        "file, and manifest.json with the size and SHA-256 of each. Restore with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="A new (or empty) folder for this backup.")

    def handle(self, *args, folder: Path, **options):
        try:
            summary = backup_write(folder)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup in {summary.folder}: {summary.database} database, "
                f"{summary.files} media files ({summary.bytes} bytes)."
            )
        )
