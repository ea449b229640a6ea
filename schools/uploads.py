"""Checks for uploaded files: the real type from the content, size limits and zip bombs.

The name a browser sends says nothing about what a file is, so the type is read from the bytes:
PDF from its ``%PDF-`` header; the Office Open XML formats (DOCX, XLSX) and OpenDocument (ODT)
are zip archives, recognised by their internal structure (``[Content_Types].xml`` with the main
part, or the ``mimetype`` entry). Before any zip is opened by a parser its directory is checked:
the total unpacked size and the compression ratio must be plausible for an office document.
"""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * MB
# Limits for what a zip-based document may unpack to. Real analyses and templates are far below.
MAX_UNPACKED_BYTES = 100 * MB
MAX_ZIP_ENTRIES = 2000
MAX_COMPRESSION_RATIO = 100
# Small entries (XML boilerplate) compress very well; the ratio only matters above this size.
RATIO_CHECK_FROM_BYTES = 1 * MB


@dataclass(frozen=True)
class DocumentType:
    kind: str  # pdf, docx, xlsx, odt
    extension: str
    content_type: str
    label: str


DOCUMENT_TYPES = {
    "pdf": DocumentType("pdf", ".pdf", "application/pdf", "PDF"),
    "docx": DocumentType(
        "docx",
        ".docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word (DOCX)",
    ),
    "xlsx": DocumentType(
        "xlsx",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel (XLSX)",
    ),
    "odt": DocumentType(
        "odt", ".odt", "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"
    ),
}
ALLOWED_ATTACHMENT_KINDS = ("pdf", "docx", "xlsx", "odt")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _read_head(file, length: int) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head


def check_zip_directory(file) -> zipfile.ZipFile:
    """Open ``file`` as a zip and check its directory (not its contents) against zip bombs.

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
    if total > MAX_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "Het bestand is uitgepakt %(mb)s MB groot (meer dan %(max)s MB): mogelijk een "
                "zip-bom. Het wordt niet geopend."
            )
            % {"mb": total // MB, "max": MAX_UNPACKED_BYTES // MB},
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
    ODT_MIMETYPE: "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}
TEXT_SNIFF_BYTES = 64 * 1024


def _zip_kind(file) -> str | None:
    archive = check_zip_directory(file)
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


def detect_kind(file) -> str | None:
    """The kind of ``file`` from its content: pdf, docx, xlsx, pptx, odt, ods, odp, png, jpeg,
    or None. Callers accept only the kinds they expect."""
    head = _read_head(file, 8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file)
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
            if encoding == "utf-8" and exc.start >= len(head) - 3:
                text = head[: exc.start].decode(encoding)  # a character cut off at 64 KB
            else:
                continue
        return not any(ord(ch) < 32 and ch not in "\t\r\n\f" for ch in text)
    return False


def validate_upload_size(file, *, max_bytes: int = MAX_ATTACHMENT_BYTES) -> None:
    size = file.size if getattr(file, "size", None) is not None else len(_read_head(file, -1))
    if size == 0:
        raise ValidationError(_("Het bestand is leeg."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("Het bestand is groter dan %(max)s MB. Verklein het of splits het op.")
            % {"max": max_bytes // MB},
            code="too_large",
        )


def validate_attachment(file) -> DocumentType:
    """Check an uploaded analysis document; return its real type or raise a Dutch error."""
    validate_upload_size(file)
    kind = detect_kind(file)
    if kind not in ALLOWED_ATTACHMENT_KINDS:
        raise ValidationError(
            _(
                "Dit bestand is geen PDF-, Word- (DOCX), Excel- (XLSX) of OpenDocument-bestand "
                "(ODT), ook al heeft het een extensie die daarop lijkt. Upload het document zelf."
            ),
            code="wrong_type",
        )
    document_type = DOCUMENT_TYPES[kind]
    extension = PurePath(getattr(file, "name", "") or "").suffix.lower()
    if extension and extension != document_type.extension:
        raise ValidationError(
            _(
                "De naam eindigt op %(ext)s, maar het bestand is een %(label)s-bestand. Geef het "
                "de juiste extensie (%(right)s)."
            )
            % {"ext": extension, "label": document_type.label, "right": document_type.extension},
            code="extension_mismatch",
        )
    file.seek(0)
    return document_type


def clean_display_name(name: str, *, extension: str) -> str:
    """The uploader's file name, reduced to a safe display name with the right extension."""
    stem = PurePath(name or "").name
    stem = PurePath(stem).stem if PurePath(stem).suffix else stem
    safe = "".join(ch for ch in stem if ch.isprintable() and ch not in '\\/:*?"<>|').strip()
    return f"{safe[:150] or 'bijlage'}{extension}"
