"""Bulk intake: template download, preview with per-row validation, confirm all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from analyses.intake import FIRST_DATA_ROW, columns
from analyses.models import AnalysisIntake, AnalysisNeed, AnalysisStatus, SchoolAnalysis
from tests.analyses.factories import SchoolAnalysisFactory, open_cycle, zip_bomb_xlsx
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

COLS = {c.key: i + 1 for i, c in enumerate(columns())}


def url(name, municipality, **kwargs):
    return reverse(f"analyses:{name}", kwargs={"municipality_slug": municipality.slug, **kwargs})


@pytest.fixture
def schools(municipality):
    return [
        SchoolFactory(municipality=municipality, name="Basisschool Aa", vestigingscode="11AA00"),
        SchoolFactory(municipality=municipality, name="Basisschool Bb", vestigingscode="22BB00"),
        SchoolFactory(
            municipality=municipality, name="Lyceum Cc", vestigingscode="33CC00", sector="VO"
        ),
    ]


def template(client, municipality):
    response = client.get(url("intake_template", municipality))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def fill(sheet, row, **values):
    for key, value in values.items():
        sheet.cell(row=row, column=COLS[key], value=value)


def complete(delay="klein", share=25):
    return {
        key: (delay if key.startswith("delay_") else share)
        for key in COLS
        if key.startswith(("delay_", "share_"))
    }


def row_of(sheet, code):
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == code:
            return row
    raise AssertionError(code)


def as_upload(workbook, name="ingevuld.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def post(client, municipality, upload):
    return client.post(url("intake", municipality), {"file": upload}, follow=True)


def test_template_has_one_row_per_school_with_codes_and_the_municipality_code(
    officer_client, municipality, schools, cycle
):
    SchoolFactory(municipality=municipality, name="Gesloten school", is_active=False)
    SchoolFactory(name="School elders")  # another municipality
    sheet = template(officer_client, municipality).active
    assert sheet["B2"].value == "GM0344"
    codes = [sheet.cell(row=r, column=1).value for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    assert codes == ["11AA00", "22BB00", "33CC00"]
    assert sheet.cell(row=FIRST_DATA_ROW, column=2).value == "Basisschool Aa"


def test_template_neutralises_formula_looking_names(officer_client, municipality, cycle):
    SchoolFactory(municipality=municipality, name='=HYPERLINK("http://evil","klik")')
    sheet = template(officer_client, municipality).active
    cell = sheet.cell(row=FIRST_DATA_ROW, column=2)
    assert cell.data_type == "s"
    assert cell.value.startswith("'=")


def test_valid_file_previews_then_imports_every_row(
    officer_client, officer, municipality, schools, cycle
):
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete("groot", 60), own_budget=12500,
         need_inhalen="Zomerschool voor groep 7")  # fmt: skip
    fill(sheet, row_of(sheet, "33CC00"), **complete("geen", 0), own_budget="12.500,50")
    # 22BB00 stays empty: skipped, not an error.
    response = post(officer_client, municipality, as_upload(workbook))
    body = response.content.decode()
    assert "Alle 2 rijen zijn in orde." in body
    assert not SchoolAnalysis.objects.exists()  # nothing before confirming
    intake = AnalysisIntake.objects.get()
    assert intake.error_count == 0 and len(intake.rows) == 2

    response = officer_client.post(
        url("intake_preview", municipality, intake_token=intake.token), follow=True
    )
    assert "2 schoolanalyses ingelezen." in response.content.decode()
    aa = SchoolAnalysis.objects.get(school__vestigingscode="11AA00")
    assert aa.status == AnalysisStatus.SUBMITTED and aa.imported and aa.submitted_by == officer
    assert aa.delay_rekenen == "groot" and aa.share_welbevinden == 60
    assert str(aa.own_budget) == "12500.00"
    assert aa.needs.get().explanation == "Zomerschool voor groep 7"
    cc = SchoolAnalysis.objects.get(school__vestigingscode="33CC00")
    assert str(cc.own_budget) == "12500.50" and cc.delay_taal == "geen"
    assert not SchoolAnalysis.objects.filter(school__vestigingscode="22BB00").exists()
    # Confirming twice imports nothing more.
    response = officer_client.post(
        url("intake_preview", municipality, intake_token=intake.token), follow=True
    )
    assert "Dit bestand is al ingelezen." in response.content.decode()


def test_confirm_imports_the_stored_preview_not_what_the_browser_sends(
    officer_client, municipality, schools, cycle
):
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete("klein", 10))
    post(officer_client, municipality, as_upload(workbook))
    intake = AnalysisIntake.objects.get()
    officer_client.post(
        url("intake_preview", municipality, intake_token=intake.token),
        {"rows": '[{"school_id": 1, "values": {"share_taal": 99}}]', "share_taal": "99"},
    )
    assert SchoolAnalysis.objects.get().share_taal == 10


@pytest.mark.parametrize(
    ("code", "values", "message"),
    [
        ("99ZZ00", {}, "Rij 5, kolom A (Vestigingscode): onbekende vestigingscode 99ZZ00."),
        ("44DD00", {}, "Rij 5, kolom A (Vestigingscode): 44DD00 is een school in Zwolle, niet in Utrecht."),
        ("11AA00", {"share_taal": 140}, "kolom E (% leerlingen taal/lezen (0-100)): 140 ligt buiten het bereik 0 tot en met 100."),
        ("11AA00", {"share_taal": -5}, "-5 ligt buiten het bereik 0 tot en met 100"),
        ("11AA00", {"delay_rekenen": "heel veel"}, "Rij 5, kolom F (Vertraging rekenen (geen/klein/groot)): 'heel veel' is geen geldige waarde; kies geen, klein of groot."),
        ("11AA00", {"share_rekenen": "=1+1"}, "formules zijn hier niet toegestaan; vul een getal in"),
        ("11AA00", {"share_rekenen": "veel"}, "'veel' is geen getal"),
        ("11AA00", {"own_budget": -100}, "het bedrag mag niet negatief zijn"),
        # Amounts are read as in every form (core.money): a dot is a thousands separator.
        ("11AA00", {"own_budget": "1234.56"}, "Eigen NPO-budget school (EUR)): dit is geen geldig bedrag. Gebruik een komma voor de centen"),
        ("11AA00", {"own_budget": "12,500"}, "gebruik hoogstens twee cijfers achter de komma."),
        ("11AA00", {"share_executief": None}, "kolom M (% leerlingen executieve functies (0-100)): niet ingevuld"),
    ],
    ids=["unknown-code", "other-municipality", "over-100", "negative", "bad-delay", "formula-number",
         "text-number", "negative-budget", "dot-decimal-budget", "three-decimals-budget",
         "missing-value"],
)  # fmt: skip
def test_invalid_rows_are_reported_by_row_and_column_and_nothing_is_imported(
    officer_client, municipality, other_municipality, schools, cycle, code, values, message
):
    SchoolFactory(municipality=other_municipality, vestigingscode="44DD00")
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
        for col in range(1, sheet.max_column + 1):
            sheet.cell(row=row, column=col, value=None)
    fill(sheet, FIRST_DATA_ROW, code=code, **{**complete(), **values})
    fill(sheet, FIRST_DATA_ROW + 1, code="22BB00", **complete())  # a good row: not imported either
    body = post(officer_client, municipality, as_upload(workbook)).content.decode()
    assert message.replace("'", "&#x27;") in body, body[body.find("utrecht-alert--error") :][:3000]
    assert "Er is niets ingelezen." in body
    intake = AnalysisIntake.objects.get()
    response = officer_client.post(
        url("intake_preview", municipality, intake_token=intake.token), follow=True
    )
    assert "Het bestand bevat nog fouten." in response.content.decode()
    assert not SchoolAnalysis.objects.exists()


def test_duplicate_rows_are_reported(officer_client, municipality, schools, cycle):
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete())
    fill(sheet, sheet.max_row + 1, code="11AA00", **complete())
    body = post(officer_client, municipality, as_upload(workbook)).content.decode()
    assert "11AA00 staat ook al in rij 5 (dubbele rij)." in body
    assert AnalysisIntake.objects.get().error_count == 1


def test_formulas_and_html_in_text_cells_are_stored_as_text_and_shown_escaped(
    officer_client, municipality, schools, cycle
):
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    script = "<script>alert('xss')</script> en <b>vet</b>"
    formula = '=HYPERLINK("http://evil.example","klik")'
    fill(sheet, row_of(sheet, "11AA00"), **complete(), need_inhalen=script, need_jeugdhulp=formula)
    post(officer_client, municipality, as_upload(workbook))
    intake = AnalysisIntake.objects.get()
    officer_client.post(url("intake_preview", municipality, intake_token=intake.token))
    analysis = SchoolAnalysis.objects.get()
    needs = dict(AnalysisNeed.objects.values_list("category", "explanation"))
    assert needs == {"inhalen": script, "jeugdhulp": formula}
    page = officer_client.get(url("detail", municipality, analysis_pk=analysis.pk)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in page
    assert "=HYPERLINK(&quot;http://evil.example&quot;,&quot;klik&quot;)" in page


def test_template_of_another_municipality_is_refused(
    client, municipality, other_municipality, member_factory, schools, cycle
):
    open_cycle(other_municipality)
    SchoolFactory(municipality=other_municipality, vestigingscode="44DD00")
    zwolle = member_factory(other_municipality)
    client.force_login(zwolle)
    foreign = load_workbook(
        io.BytesIO(client.get(url("intake_template", other_municipality)).content)
    )
    fill(foreign.active, FIRST_DATA_ROW, **complete())
    client.force_login(member_factory(municipality))
    body = post(client, municipality, as_upload(foreign)).content.decode()
    assert "Dit sjabloon is voor een andere gemeente (Zwolle, cel B2), niet voor Utrecht." in body
    assert not AnalysisIntake.objects.exists() and not SchoolAnalysis.objects.exists()


def test_a_spreadsheet_that_is_not_the_template_is_refused(officer_client, municipality, cycle):
    workbook = Workbook()
    workbook.active["A1"] = "Iets anders"
    body = post(officer_client, municipality, as_upload(workbook)).content.decode()
    assert "Dit is niet het sjabloon voor schoolanalyses" in body
    assert not AnalysisIntake.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00 kapot", "beschadigd of geen geldig Office-bestand"),
        (b"dit is gewoon tekst", "Dit is geen geldig Excel-bestand (XLSX)."),
        (b"", "Het bestand is leeg."),
        (zip_bomb_xlsx(), "mogelijk een zip-bom"),
    ],
    ids=["corrupt-xlsx", "not-xlsx", "empty", "zip-bomb"],
)
def test_unusable_files_are_refused_before_parsing(
    officer_client, municipality, cycle, content, message, monkeypatch
):
    import openpyxl

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl must not open this file")

    if message != "beschadigd of geen geldig Office-bestand":
        monkeypatch.setattr(openpyxl, "load_workbook", must_not_open)
    body = post(
        officer_client, municipality, SimpleUploadedFile("x.xlsx", content)
    ).content.decode()
    assert message in body
    assert not AnalysisIntake.objects.exists() and not SchoolAnalysis.objects.exists()


def test_damaged_workbook_that_is_a_valid_zip_is_refused(officer_client, municipality, cycle):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types")
        archive.writestr("xl/workbook.xml", b"<<< not xml")
    body = post(
        officer_client, municipality, SimpleUploadedFile("x.xlsx", buffer.getvalue())
    ).content.decode()
    assert "Het Excel-bestand is beschadigd en kan niet worden gelezen." in body


def test_all_or_nothing_when_an_analysis_was_accepted_meanwhile(
    officer_client, municipality, schools, cycle
):
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete())
    fill(sheet, row_of(sheet, "22BB00"), **complete())
    post(officer_client, municipality, as_upload(workbook))
    intake = AnalysisIntake.objects.get()
    assert intake.error_count == 0
    # Between preview and confirmation the second school's analysis gets accepted.
    SchoolAnalysisFactory(
        school=schools[1], cycle=cycle, status=AnalysisStatus.ACCEPTED, share_taal=5
    )
    response = officer_client.post(
        url("intake_preview", municipality, intake_token=intake.token), follow=True
    )
    assert "is intussen geaccepteerd" in response.content.decode()
    assert not SchoolAnalysis.objects.filter(school=schools[0]).exists()
    assert SchoolAnalysis.objects.get(school=schools[1]).share_taal == 5
    intake.refresh_from_db()
    assert intake.status == AnalysisIntake.Status.PREVIEW


def test_accepted_analysis_is_a_row_error_in_the_preview(
    officer_client, municipality, schools, cycle
):
    SchoolAnalysisFactory(school=schools[0], cycle=cycle, status=AnalysisStatus.ACCEPTED)
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete())
    body = post(officer_client, municipality, as_upload(workbook)).content.decode()
    assert "is al geaccepteerd; de bulkinvoer overschrijft die niet." in body


def test_returned_analysis_becomes_resubmitted(officer_client, municipality, schools, cycle):
    returned = SchoolAnalysisFactory(school=schools[0], cycle=cycle, status=AnalysisStatus.RETURNED)
    workbook = template(officer_client, municipality)
    sheet = workbook.active
    fill(sheet, row_of(sheet, "11AA00"), **complete())
    post(officer_client, municipality, as_upload(workbook))
    officer_client.post(
        url("intake_preview", municipality, intake_token=AnalysisIntake.objects.get().token)
    )
    returned.refresh_from_db()
    assert returned.status == AnalysisStatus.RESUBMITTED
