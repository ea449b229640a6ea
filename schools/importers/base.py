"""Reading published reference files and syncing them into the database.

The importers compare a file's desired state with what is stored (in dicts, one query per
table) and write the difference with bulk operations, so a load of ~300k rows takes seconds
and a repeated load writes nothing. Every error names the file, the line and the column in
Dutch; the caller runs everything inside one transaction, so a broken file changes nothing.
"""

import codecs
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.db import connection, models
from django.utils.translation import gettext as _

from core.text import MAX_QUOTE, excerpt

# The encodings DUO, CBS and the Inspectie publish in. UTF-16 or double-encoded text is refused.
MOJIBAKE_MARKERS = ("Ã«", "Ã©", "Ã¨", "Ã¯", "Ã¶", "Ã¼", "Ã¢", "â€")


class ReferenceDataError(Exception):
    """A reference file cannot be loaded; the message is Dutch and names file, line and column."""


def file_line(index: int) -> int:
    """The line in the file of data row ``index`` (0-based), with the header on line 1."""
    return index + 2


def cell_error(label: str, index: int, column: str, message: str) -> ReferenceDataError:
    return ReferenceDataError(
        _("%(file)s, regel %(line)s, kolom '%(column)s': %(message)s")
        % {
            "file": label,
            "line": file_line(index),
            "column": column,
            # The message quotes the cell; bounded, so a huge cell gives a short message.
            "message": excerpt(message, 2 * MAX_QUOTE),
        }
    )


@dataclass
class Summary:
    """What one dataset's load did."""

    dataset: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    skipped: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.deactivated)

    def line(self) -> str:
        if self.skipped:
            text = _("%(dataset)s: bestanden ongewijzigd sinds de vorige keer, niets te doen") % {
                "dataset": self.dataset
            }
        else:
            text = _(
                "%(dataset)s: %(added)s toegevoegd, %(updated)s bijgewerkt, "
                "%(unchanged)s ongewijzigd, %(deactivated)s gedeactiveerd"
            ) % {
                "dataset": self.dataset,
                "added": self.added,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "deactivated": self.deactivated,
            }
        return "\n".join([text, *(f"  - {note}" for note in self.notes)])

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "notes": self.notes,
        }


