import io
import re

from pypdf import PdfReader

from reports import services


def build(municipality, kind, user, cycle=None, capture=None):
    """Request a report and run its task in-process (on commit), return the refreshed job."""
    with capture(execute=True):
        job = services.report_request(municipality=municipality, kind=kind, user=user, cycle=cycle)
    job.refresh_from_db()
    return job


def pdf_text(job) -> str:
    with job.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def assert_pdf_ua(data: bytes) -> PdfReader:
    """The PDF/UA-1 markers a checker looks at first: tagged, language, structure, XMP part."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert str(root["/Lang"]) == "nl"
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part(=\"1\"|>1<)", xmp), "XMP lacks pdfuaid:part 1"
    assert reader.metadata.title
    return reader


def enqueued(callbacks: list) -> list:
    """The on-commit callbacks that enqueue a report build (the page cache registers its own)."""
    return [c for c in callbacks if getattr(c, "func", None) is services.report_enqueue]
