"""The contrast check of a theme (WCAG 2.1, success criteria 1.4.3 and 1.4.11).

A theme is a set of token overrides on top of the default theme. Before it is saved, the colours
that meet on every page are resolved (``var()`` references followed through the merged set, as
the browser does on the element that carries both themes) and their contrast computed with
WCAG's relative luminance. Text needs 4.5:1 against its background; a focus outline and the
border of a form field need 3:1 against the page (non-text contrast).

The pairs name the tokens the Utrecht components read (``static/nlds/utrecht-components.css``);
``frontend/src/bridge.css`` maps the ones the voorbeeld set leaves out (document, focus, form
control) onto its ``basis`` tokens, so overriding either level is checked.
"""

from dataclasses import dataclass

import tinycss2
from django.utils.translation import gettext_lazy as _
from tinycss2 import color4

MAX_REFERENCE_DEPTH = 20

PAGE_BACKGROUND = "--utrecht-document-background-color"


@dataclass(frozen=True)
class ContrastPair:
    foreground: str
    background: str
    minimum: float
    label: str


CONTRAST_PAIRS = (
    ContrastPair(
        "--utrecht-button-primary-action-color",
        "--utrecht-button-primary-action-background-color",
        4.5,
        _("tekst op de knop"),
    ),
    ContrastPair(
        "--utrecht-button-secondary-action-color",
        "--utrecht-button-secondary-action-background-color",
        4.5,
        _("tekst op de secundaire knop"),
    ),
    ContrastPair("--utrecht-document-color", PAGE_BACKGROUND, 4.5, _("tekst op de pagina")),
    ContrastPair("--utrecht-link-color", PAGE_BACKGROUND, 4.5, _("links op de pagina")),
    ContrastPair("--utrecht-focus-outline-color", PAGE_BACKGROUND, 3.0, _("focusrand")),
    ContrastPair(
        "--utrecht-form-control-border-color", PAGE_BACKGROUND, 3.0, _("rand van formuliervelden")
    ),
    ContrastPair("--utrecht-textbox-border-color", PAGE_BACKGROUND, 3.0, _("rand van tekstvakken")),
    ContrastPair(
        "--utrecht-page-header-color",
        "--utrecht-page-header-background-color",
        4.5,
        _("tekst in de paginakop"),
    ),
    ContrastPair(
        "--utrecht-page-footer-color",
        "--utrecht-page-footer-background-color",
        4.5,
        _("tekst in de paginavoet"),
    ),
)


# --- WCAG 2.1 -------------------------------------------------------------------------------------


def _linear(channel: float) -> float:
    # WCAG 2.1 gives 0.03928 as the threshold (sRGB's own is 0.04045); no 8-bit value lies between.
    return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour with channels in 0..1."""
    red, green, blue = (_linear(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """(L1 + 0.05) / (L2 + 0.05) with L1 the lighter: 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def parse_colour(value: str) -> tuple[float, float, float, float] | None:
    """``#777``, ``rgb(…)``, ``hsl(…)`` or a colour name as (r, g, b, alpha) in 0..1; None for
    anything that is not a colour we can compute (``currentcolor``, ``oklch()``, a length)."""
    try:
        colour = color4.parse_color(value)
    except Exception:  # noqa: BLE001 - tinycss2 raises assorted errors on odd input
        return None
    if colour is None or isinstance(colour, str):
        return None
    try:
        red, green, blue, alpha = colour.to("srgb")
    except NotImplementedError:
        return None
    clamp = lambda c: min(max(float(c), 0.0), 1.0)  # noqa: E731
    return clamp(red), clamp(green), clamp(blue), clamp(alpha)


def _over(top: tuple[float, float, float, float], below: tuple[float, float, float]):
    alpha = top[3]
    return tuple(alpha * t + (1 - alpha) * b for t, b in zip(top[:3], below, strict=True))


# --- Resolving tokens -----------------------------------------------------------------------------


class Unresolvable(Exception):
    pass


