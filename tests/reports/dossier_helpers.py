"""Reading a dossier ZIP back in the tests: its manifest, its files, its PDFs."""

import hashlib
import io
import json
import re
import zipfile

from pypdf import PdfReader

# What the dossier itself adds besides the files of the manifest.
CLOSING_FILES = {"manifest.json", "SHA256SUMS", "LEESMIJ.txt"}


def open_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def manifest_checked(archive: zipfile.ZipFile) -> dict:
    """The manifest, after checking that it names exactly the files in the ZIP (besides the three
    closing files) and that every SHA-256 and size matches the file; SHA256SUMS says the same."""
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["path"]: entry for entry in manifest["bestanden"]}
    assert set(archive.namelist()) == set(listed) | CLOSING_FILES
    for path, entry in listed.items():
        data = archive.read(path)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
        assert len(data) == entry["size"], path
        assert entry["source"] and entry["date"], path
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert sorted(sums) == sorted(f"{e['sha256']}  {e['path']}" for e in listed.values())
    return manifest


def assert_pdf_a2(data: bytes) -> PdfReader:
    """PDF/A-2 (XMP pdfaid:part 2, an output intent) and tagged (marked, a structure tree with
    elements, a language)."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfaid:part(=\"2\"|>2<)", xmp), "XMP lacks pdfaid:part 2"
    assert re.search(r"pdfaid:conformance(=\"[ABU]\"|>[ABU]<)", xmp)
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/MarkInfo"]["/Marked"].value is True
    tree = root["/StructTreeRoot"].get_object()
    assert tree.get("/K") is not None, "an empty structure tree"
    assert str(root["/Lang"]) == "nl"
    return reader