def files_sha256(paths: Iterable[Path], salt: str = "") -> str:
    digest = hashlib.sha256(salt.encode())
    for path in paths:
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _looks_like_utf16(raw: bytes) -> bool:
    """A UTF-16 byte order mark, or text whose every other byte is NUL (UTF-16 without BOM).

    Only then is the file called UTF-16; a stray NUL elsewhere is reported as what it is."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    head = raw[:4096]
    if len(head) < 4:
        return False
    for start in (0, 1):  # big-endian ASCII has NUL on even bytes, little-endian on odd ones
        half = head[start::2]
        if half.count(0) >= 0.9 * len(half) and head[1 - start :: 2].count(0) == 0:
            return True
    return False


def decode(raw: bytes, label: str) -> str:
    """Text of a file in UTF-8 (with or without BOM) or Windows-1252, or a Dutch error."""
    if _looks_like_utf16(raw):
        raise ReferenceDataError(
            _(
                "%(file)s: het bestand is in UTF-16 opgeslagen; verwacht is UTF-8 (met of zonder "
                "BOM) of Windows-1252, zoals DUO en CBS publiceren."
            )
            % {"file": label}
        )
    if (position := raw.find(b"\x00")) >= 0:
        # Honest: a NUL byte alone does not make UTF-16; it makes a file that is not plain text.
        raise ReferenceDataError(
            _(
                "%(file)s, regel %(line)s: het bestand bevat een NUL-byte en is dus geen "
                "tekstbestand (CSV). Sla het opnieuw op als CSV in UTF-8."
            )
            % {"file": label, "line": raw.count(b"\n", 0, position) + 1}
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise ReferenceDataError(
                _(
                    "%(file)s, regel %(line)s: onbekende tekencodering (byte 0x%(byte)02X is geen "
                    "UTF-8 en geen Windows-1252)."
                )
                % {"file": label, "line": line, "byte": raw[exc.start]}
            ) from exc
    for marker in MOJIBAKE_MARKERS:
        position = text.find(marker)
        if position >= 0:
            line = text.count("\n", 0, position) + 1
            raise ReferenceDataError(
                _(
                    "%(file)s, regel %(line)s: verkeerde tekencodering — '%(text)s' wijst op "
                    "UTF-8-tekst die als Windows-1252 is opgeslagen (dubbel gecodeerd)."
                )
                % {
                    "file": label,
                    "line": line,
                    "text": text[max(0, position - 8) : position + 8].strip(),
                }
            )
    return text


def read_table(path: Path, *, sep: str, columns: Iterable[str], label: str = "") -> pd.DataFrame:
    """Read a published CSV as strings (stripped; DUO writes empty fields as one space)."""
    label = label or Path(path).name
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ReferenceDataError(
            _("%(file)s: bestand niet te lezen (%(error)s).") % {"file": label, "error": exc}
        ) from exc
    text = decode(raw, label)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReferenceDataError(
            _("%(file)s: geen geldig CSV-bestand (%(error)s).")
            % {"file": label, "error": excerpt(exc)}
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(frame, columns, label)
    return frame.apply(lambda col: col.str.strip())


def require_columns(frame: pd.DataFrame, columns: Iterable[str], label: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ReferenceDataError(
            _(
                "%(file)s, regel 1 (kopregel): kolom %(missing)s ontbreekt. Gevonden kolommen: "
                "%(found)s. Controleer ook het scheidingsteken."
            )
            % {
                "file": label,
                "missing": ", ".join(f"'{c}'" for c in missing),
                # At most about 100 characters of the file's own header line.
                "found": excerpt(", ".join(f"'{c}'" for c in list(frame.columns)[:12])) or "-",
            }
        )


def require_unique(frame: pd.DataFrame, keys: list[str], label: str, column: str) -> None:
    """Refuse duplicate keys, naming the first duplicate line and the line it repeats."""
    duplicated = frame.duplicated(keys, keep=False)
    if not duplicated.any():
        return
    dupes = frame[duplicated]
    first_key = tuple(dupes.iloc[0][keys])
    same = dupes[(dupes[keys] == pd.Series(first_key, index=keys)).all(axis=1)]
    first, second = same.index[0], same.index[1]
    value = " / ".join(first_key)
    raise cell_error(
        label,
        second,
        column,
        _("'%(value)s' komt dubbel voor (ook op regel %(line)s).")
        % {"value": excerpt(value), "line": file_line(first)},
    )


def require_filled(frame: pd.DataFrame, column: str, label: str) -> None:
    empty = frame.index[frame[column] == ""]
    if len(empty):
        raise cell_error(label, empty[0], column, _("waarde ontbreekt."))


def require_pattern(frame: pd.DataFrame, column: str, pattern: str, label: str, what: str) -> None:
    bad = frame.index[~frame[column].str.fullmatch(pattern)]
    if len(bad):
        raise cell_error(
            label,
            bad[0],
            column,
            _("'%(value)s' is geen geldige %(what)s.")
            % {"value": excerpt(frame.at[bad[0], column]), "what": what},
        )


@dataclass
class SyncPlan:
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    unchanged: int = 0
    deactivated: int = 0
    deactivate_pks: list = field(default_factory=list)

    @property
    def updated(self) -> int:
        return len(self.to_update) - (self.deactivated - len(self.deactivate_pks))


def sync_rows(
    *,
    model: type[models.Model],
    key_fields: tuple[str, ...],
    fields: tuple[str, ...],
    desired: dict[tuple, dict],
    existing: Iterable[dict],
    deactivate_missing: bool = False,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    raw_insert: bool = False,
) -> SyncPlan:
    """Create rows in ``desired`` that are missing, update rows whose ``fields`` differ.

    ``raw_insert`` writes new rows with one executemany per batch instead of bulk_create; only
    for models without defaults or signals to honour (the values must be database-ready).

    ``existing`` yields dicts with ``pk``, the key fields and ``fields``. With
    ``deactivate_missing``, stored rows that are not in ``desired`` get ``is_active=False``
    (never deleted: their history stays).
    """
    plan = SyncPlan()
    seen = set()
    update_fields = set()
    for row in existing:
        key = tuple(row[k] for k in key_fields)
        want = desired.get(key)
        if want is None:
            if deactivate_missing and row.get("is_active"):
                plan.deactivate_pks.append(row["pk"])
                plan.deactivated += 1
            continue
        seen.add(key)
        changed = [f for f in fields if row[f] != want[f]]
        if not changed:
            plan.unchanged += 1
            continue
        if "is_active" in changed and not want["is_active"] and row["is_active"]:
            plan.deactivated += 1
        obj = model(pk=row["pk"], **dict(zip(key_fields, key, strict=True)), **want)
        plan.to_update.append(obj)
        update_fields.update(changed)
    if raw_insert:
        # Plain values through executemany: for ~300k narrow rows, building model instances
        # and compiling bulk_create's SQL costs more than the database work itself.
        plan.to_create = [
            (*key, *(want[f] for f in fields)) for key, want in desired.items() if key not in seen
        ]
        _insert_rows(model, (*key_fields, *fields), plan.to_create, batch_size, progress)
    else:
        for key, want in desired.items():
            if key not in seen:
                plan.to_create.append(model(**dict(zip(key_fields, key, strict=True)), **want))
        for start in range(0, len(plan.to_create), batch_size):
            batch = plan.to_create[start : start + batch_size]
            model.objects.bulk_create(batch, batch_size=batch_size)
            if progress:
                progress(len(batch))
    if plan.to_update:
        model.objects.bulk_update(plan.to_update, sorted(update_fields), batch_size=batch_size)
    for start in range(0, len(plan.deactivate_pks), batch_size):
        model.objects.filter(pk__in=plan.deactivate_pks[start : start + batch_size]).update(
            is_active=False
        )
    return plan


def _insert_rows(model, field_names, rows, batch_size, progress) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in field_names)
    placeholders = ", ".join(["%s"] * len(field_names))
    # Identifiers come from model metadata and are quoted; values go as parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            cursor.executemany(sql, batch)
            if progress:
                progress(len(batch))
