"""Reading published reference files and syncing them into the database.

The importers build a file's desired state (dicts keyed like the table) and ``sync_rows`` writes
the difference: on PostgreSQL by ``COPY`` into a staging table and set-based statements, on
SQLite compared in Python and written in batches. A load of ~300k rows takes seconds and a
repeated load writes nothing. Every error names the file, the line and the column in
Dutch; the caller runs everything inside one transaction, so a broken file changes nothing.
"""

import codecs
import copy
import hashlib
import io
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pandas as pd
from django.db import OperationalError, connection, models, transaction
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
            io.StringIO(text), sep=sep, dtype=object, keep_default_na=False, skipinitialspace=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ReferenceDataError(
            _("%(file)s: geen geldig CSV-bestand (%(error)s).")
            % {"file": label, "error": excerpt(exc)}
        ) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    require_columns(frame, columns, label)
    return frame.apply(_stripped)


def _stripped(column: pd.Series) -> pd.Series:
    # Only columns that have a value to strip pay for it (each distinct value looked at once).
    if any(value != value.strip() for value in pd.unique(column.to_numpy(dtype=object))):
        return column.str.strip()
    return column


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
    values = frame[column]
    # Each distinct value once: a count column of 10k rows has a few hundred of them.
    distinct = pd.Series(pd.unique(values.to_numpy(dtype=object)), dtype=object)
    wrong = distinct[~distinct.str.fullmatch(pattern, na=False).astype(bool)]
    if not len(wrong):
        return
    bad = frame.index[values.isin(set(wrong))]
    raise cell_error(
        label,
        bad[0],
        column,
        _("'%(value)s' is geen geldige %(what)s.")
        % {"value": excerpt(frame.at[bad[0], column]), "what": what},
    )


_load_cache: ContextVar[dict | None] = ContextVar("reference_load_cache", default=None)


@contextmanager
def reading_once():
    """Within this block, ``read_once`` parses each file (set) once: the schools and the pupil
    counts read the same DUO files, and the loader's steps run one after the other."""
    token = _load_cache.set({})
    try:
        yield
    finally:
        _load_cache.reset(token)


def read_once(key: tuple, read: Callable[[], object]):
    """``read()``, or inside ``reading_once`` its result of the first call with ``key``.

    The result is deep-copied for every caller (callers add columns to the frames they get)."""
    cache = _load_cache.get()
    if cache is None:
        return read()
    if key not in cache:
        cache[key] = read()
    return copy.deepcopy(cache[key])


@dataclass
class SyncPlan:
    """What ``sync_rows`` did: rows added, updated, unchanged and deactivated.

    A stored row that ``desired`` turns inactive counts as deactivated, not updated (also when
    other fields changed with it), as does an active row missing from ``desired`` under
    ``deactivate_missing``."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0


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

    ``desired`` maps a tuple of ``key_fields`` values to a dict of ``fields`` values (database
    ready: ids, not instances). With ``deactivate_missing``, stored rows that are not in
    ``desired`` get ``is_active=False`` (never deleted: their history stays). Nothing is ever
    deleted.

    On PostgreSQL the rows go by ``COPY`` (psycopg 3's ``cursor.copy``) into a temporary
    staging table; one join counts the new, changed and unchanged rows, and each table then gets
    at most one set-based ``UPDATE … FROM`` (only rows whose fields differ), one ``INSERT …
    SELECT`` of the missing keys and, with ``deactivate_missing``, one ``UPDATE`` of the rest;
    an empty table (the first load) gets the ``COPY`` itself. ``existing`` is not read.

    Elsewhere (SQLite) ``existing`` — dicts with ``pk``, the key fields and ``fields``, the
    whole table — is compared in Python and the difference written in batches:
    ``bulk_create``/``bulk_update``, or with ``raw_insert`` one ``executemany`` per batch for
    the new rows (only for models without defaults or signals to honour).

    Both run inside the caller's transaction, write nothing when nothing differs and count alike.
    """
    if connection.vendor == "postgresql":
        return _sync_rows_copy(
            model=model,
            key_fields=key_fields,
            fields=fields,
            desired=desired,
            deactivate_missing=deactivate_missing,
            batch_size=batch_size,
            progress=progress,
        )
    return _sync_rows_batched(
        model=model,
        key_fields=key_fields,
        fields=fields,
        desired=desired,
        existing=existing,
        deactivate_missing=deactivate_missing,
        batch_size=batch_size,
        progress=progress,
        raw_insert=raw_insert,
    )


