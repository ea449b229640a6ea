"""The municipality's house style where custom properties and our stylesheets cannot go: its
PDFs (WeasyPrint) and its HTML e-mails.

Both get *resolved* values: the theme's tokens merged over the default theme, every ``var()``
followed (``theming.contrast.resolve``), and each colour written again as ``#rrggbb`` by us. What
reaches a PDF's ``<style>`` or an e-mail's ``style=""`` is therefore only hex colours, font
families from a fixed list and the name form (escaped as text), never a value as uploaded.

``document_theme`` is what a report's snapshot keeps (JSON): a report version keeps the look it
was built with, whatever the theme does later; the logo travels inside it as a data: URI (a
raster logo is scaled down for that), so a replaced or removed logo file does not change an old
version either.
"""

import base64
import io
import re
from functools import cache

from django.utils.translation import gettext as _

from theming.contrast import _over, parse_colour, resolve
from theming.tokens import default_tokens

# The colours a PDF and an e-mail use, and the token each comes from. The pairs the contrast
# check guards: accent/on_accent (the primary button), text/link on the page, the page header.
COLOUR_TOKENS = {
    "accent": "--utrecht-button-primary-action-background-color",
    "on_accent": "--utrecht-button-primary-action-color",
    "heading": "--utrecht-heading-2-color",
    "text": "--utrecht-document-color",
    "background": "--utrecht-document-background-color",
    "link": "--utrecht-link-color",
    "muted": "--basis-color-default-color-subtle",
    "border": "--basis-color-default-border-default",
    "subtle_background": "--basis-color-default-bg-subtle",
}
FONT_TOKENS = {
    "text": "--utrecht-document-font-family",
    "heading": "--utrecht-heading-1-font-family",
}
# The families a PDF can have (reports/static/reports/fonts.css, then the system's DejaVu for a
# glyph the Latin subsets lack); a theme naming another font gets the default.
PDF_FONTS = {
    "Noto Sans": '"Noto Sans", "DejaVu Sans", sans-serif',
    "Noto Serif": '"Noto Serif", "DejaVu Serif", serif',
}
HEX = re.compile(r"#[0-9a-f]{6}\Z")
LOGO_MAX_SIZE = (1200, 400)  # px: plenty for 60 mm on paper at 300 dpi
LOGO_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def resolved_colours(overrides: dict[str, str]) -> dict[str, str]:
    """Each of ``COLOUR_TOKENS`` as ``#rrggbb`` for the default theme overridden by
    ``overrides``; a translucent colour is composited over the page (the page over white). A
    colour that cannot be computed falls back to the default theme's."""
    defaults = _default_colours() if overrides else None
    values = {**default_tokens(), **overrides}
    page = parse_colour(resolve(COLOUR_TOKENS["background"], values) or "") or (1, 1, 1, 1)
    page_rgb = _over(page, (1.0, 1.0, 1.0))
    colours = {}
    for key, token in COLOUR_TOKENS.items():
        colour = parse_colour(resolve(token, values) or "")
        if colour is None:
            colours[key] = defaults[key] if defaults else "#000000"
        else:
            colours[key] = _hex(_over(colour, page_rgb))
    return colours


@cache
def _default_colours() -> dict[str, str]:
    return resolved_colours({})


def _font(value: str | None, fallback: str) -> str:
    for family, stack in PDF_FONTS.items():
        if value and family.lower() in value.lower():
            return stack
    return PDF_FONTS[fallback]


def resolved_fonts(overrides: dict[str, str]) -> dict[str, str]:
    values = {**default_tokens(), **overrides}
    return {
        "text": _font(resolve(FONT_TOKENS["text"], values), "Noto Sans"),
        "heading": _font(resolve(FONT_TOKENS["heading"], values), "Noto Serif"),
    }


