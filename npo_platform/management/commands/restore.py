from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from npo_platform.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup`: checks every hash first, then replaces the database "
        "with the dump, copies the media files back and retires every cached page."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder (with manifest.json).")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the backup's files against its manifest; change nothing.",
        )

    def handle(self, *args, folder: Path, interactive: bool, check: bool, **options):
        try:
            manifest = backup_verify(folder)
            if check:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Backup {folder} is complete: {len(manifest['files'])} files, "
                        f"made {manifest['created_at']}."
                    )
                )
                return
            if interactive:
                answer = input(
                    f"This replaces the database and copies media files from {folder} "
                    f"(made {manifest['created_at']}). Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            summary = backup_restore(folder)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored from {summary.folder}: {summary.database} database, "
                f"{summary.files} media files ({summary.bytes} bytes); cached pages retired."
            )
        )