def _sync_rows_batched(
    *,
    model,
    key_fields,
    fields,
    desired,
    existing,
    deactivate_missing,
    batch_size,
    progress,
    raw_insert,
) -> SyncPlan:
    plan = SyncPlan()
    seen = set()
    update_fields = set()
    to_update, deactivate_pks = [], []
    for row in existing:
        key = tuple(row[k] for k in key_fields)
        want = desired.get(key)
        if want is None:
            if deactivate_missing and row.get("is_active"):
                deactivate_pks.append(row["pk"])
                plan.deactivated += 1
            continue
        seen.add(key)
        changed = [f for f in fields if row[f] != want[f]]
        if not changed:
            plan.unchanged += 1
            continue
        if "is_active" in changed and not want["is_active"] and row["is_active"]:
            plan.deactivated += 1
        else:
            plan.updated += 1
        to_update.append(model(pk=row["pk"], **dict(zip(key_fields, key, strict=True)), **want))
        update_fields.update(changed)
    if raw_insert:
        # Plain values through executemany: for ~300k narrow rows, building model instances
        # and compiling bulk_create's SQL costs more than the database work itself.
        rows = [
            (*key, *(want[f] for f in fields)) for key, want in desired.items() if key not in seen
        ]
        _insert_rows(model, (*key_fields, *fields), rows, batch_size, progress)
        plan.added = len(rows)
    else:
        to_create = [
            model(**dict(zip(key_fields, key, strict=True)), **want)
            for key, want in desired.items()
            if key not in seen
        ]
        for start in range(0, len(to_create), batch_size):
            batch = to_create[start : start + batch_size]
            model.objects.bulk_create(batch, batch_size=batch_size)
            if progress:
                progress(len(batch))
        plan.added = len(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(update_fields), batch_size=batch_size)
    for start in range(0, len(deactivate_pks), batch_size):
        model.objects.filter(pk__in=deactivate_pks[start : start + batch_size]).update(
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


def _insert_defaults(model, columns: set[str]) -> dict[str, object]:
    """Database values for the model's other columns of a new row: what ``Model()`` and
    ``save()`` would give them (defaults, ``auto_now``), so raw inserts match ``bulk_create``."""
    probe = model()
    values = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in columns or f.generated:
            continue
        values[f.column] = f.get_db_prep_save(f.pre_save(probe, add=True), connection)
    return values


def _secondary_indexes_and_foreign_keys(cursor, db_table: str) -> list[tuple[str, str]]:
    """(drop, create) statements for the table's foreign keys, then its indexes other than the
    primary key's (a unique constraint as a constraint); an index another table's foreign key
    relies on is left alone."""
    quote = connection.ops.quote_name
    table = quote(db_table)
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    statements = [
        (
            f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}",
            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}",
        )
        for name, definition in cursor.fetchall()
    ]
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid), con.conname, "
        "pg_get_constraintdef(con.oid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
        "AND con.conrelid = i.indrelid AND con.contype IN ('u', 'p', 'x') "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
        "AND f.conindid = i.indexrelid) ORDER BY c.relname",
        [table],
    )
    for index, index_definition, constraint, constraint_definition in cursor.fetchall():
        if constraint:
            statements.append(
                (
                    f"ALTER TABLE {table} DROP CONSTRAINT {quote(constraint)}",
                    f"ALTER TABLE {table} ADD CONSTRAINT {quote(constraint)} "
                    f"{constraint_definition}",
                )
            )
        else:
            statements.append((f"DROP INDEX {quote(index)}", index_definition))
    return statements


# Types whose values psycopg sends in COPY's binary format as they come from the importers
# (bool, int8, int2, int4, text, float8, varchar, date, timestamptz, numeric): the server then
# parses no text. Any other column type and the COPY is in text.
BINARY_COPY_TYPES = {16, 20, 21, 23, 25, 701, 1043, 1082, 1184, 1700}


def _copy_rows(cursor, table, columns, names, desired, fields, tail, batch_size, progress):
    cursor.execute(
        "SELECT attname, atttypid::int FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
        [table],
    )
    types = dict(cursor.fetchall())
    oids = [types[name] for name in names]
    binary = set(oids) <= BINARY_COPY_TYPES
    sql = f"COPY {table} ({columns}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")
    with cursor.copy(sql) as copy:
        if binary:
            copy.set_types(oids)
        _write_rows(copy, desired, fields, tail, batch_size, progress)


def _write_rows(copy, desired, fields, tail, batch_size, progress) -> None:
    # itemgetter: the values of 300k rows without a Python loop over the fields of each.
    pick = itemgetter(*fields) if len(fields) > 1 else (lambda want: (want[fields[0]],))
    tail = tuple(tail)
    written = 0
    for key, want in desired.items():
        copy.write_row(key + pick(want) + tail)
        written += 1
        if progress and written % batch_size == 0:
            progress(batch_size)
    if progress and written % batch_size:
        progress(written % batch_size)