def _logo_data_uri(theme) -> dict | None:
    """The logo as a data: URI (raster logos scaled to fit ``LOGO_MAX_SIZE``), or None."""
    if not theme.logo or theme.logo_kind not in LOGO_TYPES:
        return None
    try:
        with theme.logo.open("rb") as file:
            content = file.read()
    except OSError:
        return None  # the file is gone: the document shows the name form alone
    kind = theme.logo_kind
    if kind != "svg":
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            if image.width > LOGO_MAX_SIZE[0] or image.height > LOGO_MAX_SIZE[1]:
                image.thumbnail(LOGO_MAX_SIZE)
                out = io.BytesIO()
                if kind == "jpeg":
                    image.convert("RGB").save(out, format="JPEG", quality=90)
                else:
                    image.save(out, format="PNG", optimize=True)
                content = out.getvalue()
    encoded = base64.b64encode(content).decode("ascii")
    return {"kind": kind, "src": f"data:{LOGO_TYPES[kind]};base64,{encoded}"}


def document_theme(municipality) -> dict:
    """The house style a report of ``municipality`` is built with, as JSON for its snapshot:
    ``token_set``, ``name_form``, ``colours`` (``#rrggbb``), ``fonts`` (font stacks from
    ``PDF_FONTS``) and ``logo`` (``{"kind", "src"}`` or None)."""
    from theming.selectors import theme_get

    theme = theme_get(municipality=municipality)
    overrides = theme.overrides() if theme else {}
    if theme is not None:
        theme.municipality = municipality
    return {
        "token_set": theme.token_set if theme else "voorbeeld",
        "name_form": str(theme.display_name)
        if theme
        else _("Gemeente %(name)s") % {"name": municipality.name},
        "colours": resolved_colours(overrides),
        "fonts": resolved_fonts(overrides),
        "logo": _logo_data_uri(theme) if theme else None,
    }


def checked_document_theme(data: dict | None, *, name: str) -> dict:
    """``data`` (from a snapshot) with every value checked again before it is written into a
    stylesheet: a colour that is not ``#rrggbb`` or a font stack not from ``PDF_FONTS`` gets the
    default theme's, a logo that is not one of our data: URIs is left out. A snapshot from before
    themes (no ``data``) gets the default theme with ``Gemeente <name>``."""
    data = data or {}
    defaults = _default_colours()
    colours = data.get("colours") or {}
    fonts = data.get("fonts") or {}
    stacks = set(PDF_FONTS.values())
    logo = data.get("logo") or None
    if logo and not (
        logo.get("kind") in LOGO_TYPES
        and str(logo.get("src", "")).startswith(f"data:{LOGO_TYPES[logo['kind']]};base64,")
    ):
        logo = None
    return {
        "token_set": str(data.get("token_set") or "voorbeeld"),
        "name_form": str(data.get("name_form") or _("Gemeente %(name)s") % {"name": name}),
        "colours": {
            key: colours[key] if HEX.match(str(colours.get(key, ""))) else default
            for key, default in defaults.items()
        },
        "fonts": {
            "text": fonts.get("text") if fonts.get("text") in stacks else PDF_FONTS["Noto Sans"],
            "heading": fonts.get("heading")
            if fonts.get("heading") in stacks
            else PDF_FONTS["Noto Serif"],
        },
        "logo": logo,
    }


def mail_brand(municipality) -> dict:
    """What an HTML e-mail of ``municipality`` (None: of no municipality) shows of its house
    style: the name form and resolved colours to inline (``style=""``). No logo: our mails load
    nothing and carry no images (see templates/mail/base.html)."""
    if municipality is None:
        return {"name_form": "", "colours": _default_colours()}
    from theming.selectors import theme_cached

    theme = theme_cached(municipality=municipality)
    return {
        "name_form": str(theme.display_name)
        if theme
        else _("Gemeente %(name)s") % {"name": municipality.name},
        "colours": resolved_colours(theme.overrides()) if theme else _default_colours(),
    }


def mail_html_context(context: dict) -> dict:
    """``brand`` for every HTML e-mail (core.mail.register_html_context, from theming.apps): the
    house style of the context's ``municipality``, the default theme without one."""
    from municipalities.models import Municipality

    municipality = context.get("municipality")
    if not isinstance(municipality, Municipality):
        municipality = None
    return {"brand": mail_brand(municipality)}
