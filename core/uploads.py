"""Uploaded files: what they really are, one check for every upload, and the names they get.

The name a browser sends says nothing about what a file is, so the kind is read from the bytes:
PDF from its ``%PDF-`` header, PNG and JPEG from their signatures; the Office Open XML formats
(DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS, ODP) are zip archives, recognised by their
internal structure (``[Content_Types].xml`` with the main part, or the ``mimetype`` entry); plain
text by decoding it. Before any zip is opened by a parser its directory is checked: the total
unpacked size and the compression ratio must be plausible for an office document.

Every upload surface (analysis documents, session attachments, allocation letters, the bulk
intake spreadsheet) describes what it accepts as an ``UploadPolicy`` and calls ``check_upload``.
Files are stored under a name made here (``GeneratedName``, the ``upload_to`` of every model),
never under the uploader's; the uploader's name survives only as a cleaned display name.
"""

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
# Limits for what a zip-based document may unpack to. Real analyses and templates are far below.
MAX_UNPACKED_BYTES = 100 * MB
MAX_ZIP_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100
# Small entries (XML boilerplate) compress very well; the ratio only matters above this size.
RATIO_CHECK_FROM_BYTES = 1 * MB
TEXT_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    kind: str  # pdf, docx, xlsx, pptx, odt, ods, odp, png, jpeg, txt
    extensions: tuple[str, ...]  # the names this kind may carry; the first is the one we give
    content_type: str
    label: str

    @property
    def extension(self) -> str:
        return self.extensions[0]