def _sync_rows_copy(
    *, model, key_fields, fields, desired, deactivate_missing, batch_size, progress
) -> SyncPlan:
    """PostgreSQL: COPY into a staging table, then set-based statements (see ``sync_rows``)."""
    quote = connection.ops.quote_name
    meta = model._meta
    table = quote(meta.db_table)
    keys = [meta.get_field(f).column for f in key_fields]
    values = [meta.get_field(f).column for f in fields]
    all_columns = ", ".join(quote(c) for c in (*keys, *values))
    staging = "pg_temp." + quote(f"sync_{meta.db_table}")  # never a real table
    on_key = " AND ".join(f"t.{quote(c)} = s.{quote(c)}" for c in keys)
    differs = "({}) IS DISTINCT FROM ({})".format(
        ", ".join(f"t.{quote(c)}" for c in values), ", ".join(f"s.{quote(c)}" for c in values)
    )
    extra = _insert_defaults(model, {*keys, *values})
    plan = SyncPlan()
    # Identifiers come from model metadata and are quoted; values go by COPY or as parameters.
    # The staging table lives until the end of the (outer) transaction, and is dropped here.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608
        if not cursor.fetchone()[0]:
            # The first load: every row is new, so COPY goes straight into the table, and
            # PostgreSQL's advice for populating a table applies: its secondary indexes are
            # built once after the rows are in, and its foreign keys checked once for all rows
            # (not by a trigger per row at the commit). Dropped here and created again with the
            # same names and definitions, in this transaction: a failure, a duplicate or an
            # orphan row rolls everything back. The table is empty: a page that reads it
            # waits for the commit (seconds) and loses nothing.
            dropped = _secondary_indexes_and_foreign_keys(cursor, meta.db_table)
            try:
                with transaction.atomic():
                    for statement in (drop for drop, _create in dropped):
                        cursor.execute(statement)
            except OperationalError:
                # E.g. rows written earlier in this transaction still wait for their deferred
                # checks against a table involved: then the rows go in with everything in place.
                dropped = []
            tail = tuple(extra.values())
            names = (*keys, *values, *extra)
            columns = ", ".join(quote(c) for c in names)
            # In key order, as the later loads insert: the rows of one key prefix (the 25 or
            # so count dates of a school location) then share a page or two of the table, and
            # a page that reads one municipality's locations reads ~170 pages, not ~4,400.
            _copy_rows(
                cursor,
                table,
                columns,
                names,
                _in_key_order(desired),
                fields,
                tail,
                batch_size,
                progress,
            )
            for statement in reversed([create for _drop, create in dropped]):
                cursor.execute(statement)
            plan.added = len(desired)
            _analyze(cursor, table)
            return plan
        # Same column types as the target (CREATE TABLE AS … WITH NO DATA), so COPY converts
        # and rounds exactly as the table would, and the comparison below is type for type.
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {all_columns} FROM {table} WITH NO DATA"
        )
        names = (*keys, *values)
        _copy_rows(cursor, staging, all_columns, names, desired, fields, (), batch_size, progress)
        # One join sorts every staged row: new, changed (of which turned inactive), or the same.
        # Only then the writes, each skipped when it has nothing to do: a repeated load reads
        # the table once and writes nothing.
        first_key = f"t.{quote(keys[0])}"
        turned_off = "t.is_active AND NOT s.is_active" if "is_active" in fields else "false"
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE {first_key} IS NULL), "  # noqa: S608
            f"count(*) FILTER (WHERE {first_key} IS NOT NULL AND {differs}), "
            f"count(*) FILTER (WHERE {turned_off}) "
            f"FROM {staging} s LEFT JOIN {table} t ON {on_key}"
        )
        missing, changed, plan.deactivated = cursor.fetchone()
        if changed:
            cursor.execute(
                f"UPDATE {table} t SET "  # noqa: S608
                + ", ".join(f"{quote(c)} = s.{quote(c)}" for c in values)
                + f" FROM {staging} s WHERE {on_key} AND {differs}"
            )
            changed = cursor.rowcount
        plan.updated = changed - plan.deactivated
        if missing:
            extra_columns = "".join(f", {quote(c)}" for c in extra)
            extra_values = "".join(", %s" for _ in extra)
            # In key order: the unique index is then filled from left to right.
            cursor.execute(
                f"INSERT INTO {table} ({all_columns}{extra_columns}) "  # noqa: S608
                f"SELECT {', '.join(f's.{quote(c)}' for c in (*keys, *values))}{extra_values} "
                f"FROM {staging} s WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {on_key}) "
                f"ORDER BY {', '.join(f's.{quote(c)}' for c in keys)}",
                list(extra.values()),
            )
            plan.added = cursor.rowcount
        plan.unchanged = len(desired) - plan.added - plan.updated - plan.deactivated
        if deactivate_missing:
            cursor.execute(
                f"UPDATE {table} t SET is_active = false WHERE t.is_active AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {staging} s WHERE {on_key})"
            )
            plan.deactivated += cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
        if plan.added or plan.updated or plan.deactivated:
            _analyze(cursor, table)
    return plan


def _in_key_order(desired: dict[tuple, dict]) -> dict[tuple, dict]:
    try:
        return {key: desired[key] for key in sorted(desired)}
    except TypeError:  # keys that do not compare (a None among them): as given
        return desired


def _analyze(cursor, table: str) -> None:
    """PostgreSQL's advice after populating a table: fresh statistics for the planner, now and
    not when autovacuum comes round (if it runs at all). Without them it plans the pupil reads
    of a municipality on the estimates of an empty table. Allowed inside the transaction."""
    cursor.execute(f"ANALYZE {table}")
