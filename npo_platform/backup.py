"""Backup and restore of everything a site needs: the database and the private media files.

``backup_write`` writes into an empty folder:
  database.dump      PostgreSQL: ``pg_dump --format=custom`` (one consistent snapshot)
  database.sqlite3   SQLite: the online backup API (consistent as well)
  media/...          every file under MEDIA_ROOT, copied after the dump (a file newer than the
                     dump has no row pointing at it and is harmless)
  manifest.json      format, time, engine, and size + SHA-256 of every file above

``backup_restore`` checks every hash before it changes anything, then loads the database,
copies the media files back, and retires every cached page (a cached page would show data newer
than the backup). Used by ``manage.py backup`` and ``manage.py restore``.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
# Scratch files /healthz writes and removes again: never worth keeping.
SKIPPED_MEDIA = ("healthz",)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (shown as is)."""


@dataclass(frozen=True)
class Summary:
    folder: Path
    database: str
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine(alias: str = "default") -> str:
    engine = connections[alias].settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Database engine {engine} is not supported by backup/restore.")


def _pg_env_and_args(alias: str = "default") -> tuple[dict, list[str]]:
    db = connections[alias].settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    args += ["--dbname", str(db["NAME"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    try:
        # Fixed programs (pg_dump, pg_restore) with arguments from settings, never from a user.
        done = subprocess.run(  # noqa: S603
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (PostgreSQL client tools are needed): {exc}"
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _sqlite_connection() -> sqlite3.Connection:
    """The site's own SQLite connection (also an in-memory test database)."""
    connection = connections["default"]
    connection.ensure_connection()
    return connection.connection


def _media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in SKIPPED_MEDIA:
            files.append(relative)
    return files


def backup_write(folder: Path) -> Summary:
    """Write a backup into ``folder`` (created; it must not exist or be empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; choose a new folder for each backup.")
    folder.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    entries = []
    if engine == "postgresql":
        dump = folder / "database.dump"
        env, args = _pg_env_and_args()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "--file", str(dump), *args],
            env,
        )
    else:
        dump = folder / "database.sqlite3"
        target = sqlite3.connect(str(dump))
        try:
            _sqlite_connection().backup(target)
        finally:
            target.close()
    entries.append({"path": dump.name, "size": dump.stat().st_size, "sha256": _sha256(dump)})
    media_root = Path(settings.MEDIA_ROOT)
    total = 0
    for relative in _media_files(media_root):
        target = folder / MEDIA_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(media_root / relative, target)
        size = target.stat().st_size
        total += size
        entries.append(
            {"path": f"{MEDIA_DIR}/{relative.as_posix()}", "size": size, "sha256": _sha256(target)}
        )
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"engine": engine, "file": dump.name},
        "files": entries,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return Summary(folder=folder, database=engine, files=len(entries) - 1, bytes=total)


def backup_verify(folder: Path) -> dict:
    """The manifest of ``folder`` after checking that every file is there with its hash."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(
            f"{folder} holds no {MANIFEST}: not a backup made by manage.py backup."
        ) from exc
    except ValueError as exc:
        raise BackupError(f"{folder / MANIFEST} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for entry in manifest["files"]:
        path = (folder / entry["path"]).resolve()
        if not path.is_relative_to(folder.resolve()):
            raise BackupError(f"The manifest names a file outside the backup: {entry['path']}")
        if not path.is_file():
            raise BackupError(f"Missing from the backup: {entry['path']}")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"Damaged in the backup (hash differs): {entry['path']}")
    return manifest


def backup_restore(folder: Path) -> Summary:
    """Restore the database and media files from ``folder``; retire every cached page."""
    folder = Path(folder)
    manifest = backup_verify(folder)
    engine = _engine()
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['database']['engine']} database; "
            f"this site uses {engine}."
        )
    dump = folder / manifest["database"]["file"]
    if engine == "postgresql":
        connections.close_all()
        env, args = _pg_env_and_args()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(dump),
            ],
            env,
        )
    else:
        source = sqlite3.connect(str(dump))
        try:
            source.backup(_sqlite_connection())
        finally:
            source.close()
    media_root = Path(settings.MEDIA_ROOT)
    total = files = 0
    for entry in manifest["files"]:
        if not entry["path"].startswith(f"{MEDIA_DIR}/"):
            continue
        relative = Path(entry["path"]).relative_to(MEDIA_DIR)
        target = media_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder / entry["path"], target)
        files += 1
        total += entry["size"]
    # Pages kept in the cache show the data from before the restore.
    from municipalities import pagecache

    pagecache.retire_all()
    return Summary(folder=folder, database=engine, files=files, bytes=total)