def _substitute(tokens, values: dict[str, str], depth: int) -> list:
    result = []
    for token in tokens:
        if token.type == "function" and token.lower_name == "var":
            arguments = list(token.arguments)
            name_tokens = [t for t in arguments if t.type not in ("whitespace", "comment")]
            if not name_tokens or name_tokens[0].type != "ident":
                raise Unresolvable
            name = name_tokens[0].value
            comma = next((i for i, t in enumerate(arguments) if t == ","), None)
            fallback = arguments[comma + 1 :] if comma is not None else None
            if name in values:
                result.append(resolve_tokens(name, values, depth + 1))
            elif fallback is not None:
                result.extend(_substitute(fallback, values, depth + 1))
            else:
                raise Unresolvable
        elif token.type == "function":
            token.arguments = _substitute(token.arguments, values, depth)
            result.append(token)
        else:
            result.append(token)
    return result


def resolve_tokens(name: str, values: dict[str, str], depth: int = 0):
    """The value of token ``name`` with every ``var()`` replaced, as one parsed component list
    wrapped for serialising; raises ``Unresolvable`` for a cycle or a missing reference."""
    if depth > MAX_REFERENCE_DEPTH or name not in values:
        raise Unresolvable
    parsed = tinycss2.parse_component_value_list(values[name], skip_comments=True)
    return _Text(tinycss2.serialize(_substitute(parsed, values, depth)).strip())


class _Text:
    """A resolved value standing in a token list; serialises as its text."""

    type = "resolved"

    def __init__(self, text: str):
        self.text = text

    def serialize(self) -> str:
        return self.text

    def _serialize_to(self, write) -> None:
        write(self.text)


def resolve(name: str, values: dict[str, str]) -> str | None:
    """Token ``name``'s value with every ``var()`` followed, or None when it cannot be."""
    try:
        return resolve_tokens(name, values).text
    except (Unresolvable, RecursionError):
        return None


# --- The check ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContrastResult:
    pair: ContrastPair
    ratio: float | None  # None: a colour could not be determined
    foreground: str | None
    background: str | None

    @property
    def passes(self) -> bool:
        return self.ratio is not None and round(self.ratio, 2) >= self.pair.minimum

    def message(self) -> str:
        if self.ratio is None:
            return _(
                "%(label)s: de kleur van %(fg)s (%(fg_value)s) of %(bg)s (%(bg_value)s) is niet "
                "te bepalen. Gebruik #rrggbb, rgb() of hsl()."
            ) % {
                "label": self.pair.label,
                "fg": self.pair.foreground,
                "fg_value": self.foreground or "?",
                "bg": self.pair.background,
                "bg_value": self.background or "?",
            }
        return _(
            "%(label)s: contrast %(ratio)s:1 tussen %(fg)s (%(fg_value)s) en %(bg)s "
            "(%(bg_value)s); minimaal %(minimum)s:1 nodig."
        ) % {
            "label": self.pair.label,
            "ratio": f"{self.ratio:.2f}".replace(".", ","),
            "fg": self.pair.foreground,
            "fg_value": self.foreground,
            "bg": self.pair.background,
            "bg_value": self.background,
            "minimum": f"{self.pair.minimum:g}".replace(".", ","),
        }


def check_contrast(overrides: dict[str, str], defaults: dict[str, str]) -> list[ContrastResult]:
    """The contrast of every pair in ``defaults`` overridden by ``overrides``."""
    values = {**defaults, **overrides}
    page = parse_colour(resolve(PAGE_BACKGROUND, values) or "")
    page_rgb = _over(page, (1.0, 1.0, 1.0)) if page else None
    results = []
    for pair in CONTRAST_PAIRS:
        fg_text, bg_text = resolve(pair.foreground, values), resolve(pair.background, values)
        fg, bg = parse_colour(fg_text or ""), parse_colour(bg_text or "")
        ratio = None
        if fg and bg and page_rgb:
            # A translucent background shows the page through it; translucent text its background.
            background = _over(bg, page_rgb)
            ratio = contrast_ratio(_over(fg, background), background)
        results.append(ContrastResult(pair, ratio, fg_text, bg_text))
    return results
