"""Bulk intake of school analyses with an XLSX template (openpyxl).

``intake_template()`` writes one row per school location of the municipality, codes pre-filled and
the municipality's CBS code in cell B2. ``intake_parse()`` reads a filled-in copy back and
validates every row, naming row and column in Dutch; it never writes to the database. The
service ``intake_upload`` stores the parsed result, and ``intake_confirm`` imports it: all rows or
none.

The file is checked before openpyxl sees it, by the platform's one upload check
(``core.uploads.check_upload`` with ``INTAKE_UPLOAD``): it must be a real XLSX (zip with the
workbook part) whose zip directory declares a plausible unpacked size and compression ratio, so a
zip bomb is refused without being unpacked. Amounts are read by ``core.money.parse_money``, as in
every form.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analyses.models import DOMAIN_FIELDS, AnalysisStatus, Delay, SchoolAnalysis
from core.money import parse_money
from core.npo import SpendingCategory
from core.text import neutralise
from core.uploads import MB, UploadPolicy, check_upload
from municipalities.models import Municipality
from schools.models import School

SHEET_TITLE = "Schoolanalyses"
CODE_CELL = "B2"
HEADER_ROW = 4
FIRST_DATA_ROW = HEADER_ROW + 1
INTAKE_UPLOAD = UploadPolicy(
    kinds=("xlsx",),
    max_bytes=10 * MB,
    wrong_kind_message=gettext_lazy(
        "Dit is geen geldig Excel-bestand (XLSX). Gebruik het gedownloade sjabloon."
    ),
    # openpyxl holds the shared strings in memory: a filled template of 5000 schools unpacks to
    # a few MB, and 25 MB keeps the largest accepted file well under 100 MB extra memory.
    max_unpacked_bytes=25 * MB,
)
MAX_ROWS = 5000
MAX_TEXT = 5000
DELAY_WORDS = {
    "geen": Delay.NONE,
    "klein": Delay.SMALL,
    "kleine": Delay.SMALL,
    "groot": Delay.LARGE,
    "grote": Delay.LARGE,
}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str  # code, info, delay, share, budget, need
    target: str = ""  # model field (delay/share) or spending category (need)


def columns() -> list[Column]:
    cols = [
        Column("code", _("Vestigingscode"), "code"),
        Column("name", _("Naam school (niet wijzigen)"), "info"),
        Column("sector", _("Sector (niet wijzigen)"), "info"),
    ]
    for domain, delay_name, share_name in DOMAIN_FIELDS:
        cols.append(
            Column(
                delay_name,
                _("Vertraging %(d)s (geen/klein/groot)") % {"d": str(domain.label).lower()},
                "delay",
                delay_name,
            )
        )
        cols.append(
            Column(
                share_name,
                _("%% leerlingen %(d)s (0-100)") % {"d": str(domain.label).lower()},
                "share",
                share_name,
            )
        )
    cols.append(Column("own_budget", _("Eigen NPO-budget school (EUR)"), "budget"))
    for category in SpendingCategory:
        cols.append(
            Column(
                f"need_{category.value}",
                _("Behoefte: %(c)s (toelichting; leeg = geen)") % {"c": category.label},
                "need",
                category.value,
            )
        )
    return cols


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


# --- Template -------------------------------------------------------------------------------------


def intake_template(*, municipality: Municipality, cycle) -> bytes:
    """The XLSX template: one row per active school location of ``municipality``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = columns()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet["A1"] = neutralise(
        _("NPO-schoolanalyses %(name)s – %(cycle)s") % {"name": municipality.name, "cycle": cycle}
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _("Gemeentecode (niet wijzigen)")
    sheet[CODE_CELL] = municipality.cbs_code
    sheet["A3"] = _(
        "Vul per school de vertraging (geen, klein of groot) en het percentage getroffen leerlingen "
        "in. Laat een rij leeg om die school over te slaan."
    )
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for index, col in enumerate(cols):
        cell = sheet.cell(row=HEADER_ROW, column=index + 1, value=col.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[column_letter(index)].width = 14 if col.kind != "info" else 36
    sheet.column_dimensions["A"].width = 16

    schools = (
        School.objects.for_municipality(municipality)
        .active()
        .order_by("name", "vestigingscode")
        .values_list("vestigingscode", "name", "sector")
    )
    row = FIRST_DATA_ROW
    for code, name, sector in schools:
        sheet.cell(row=row, column=1, value=neutralise(code))
        sheet.cell(row=row, column=2, value=neutralise(name))
        sheet.cell(row=row, column=3, value=neutralise(sector))
        row += 1
    last = max(row - 1, FIRST_DATA_ROW) + 200  # room for rows the editor adds

    delay_rule = DataValidation(
        type="list", formula1='"geen,klein,groot"', allow_blank=True, showErrorMessage=True
    )
    share_rule = DataValidation(
        type="whole", operator="between", formula1="0", formula2="100", allow_blank=True,
        showErrorMessage=True,
    )  # fmt: skip
    delay_rule.error = _("Kies geen, klein of groot.")
    share_rule.error = _("Vul een heel getal van 0 tot en met 100 in.")
    sheet.add_data_validation(delay_rule)
    sheet.add_data_validation(share_rule)
    for index, col in enumerate(cols):
        letter = column_letter(index)
        cell_range = f"{letter}{FIRST_DATA_ROW}:{letter}{last}"
        if col.kind == "delay":
            delay_rule.add(cell_range)
        elif col.kind == "share":
            share_rule.add(cell_range)
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=2)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Parsing --------------------------------------------------------------------------------------


@dataclass
class ParsedRow:
    row: int
    code: str
    school_id: int | None = None
    school_name: str = ""
    values: dict = field(default_factory=dict)
    needs: dict = field(default_factory=dict)
    own_budget: str | None = None
    errors: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "code": self.code,
            "school_id": self.school_id,
            "school_name": self.school_name,
            "values": self.values,
            "needs": self.needs,
            "own_budget": self.own_budget,
            "errors": self.errors,
        }


