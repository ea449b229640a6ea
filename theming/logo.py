"""The municipality's logo: PNG or JPEG through core.uploads' check, SVG only sanitised.

A raster logo goes through ``core.uploads.check_upload`` (the kind read from the bytes, the size
limit, the extension) and is then opened with Pillow to refuse a damaged file or one of absurd
dimensions (a decompression bomb) before anything is stored.

An SVG is a document that can carry scripts, event handlers, external references and entity
tricks, so it is never stored as uploaded. It is parsed with defusedxml (no DTDs, no entities,
no external references) and written again from an allow-list of drawing elements and
presentation attributes; a reference (``href``, ``url(…)``) may only point inside the file. A file
that has nothing left to draw, or that cannot be parsed, is refused.
"""

import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree
from defusedxml.common import DefusedXmlException
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.uploads import MB, UploadPolicy, check_upload

MAX_LOGO_BYTES = 1 * MB
MAX_LOGO_PIXELS = 4000  # per side
LOGO_POLICY = UploadPolicy(
    kinds=("png", "jpeg"),
    max_bytes=MAX_LOGO_BYTES,
    wrong_kind_message=gettext_lazy("Een logo moet een PNG-, JPEG- of SVG-bestand zijn."),
)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = frozenset(
    {
        "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
        "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop",
        "clipPath", "mask", "use", "symbol",
    }
)  # fmt: skip
SVG_ATTRIBUTES = frozenset(
    {
        "id", "class", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "cx",
        "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule",
        "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
        "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "clip-path",
        "clip-rule", "mask", "offset", "stop-color", "stop-opacity", "gradientUnits",
        "gradientTransform", "spreadMethod", "fx", "fy", "preserveAspectRatio", "font-family",
        "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline",
        "letter-spacing", "role", "aria-label", "aria-hidden", "version", "clipPathUnits",
        "maskUnits", "maskContentUnits", "href",
    }
)  # fmt: skip
LOCAL_URL = re.compile(r"url\(\s*#[A-Za-z0-9_.-]+\s*\)\Z")
LOCAL_HREF = re.compile(r"#[A-Za-z0-9_.-]+\Z")
SAFE_VALUE = re.compile(r"[^<>\\&]*\Z")


@dataclass(frozen=True)
class CheckedLogo:
    kind: str  # png, jpeg, svg
    content: bytes

    @property
    def extension(self) -> str:
        return {"png": ".png", "jpeg": ".jpg", "svg": ".svg"}[self.kind]

    @property
    def content_type(self) -> str:
        return {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}[self.kind]


def _looks_like_svg(head: bytes, name: str) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return name.lower().endswith(".svg") or start.startswith(
        (b"<?xml", b"<svg", b"<!--", b"<!doctype")
    )


def check_logo(file) -> CheckedLogo:
    """The logo as it will be stored, or a Dutch ``ValidationError``."""
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    if _looks_like_svg(head, getattr(file, "name", "") or ""):
        size = file.size if getattr(file, "size", None) is not None else None
        data = file.read(MAX_LOGO_BYTES + 1)
        file.seek(0)
        if (size or len(data)) > MAX_LOGO_BYTES:
            raise ValidationError(
                _("Het logo is groter dan %(max)s MB.") % {"max": MAX_LOGO_BYTES // MB},
                code="too_large",
            )
        return CheckedLogo("svg", sanitise_svg(data))
    kind = check_upload(file, policy=LOGO_POLICY).kind
    content = file.read()
    file.seek(0)
    _check_raster(content)
    return CheckedLogo(kind, content)


def _check_raster(content: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width > MAX_LOGO_PIXELS or height > MAX_LOGO_PIXELS:
                raise ValidationError(
                    _(
                        "Het logo is %(width)s × %(height)s pixels; het mag hoogstens %(max)s "
                        "pixels breed en hoog zijn."
                    )
                    % {"width": width, "height": height, "max": MAX_LOGO_PIXELS},
                    code="too_large",
                )
            image.verify()
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds of errors on a damaged file
        raise ValidationError(
            _("Het logo is beschadigd of geen geldige afbeelding."), code="corrupt"
        ) from None


def _local_name(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _sep, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _clean_attribute(name: str, value: str) -> str | None:
    namespace, local = _local_name(name)
    if namespace not in ("", XLINK_NS) or local.lower().startswith("on"):
        return None
    if local not in SVG_ATTRIBUTES or not SAFE_VALUE.match(value):
        return None
    if local == "href":
        return value if LOCAL_HREF.match(value.strip()) else None
    if "url(" in value.lower():
        return value if LOCAL_URL.match(value.strip()) else None
    return value


def _clean_element(source, target) -> None:
    for child in source:
        if not isinstance(child.tag, str):
            continue  # comments and processing instructions
        namespace, local = _local_name(child.tag)
        if namespace != SVG_NS or local not in SVG_ELEMENTS:
            continue
        element = ElementTree.SubElement(target, f"{{{SVG_NS}}}{local}")
        for name, value in child.attrib.items():
            cleaned = _clean_attribute(name, value)
            if cleaned is not None:
                element.set(_local_name(name)[1], cleaned)  # xlink:href becomes href
        # Only text elements keep their text (and the text after a tspan inside them).
        if local in ("title", "desc", "text", "tspan") and child.text:
            element.text = child.text
        if child.tail and target.tag.endswith(("}text", "}tspan")):
            element.tail = child.tail
        _clean_element(child, element)


def sanitise_svg(data: bytes) -> bytes:
    """The SVG written again from the allow-list; a Dutch ``ValidationError`` when it cannot be
    read safely or nothing drawable is left."""
    refused = ValidationError(
        _(
            "Dit SVG-bestand kan niet veilig worden gelezen (bijvoorbeeld door een DOCTYPE of "
            "entiteiten). Lever het logo als PNG of JPEG, of als eenvoudige SVG."
        ),
        code="svg_unsafe",
    )
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError, ValueError):
        raise refused from None
    if _local_name(root.tag) != (SVG_NS, "svg"):
        raise refused
    ElementTree.register_namespace("", SVG_NS)
    clean = ElementTree.Element(f"{{{SVG_NS}}}svg")
    for name, value in root.attrib.items():
        cleaned = _clean_attribute(name, value)
        if cleaned is not None:
            clean.set(_local_name(name)[1], cleaned)
    _clean_element(root, clean)
    if not any(_local_name(e.tag)[1] not in ("title", "desc", "defs") for e in clean):
        raise ValidationError(
            _("Het SVG-bestand bevat niets dat als logo kan worden getekend."), code="svg_empty"
        )
    return ElementTree.tostring(clean, encoding="utf-8", xml_declaration=True)
