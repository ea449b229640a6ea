"""factory_boy factories and file builders for the school-analysis tests."""

import io
import zipfile

import factory
from django.core.files.base import ContentFile

from analyses.models import (
    DOMAIN_FIELDS,
    AnalysisAttachment,
    AnalysisStatus,
    Delay,
    SchoolAnalysis,
)
from cycles.models import Cycle, Phase
from municipalities.models import Role
from tests.cycles.factories import CycleFactory
from tests.factories import MembershipFactory, SchoolFactory


def open_cycle(municipality) -> Cycle:
    """The municipality's open cycle (one at most), created in the Data phase when missing."""
    cycle = Cycle.objects.for_municipality(municipality).open().first()
    return cycle or CycleFactory(municipality=municipality, phase=Phase.DATA)


def complete_values(delay: str = Delay.SMALL, share: int = 30) -> dict:
    values = {}
    for _domain, delay_name, share_name in DOMAIN_FIELDS:
        values[delay_name] = delay
        values[share_name] = share
    return values


class SchoolAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolAnalysis

    school = factory.SubFactory(SchoolFactory)
    municipality = factory.SelfAttribute("school.municipality")
    cycle = factory.LazyAttribute(lambda o: open_cycle(o.municipality))
    status = AnalysisStatus.DRAFT

    class Params:
        complete = factory.Trait(**complete_values())


def school_user(municipality, school=None):
    """A user with the school role for ``school`` (a new school when None)."""
    school = school or SchoolFactory(municipality=municipality)
    return MembershipFactory(municipality=municipality, role=Role.SCHOOL, school=school).user


# --- Files ---------------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _zip(
    entries: dict[str, bytes], *, first: str | None = None, stored: set | None = None
) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        names = ([first] if first else []) + [n for n in entries if n != first]
        for name in names:
            compress = zipfile.ZIP_STORED if stored and name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, entries[name], compress_type=compress)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
        }
    )


def odt_bytes() -> bytes:
    return _zip(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"},
        first="mimetype",
        stored={"mimetype"},
    )


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def zip_bomb_xlsx() -> bytes:
    """An XLSX-shaped zip with one part that unpacks to 200 MB (compressed to ~200 KB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(200):
                part.write(chunk)
    return buffer.getvalue()


def attachment_for(analysis, name: str = "analyse.pdf") -> AnalysisAttachment:
    attachment = AnalysisAttachment(
        municipality_id=analysis.municipality_id,
        analysis=analysis,
        name=name,
        kind="pdf",
        content_type="application/pdf",
        size=len(pdf_bytes()),
    )
    attachment.file.save("upload.pdf", ContentFile(pdf_bytes()), save=False)
    attachment.save()
    return attachment