@dataclass
class ParseResult:
    rows: list[ParsedRow]

    @property
    def error_count(self) -> int:
        return sum(len(r.errors) for r in self.rows)


def _where(row: int, index: int, col: Column) -> str:
    return _("Rij %(row)s, kolom %(letter)s (%(header)s)") % {
        "row": row,
        "letter": column_letter(index),
        "header": col.header,
    }


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _parse_share(value) -> int:
    if _is_formula(value):
        raise ValueError(_("formules zijn hier niet toegestaan; vul een getal in"))
    if isinstance(value, bool):
        raise ValueError(_("vul een getal van 0 tot en met 100 in"))
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        text = _text(value).rstrip("%").strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                _("'%(v)s' is geen getal; vul een getal van 0 tot en met 100 in") % {"v": text[:40]}
            ) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise ValueError(
            _("%(v)s ligt buiten het bereik 0 tot en met 100") % {"v": _text(value)[:40]}
        )
    if number != number.to_integral_value():
        raise ValueError(_("vul een heel getal in (zonder decimalen)"))
    return int(number)


def _parse_budget(value) -> Decimal:
    """A number cell as it is (rounded to cents), text the Dutch way: ``core.money.parse_money``."""
    if _is_formula(value):
        raise ValueError(_("formules zijn hier niet toegestaan; vul een bedrag in"))
    if isinstance(value, bool):
        raise ValueError(_("vul een bedrag in euro's in"))
    if isinstance(value, float):
        value = Decimal(str(value))  # via str: the number as the spreadsheet shows it
    elif not isinstance(value, int | Decimal):
        value = _text(value)
    try:
        return parse_money(value)
    except ValidationError as exc:
        message = " ".join(exc.messages).rstrip(".")
        raise ValueError(message[:1].lower() + message[1:]) from None


def _open_workbook(upload):
    """Check the upload and open it with openpyxl; a Dutch ValidationError for anything wrong."""
    # The check reads the zip directory (size, ratio) before anything is unpacked.
    check_upload(upload, policy=INTAKE_UPLOAD)
    from openpyxl import load_workbook

    upload.seek(0)
    try:
        return load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise ValidationError(
            _("Het Excel-bestand is beschadigd en kan niet worden gelezen."), code="corrupt"
        ) from None


