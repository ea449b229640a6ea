"""Writing the ZIP: each entry streamed into the archive through a sink that counts and hashes it,
and collected for the manifest."""

import csv
import hashlib
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from core.text import neutralise

logger = logging.getLogger(__name__)

# Stored files are copied into the ZIP in pieces of this size: the only buffer they need.
CHUNK = 64 * 1024


class _Sink:
    """What a ZIP entry is written through: counts, hashes and passes on (text as UTF-8)."""

    def __init__(self, out) -> None:
        self.out = out
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sha256.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)


def iso_moment(moment) -> str:
    """A manifest date: a date as ``2025-07-31``, a moment in local time to the second."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return timezone.localtime(moment).replace(microsecond=0).isoformat()
    if isinstance(moment, date):
        return moment.isoformat()
    return str(moment)


def safe_part(text: str, fallback: str = "bestand") -> str:
    """A file or folder name without path tricks: ``Vaststelling 31/548`` -> ``vaststelling-31-548``."""
    return slugify(str(text or "").replace("–", "-"))[:80] or fallback


class DossierWriter:
    """The ZIP being written and its manifest, one entry at a time."""

    def __init__(self, fileobj, *, made_at: datetime) -> None:
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True)
        self.date_time = timezone.localtime(made_at).timetuple()[:6]
        self.entries: list[dict] = []
        self._paths: set[str] = set()

    def _unique(self, path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = path, ""
        candidate, n = path, 1
        while candidate in self._paths:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        self._paths.add(candidate)
        return candidate

    @contextmanager
    def open(self, path: str, *, source: str, moment, listed: bool = True) -> Iterator[_Sink]:
        """Write one entry through the yielded sink; it lands in the manifest when ``listed``."""
        path = self._unique(path)
        info = zipfile.ZipInfo(path, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with self.zip.open(info, "w", force_zip64=True) as out:
            sink = _Sink(out)
            yield sink
        if listed:
            self.entries.append(
                {
                    "path": path,
                    "sha256": sink.sha256.hexdigest(),
                    "size": sink.size,
                    "source": source,
                    "date": iso_moment(moment),
                }
            )

    def add_bytes(self, path: str, data: bytes, *, source: str, moment, listed=True) -> None:
        with self.open(path, source=source, moment=moment, listed=listed) as sink:
            sink.write(data)

    def add_stored(self, path: str, name: str, *, source: str, moment) -> bool:
        """Copy a file of private storage in CHUNK pieces; False (and nothing written) when it
        is gone."""
        try:
            handle = default_storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            logger.warning("Dossier: stored file %s is missing", name)
            return False
        with handle, self.open(path, source=source, moment=moment) as sink:
            while chunk := handle.read(CHUNK):
                sink.write(chunk)
        return True

    @contextmanager
    def csv(self, path: str, *, source: str, moment, headers: list[str]):
        """A CSV as the platform writes them (semicolons, UTF-8 with BOM, every text cell
        neutralised against formula injection), row by row into the ZIP."""
        with self.open(path, source=source, moment=moment) as sink:
            sink.write("\ufeff")
            writer = csv.writer(sink, delimiter=";", lineterminator="\r\n")
            writer.writerow([neutralise(h) for h in headers])
            yield _NeutralWriter(writer)

    def close(self) -> None:
        self.zip.close()


class _NeutralWriter:
    def __init__(self, writer) -> None:
        self.writer = writer

    def writerow(self, row) -> None:
        self.writer.writerow([neutralise("" if v is None else v) for v in row])


def sha256_of(fileobj) -> str:
    """SHA-256 of a whole (seekable) file, read in CHUNK pieces; leaves it at the start."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()