FILE_KINDS = {
    kind.kind: kind
    for kind in (
        FileKind("pdf", (".pdf",), "application/pdf", "PDF"),
        FileKind(
            "docx",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word (DOCX)",
        ),
        FileKind(
            "xlsx",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel (XLSX)",
        ),
        FileKind(
            "pptx",
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint (PPTX)",
        ),
        FileKind("odt", (".odt",), "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
        FileKind(
            "ods",
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
            "OpenDocument (ODS)",
        ),
        FileKind(
            "odp",
            (".odp",),
            "application/vnd.oasis.opendocument.presentation",
            "OpenDocument (ODP)",
        ),
        FileKind("png", (".png",), "image/png", "PNG"),
        FileKind("jpeg", (".jpg", ".jpeg"), "image/jpeg", "JPEG"),
        FileKind("txt", (".txt",), "text/plain", "tekst (TXT)"),
    )
}
KNOWN_EXTENSIONS = {ext: kind for kind in FILE_KINDS.values() for ext in kind.extensions}


# --- Reading the kind from the content ------------------------------------------------------------


def _read_head(file, length: int) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head


def check_zip_directory(file, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> zipfile.ZipFile:
    """Open ``file`` as a zip and check its directory (not its contents) against zip bombs.

    ``max_unpacked`` bounds the declared unpacked size (a policy may set it lower: what a
    parser holds in memory grows with it).

    Only the central directory is read: the sizes it declares are checked before anything is
    decompressed. A parser opening the archive afterwards also stops at the declared size, so
    the declared figures are the ones that count. Raises a Dutch ``ValidationError``.
    """
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ValidationError(
            _("Het bestand is beschadigd of geen geldig Office-bestand."), code="corrupt"
        ) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ValidationError(
            _("Het bestand bevat te veel onderdelen (%(n)s) en wordt niet geopend.")
            % {"n": len(infos)},
            code="zip_bomb",
        )
    total = sum(info.file_size for info in infos)
    if total > max_unpacked:
        raise ValidationError(
            _(
                "Het bestand is uitgepakt %(mb)s MB groot (meer dan %(max)s MB): mogelijk een "
                "zip-bom. Het wordt niet geopend."
            )
            % {"mb": total // MB, "max": max_unpacked // MB},
            code="zip_bomb",
        )
    for info in infos:
        if info.file_size >= RATIO_CHECK_FROM_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_COMPRESSION_RATIO:
                raise ValidationError(
                    _(
                        "Het bestand is verdacht sterk gecomprimeerd (factor %(ratio)s): mogelijk "
                        "een zip-bom. Het wordt niet geopend."
                    )
                    % {"ratio": int(ratio)},
                    code="zip_bomb",
                )
    return archive


# The main part that tells an Office Open XML package's kind, and OpenDocument's mimetype entry.
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}
OPENDOCUMENT_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def _zip_kind(file, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> str | None:
    archive = check_zip_directory(file, max_unpacked=max_unpacked)
    names = set(archive.namelist())
    infos = archive.infolist()
    if infos and infos[0].filename == "mimetype":
        try:
            mimetype = archive.read("mimetype").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            return None
        return OPENDOCUMENT_MIMETYPES.get(mimetype)
    if "[Content_Types].xml" in names:
        for part, kind in OOXML_MAIN_PARTS.items():
            if part in names:
                return kind
    return None


def detect_kind(file, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> str | None:
    """The kind of ``file`` from its content: pdf, docx, xlsx, pptx, odt, ods, odp, png, jpeg,
    or None (plain text is not told apart here: see ``is_plain_text``). A zip is checked
    against zip bombs first (a Dutch ``ValidationError``)."""
    head = _read_head(file, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file, max_unpacked=max_unpacked)
    for signature, kind in IMAGE_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def is_plain_text(file) -> bool:
    """Whether ``file`` starts as readable text: UTF-8 (or Windows-1252) without control bytes
    other than tabs and line breaks. Only the first 64 KB are read."""
    head = _read_head(file, TEXT_SNIFF_BYTES)
    if not head:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            cut_off = len(head) == TEXT_SNIFF_BYTES and exc.start >= len(head) - 3
            if encoding == "utf-8" and cut_off:
                text = head[: exc.start].decode(encoding)  # a character cut off at 64 KB
            else:
                continue
        return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)
    return False


# --- The one check --------------------------------------------------------------------------------


@dataclass(frozen=True)
class UploadPolicy:
    """What one upload surface accepts: the kinds (keys of ``FILE_KINDS``), the largest size in
    bytes, the Dutch message for any other kind of file (it names what is allowed), and the
    largest unpacked size of a zip-based document (lower for files a parser reads whole)."""

    kinds: tuple[str, ...]
    max_bytes: int
    wrong_kind_message: str
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES

    def __post_init__(self):
        unknown = set(self.kinds) - set(FILE_KINDS)
        if unknown:
            raise ValueError(f"Unknown file kinds: {sorted(unknown)}")


def _size(file) -> int:
    return file.size if getattr(file, "size", None) is not None else len(_read_head(file, -1))


def check_upload(file, *, policy: UploadPolicy) -> FileKind:
    """Check an uploaded file against ``policy``; return its real kind or raise a Dutch
    ``ValidationError``. Every upload in the platform goes through here.

    In order: not empty and not larger than the policy allows; the kind read from the content
    (zip bombs and damaged Office files are refused on the way) is one the policy accepts; and
    a file name that has an extension has the right one (a PDF called ``.docx`` is refused; a
    name without extension is fine, the display name gets the right one). The file is left at
    its start.
    """
    size = _size(file)
    if size == 0:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    if size > policy.max_bytes:
        raise ValidationError(
            _("Het bestand is groter dan %(max)s MB. Verklein het of splits het op.")
            % {"max": policy.max_bytes // MB},
            code="too_large",
        )
    kind = detect_kind(file, max_unpacked=policy.max_unpacked_bytes)
    if kind is None and "txt" in policy.kinds and is_plain_text(file):
        kind = "txt"
    if kind not in policy.kinds:
        raise ValidationError(policy.wrong_kind_message, code="wrong_type")
    file_kind = FILE_KINDS[kind]
    extension = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if extension and extension not in file_kind.extensions:
        raise ValidationError(
            _(
                "De naam eindigt op %(ext)s, maar het bestand is een %(label)s-bestand. Geef het "
                "de juiste extensie (%(right)s)."
            )
            % {"ext": extension, "label": file_kind.label, "right": file_kind.extension},
            code="extension_mismatch",
        )
    file.seek(0)
    return file_kind


# --- Names ----------------------------------------------------------------------------------------


def clean_display_name(name: str, *, extension: str) -> str:
    """The uploader's file name, reduced to a safe display name with the right extension."""
    stem = PurePath(name or "").name
    stem = PurePath(stem).stem if PurePath(stem).suffix else stem
    safe = "".join(ch for ch in stem if ch.isprintable() and ch not in '\\/:*?"<>|').strip()
    return f"{safe[:150] or 'bijlage'}{extension}"


def content_type_for_name(name: str) -> str:
    """The content type that goes with a display name's extension (octet-stream if unknown)."""
    kind = KNOWN_EXTENSIONS.get(PurePath(name or "").suffix.lower())
    return kind.content_type if kind else "application/octet-stream"


class _Attributes(dict):
    """``str.format_map`` over an object's attributes: ``"{municipality_id}"``."""

    def __init__(self, instance):
        super().__init__()
        self.instance = instance

    def __missing__(self, key):
        return getattr(self.instance, key)


@deconstructible(path="core.uploads.GeneratedName")
class GeneratedName:
    """The ``upload_to`` of every file field: a random name in a folder of the object's own.

    ``folder`` is formatted with the instance's attributes, e.g.
    ``GeneratedName("analyses/{municipality_id}")``. The stored name is 32 random hex digits
    plus, when the name handed to the storage ends in an extension of a known kind (the
    services hand in the extension of the kind read from the content), that extension; nothing
    else of that name is used, so nothing a user typed ends up in a path.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename or "").suffix.lower()
        if suffix not in KNOWN_EXTENSIONS:
            suffix = ""
        folder = self.folder.format_map(_Attributes(instance)).strip("/")
        return f"{folder}/{secrets.token_hex(16)}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)