def intake_parse(*, municipality: Municipality, cycle, upload) -> ParseResult:
    """Read and validate a filled-in template. Raises ValidationError for file-level problems."""
    workbook = _open_workbook(upload)
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.active
        cols = columns()
        # Bounded in rows and columns before a cell is read: a sheet with one cell in column
        # XFD would otherwise pad every row to 16,384 values.
        raw = list(
            sheet.iter_rows(
                min_row=1,
                max_row=FIRST_DATA_ROW + MAX_ROWS,
                max_col=len(cols),
                values_only=True,
            )
        )
    except Exception:
        raise ValidationError(
            _("Het Excel-bestand is beschadigd en kan niet worden gelezen."), code="corrupt"
        ) from None
    finally:
        workbook.close()

    def cell(row_values, index):
        return row_values[index] if row_values and index < len(row_values) else None

    code_in_file = _text(cell(raw[1] if len(raw) > 1 else None, 1)).upper()
    if code_in_file != municipality.cbs_code:
        if re.fullmatch(r"GM\d{4}", code_in_file):
            other = Municipality.objects.filter(cbs_code=code_in_file).first()
            raise ValidationError(
                _(
                    "Dit sjabloon is voor een andere gemeente (%(other)s, cel B2), niet voor "
                    "%(name)s. Download het sjabloon van %(name)s en vul dat in."
                )
                % {"other": other.name if other else code_in_file, "name": municipality.name},
                code="other_municipality",
            )
        raise ValidationError(
            _(
                "Dit is niet het sjabloon voor schoolanalyses: cel B2 hoort de gemeentecode "
                "%(code)s te bevatten. Download het sjabloon en vul dat in."
            )
            % {"code": municipality.cbs_code},
            code="not_template",
        )
    header_row = raw[HEADER_ROW - 1] if len(raw) >= HEADER_ROW else None
    headers = [_text(cell(header_row, i)) for i in range(len(cols))]
    if header_row is None or headers != [c.header for c in cols]:
        raise ValidationError(
            _(
                "De kolommen in rij %(row)s komen niet overeen met het sjabloon. Voeg geen kolommen "
                "toe en verwijder er geen; download zo nodig een nieuw sjabloon."
            )
            % {"row": HEADER_ROW},
            code="headers",
        )
    if len(raw) > FIRST_DATA_ROW - 1 + MAX_ROWS:
        raise ValidationError(
            _("Het bestand heeft meer dan %(max)s rijen.") % {"max": MAX_ROWS}, code="too_many"
        )

    data_cols = [(i, c) for i, c in enumerate(cols) if c.kind not in ("code", "info")]
    parsed: list[ParsedRow] = []
    for offset, values in enumerate(raw[FIRST_DATA_ROW - 1 :]):
        row_number = FIRST_DATA_ROW + offset
        filled = [(i, c) for i, c in data_cols if _text(cell(values, i)) != ""]
        code = _text(cell(values, 0)).upper().lstrip("'")
        if not filled:
            continue  # a school left empty is skipped, not an error
        item = ParsedRow(row=row_number, code=code)
        if not code:
            item.errors.append(
                _("%(where)s: de vestigingscode ontbreekt.")
                % {"where": _where(row_number, 0, cols[0])}
            )
        for i, col in data_cols:
            value = cell(values, i)
            if _text(value) == "":
                continue
            try:
                if col.kind == "delay":
                    word = _text(value).lower()
                    if word not in DELAY_WORDS:
                        raise ValueError(
                            _("'%(v)s' is geen geldige waarde; kies geen, klein of groot")
                            % {"v": _text(value)[:40]}
                        )
                    item.values[col.target] = str(DELAY_WORDS[word])
                elif col.kind == "share":
                    item.values[col.target] = _parse_share(value)
                elif col.kind == "budget":
                    item.own_budget = str(_parse_budget(value))
                elif col.kind == "need":
                    # Stored as the text it is: a formula or <script> stays inert text.
                    text = str(value).strip()
                    if len(text) > MAX_TEXT:
                        raise ValueError(
                            _("de toelichting is langer dan %(max)s tekens") % {"max": MAX_TEXT}
                        )
                    item.needs[col.target] = text
            except ValueError as exc:
                item.errors.append(f"{_where(row_number, i, col)}: {exc}.")
        for i, col in data_cols:
            empty = _text(cell(values, i)) == ""
            if col.kind in ("delay", "share") and col.target not in item.values and empty:
                item.errors.append(
                    _("%(where)s: niet ingevuld; vul voor elk domein vertraging en percentage in.")
                    % {"where": _where(row_number, i, col)}
                )
        parsed.append(item)

    _check_schools(parsed, municipality=municipality, cycle=cycle, code_column=cols[0])
    return ParseResult(rows=parsed)


def _check_schools(rows: list[ParsedRow], *, municipality, cycle, code_column: Column) -> None:
    """Unknown codes, schools of another municipality, duplicates, accepted analyses (2 queries)."""
    codes = {r.code for r in rows if r.code}
    schools = {
        s.vestigingscode: s
        for s in School.objects.filter(vestigingscode__in=codes).select_related("municipality")
    }
    accepted = set(
        SchoolAnalysis.objects.for_municipality(municipality)
        .filter(cycle=cycle, status=AnalysisStatus.ACCEPTED, school__vestigingscode__in=codes)
        .values_list("school__vestigingscode", flat=True)
    )
    first_row: dict[str, int] = {}
    for item in rows:
        if not item.code:
            continue
        where = _where(item.row, 0, code_column)
        school = schools.get(item.code)
        if school is None:
            item.errors.insert(
                0,
                _("%(where)s: onbekende vestigingscode %(code)s.")
                % {"where": where, "code": item.code[:20]},
            )
            continue
        if school.municipality_id != municipality.pk:
            item.errors.insert(
                0,
                _("%(where)s: %(code)s is een school in %(other)s, niet in %(name)s.")
                % {
                    "where": where,
                    "code": item.code,
                    "other": school.municipality.name,
                    "name": municipality.name,
                },
            )
            continue
        item.school_id = school.pk
        item.school_name = school.name
        if item.code in first_row:
            item.errors.insert(
                0,
                _("%(where)s: %(code)s staat ook al in rij %(first)s (dubbele rij).")
                % {"where": where, "code": item.code, "first": first_row[item.code]},
            )
            continue
        first_row[item.code] = item.row
        if item.code in accepted:
            item.errors.insert(
                0,
                _(
                    "%(where)s: de analyse van %(school)s is al geaccepteerd; de bulkinvoer "
                    "overschrijft die niet."
                )
                % {"where": where, "school": school.name},
            )
