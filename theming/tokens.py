"""Design-token files: read them strictly, write them back in our own form.

A municipality's house style is a set of CSS custom properties (``--utrecht-button-…``,
``--basis-color-…``) that overrides the default theme (the NL Design System voorbeeld tokens in
``static/nlds/voorbeeld-theme.css``). Staff may upload such a set as a file. It ends up in a
stylesheet served from our own origin to every member, so the file is accepted only if it is
nothing but that: custom-property declarations under exactly one selector, parsed with tinycss2.

Refused, each with a Dutch message that names the line: any at-rule (``@import``, ``@media``,
``@font-face``), a second selector, a selector list or combinator, nested rules, any ordinary
property (``color``, ``background``), ``!important``, ``url(``, any function other than a few
colour and arithmetic ones, backslash escapes (``u\\72l(`` spells ``url(``), ``<`` (the set may be
inlined in a ``<style>`` of a PDF), control characters, non-UTF-8 bytes and overlong files or
values. What is stored is never the upload: ``tokens_css`` writes the parsed declarations again
under a selector of ours.
"""

import re
from functools import cache
from pathlib import Path

import tinycss2
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_TOKEN_FILE_BYTES = 64 * 1024
MAX_DECLARATIONS = 2000
MAX_VALUE_CHARS = 300

# The default theme's scope (static/nlds/voorbeeld-theme.css) and a municipality's: two classes,
# so a municipal token wins over the default whatever the order of the stylesheets.
DEFAULT_SCOPE = ".voorbeeld-theme"
MUNICIPAL_SCOPE = ".voorbeeld-theme.npo-theme"

CUSTOM_PROPERTY = re.compile(r"--[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CLASS_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*\Z")
# Functions a token value may use: references to other tokens, colours and arithmetic.
ALLOWED_FUNCTIONS = frozenset({"var", "rgb", "rgba", "hsl", "hsla", "calc", "min", "max", "clamp"})
ALLOWED_LITERALS = frozenset({",", "/", "+", "-", "*", "%"})
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _error(message: str, code: str, line: int | None = None, **params) -> ValidationError:
    if line is not None:
        message = _("Regel %(line)s: %(message)s") % {"line": line, "message": message % params}
    else:
        message = message % params
    return ValidationError(message, code=code)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
        size = len(text.encode("utf-8"))
    else:
        size = len(data)
        text = None
    if size > MAX_TOKEN_FILE_BYTES:
        raise _error(
            _("Het tokenbestand is groter dan %(max)s KB. Laat weg wat je huisstijl niet wijzigt."),
            "too_large",
            max=MAX_TOKEN_FILE_BYTES // 1024,
        )
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _error(
                _("Het tokenbestand is geen UTF-8-tekst. Sla het op als UTF-8 (.css)."),
                "encoding",
            ) from None
    if not text.strip():
        raise _error(_("Het tokenbestand is leeg."), "empty")
    return text


def _check_characters(text: str) -> None:
    for number, line in enumerate(text.splitlines(), start=1):
        if "\\" in line:
            raise _error(
                _(
                    "een backslash (\\) is niet toegestaan: met escapes kan een verboden functie "
                    "worden verstopt. Schrijf de waarde zonder escapes."
                ),
                "escape",
                number,
            )
        if "<" in line:
            raise _error(
                _("het teken < is niet toegestaan in een tokenbestand."), "character", number
            )
        if CONTROL_CHARACTERS.search(line):
            raise _error(_("deze regel bevat een stuurteken."), "character", number)


def _is_root(parts) -> bool:
    return (
        len(parts) == 2
        and parts[0] == ":"
        and parts[1].type == "ident"
        and parts[1].lower_value == "root"
    )


def _is_classes(parts, prelude) -> bool:
    """One or more classes on one element (.gemeente-theme, .voorbeeld-theme.npo-theme)."""
    return (
        bool(parts)
        and len(parts) % 2 == 0
        and all(
            dot == "." and name.type == "ident" and CLASS_NAME.match(name.value)
            for dot, name in zip(parts[::2], parts[1::2], strict=True)
        )
        and not any(t.type == "whitespace" for t in prelude[1:-1])
    )


def _check_selector(rule) -> None:
    parts = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
    text = tinycss2.serialize(rule.prelude).strip()
    if _is_root(parts) or _is_classes(parts, rule.prelude):
        return
    if any(t == "," for t in parts):
        raise _error(
            _(
                "de selector “%(selector)s” is een lijst; het bestand mag precies één selector hebben."
            ),
            "selector",
            rule.source_line,
            selector=text,
        )
    raise _error(
        _(
            "de selector “%(selector)s” wordt niet geaccepteerd. Gebruik :root of één klasse, "
            "zoals .gemeente-theme."
        ),
        "selector",
        rule.source_line,
        selector=text,
    )


def _check_value(tokens, name: str, line: int) -> None:
    for token in tokens:
        kind = token.type
        if kind in ("whitespace", "comment", "ident", "hash", "number", "percentage", "dimension"):
            continue
        if kind == "string":
            if '"' in token.value or "\n" in token.value:
                raise _error(
                    _("de tekst in %(name)s mag geen dubbel aanhalingsteken bevatten."),
                    "value",
                    line,
                    name=name,
                )
            continue
        if kind == "literal" and token.value in ALLOWED_LITERALS:
            continue
        if kind == "url" or (kind == "function" and token.lower_name == "url"):
            raise _error(
                _("url( is niet toegestaan (in %(name)s): een thema laadt geen andere bestanden."),
                "url",
                line,
                name=name,
            )
        if kind == "function":
            if token.lower_name not in ALLOWED_FUNCTIONS:
                raise _error(
                    _(
                        "de functie %(function)s( is niet toegestaan (in %(name)s). Toegestaan: "
                        "%(allowed)s."
                    ),
                    "function",
                    line,
                    function=token.name,
                    name=name,
                    allowed=", ".join(f"{f}()" for f in sorted(ALLOWED_FUNCTIONS)),
                )
            _check_value(token.arguments, name, line)
            continue
        if kind == "() block":
            _check_value(token.content, name, line)
            continue
        if kind == "at-keyword":
            raise _error(
                _("@%(keyword)s is niet toegestaan (in %(name)s)."),
                "at_rule",
                line,
                keyword=token.value,
                name=name,
            )
        raise _error(
            _("de waarde van %(name)s bevat “%(part)s”, dat in een token niet is toegestaan."),
            "value",
            line,
            name=name,
            part=tinycss2.serialize([token])[:40],
        )


def _declarations(rule) -> dict[str, str]:
    tokens: dict[str, str] = {}
    items = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
    if len(items) > MAX_DECLARATIONS:
        raise _error(
            _("het bestand heeft meer dan %(max)s tokens."),
            "too_large",
            rule.source_line,
            max=MAX_DECLARATIONS,
        )
    for item in items:
        line = item.source_line
        if item.type == "error":
            raise _error(
                _("deze CSS kan niet worden gelezen (%(detail)s)."),
                "syntax",
                line,
                detail=item.message,
            )
        if item.type == "at-rule":
            raise _error(
                _("@%(keyword)s is niet toegestaan: alleen tokens (--naam: waarde)."),
                "at_rule",
                line,
                keyword=item.at_keyword,
            )
        if item.type != "declaration":
            raise _error(
                _("een geneste regel is niet toegestaan: alleen tokens (--naam: waarde)."),
                "nested",
                line,
            )
        name = item.name
        if not name.startswith("--"):
            raise _error(
                _(
                    "de eigenschap “%(name)s” is niet toegestaan: alleen custom properties "
                    "(--naam: waarde)."
                ),
                "property",
                line,
                name=name,
            )
        if not CUSTOM_PROPERTY.match(name):
            raise _error(
                _(
                    "de naam “%(name)s” wordt niet geaccepteerd: gebruik kleine letters, cijfers "
                    "en streepjes."
                ),
                "name",
                line,
                name=name,
            )
        if item.important:
            raise _error(
                _("!important is niet toegestaan (bij %(name)s)."), "important", line, name=name
            )
        _check_value(item.value, name, line)
        value = tinycss2.serialize(item.value).strip()
        if not value:
            raise _error(_("%(name)s heeft geen waarde."), "value", line, name=name)
        if len(value) > MAX_VALUE_CHARS:
            raise _error(
                _("de waarde van %(name)s is langer dan %(max)s tekens."),
                "value",
                line,
                name=name,
                max=MAX_VALUE_CHARS,
            )
        tokens[name] = value
    if not tokens:
        raise _error(
            _("er staan geen tokens (--naam: waarde) in het bestand."), "empty", rule.source_line
        )
    return tokens


def parse_token_file(data: bytes | str) -> dict[str, str]:
    """The tokens of an uploaded file (name -> value, in file order), or a Dutch
    ``ValidationError`` that names the problem and its line. Pure: touches no database."""
    text = _decode(data)
    _check_characters(text)
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    found = None
    for rule in rules:
        if rule.type == "error":
            raise _error(
                _("deze CSS kan niet worden gelezen (%(detail)s)."),
                "syntax",
                rule.source_line,
                detail=rule.message,
            )
        if rule.type == "at-rule":
            raise _error(
                _(
                    "@%(keyword)s is niet toegestaan: het bestand mag alleen tokens onder één "
                    "selector bevatten."
                ),
                "at_rule",
                rule.source_line,
                keyword=rule.at_keyword,
            )
        if found is not None:
            raise _error(
                _("een tweede selector; het bestand mag precies één selector hebben."),
                "selector",
                rule.source_line,
            )
        _check_selector(rule)
        found = rule
    if found is None:
        raise _error(_("Het tokenbestand bevat geen selector met tokens."), "empty")
    return _declarations(found)


def tokens_css(tokens: dict[str, str], *, scope: str = MUNICIPAL_SCOPE) -> str:
    """The tokens written as one rule under ``scope``: the only form we store and serve."""
    lines = [f"{scope} {{"]
    lines += [f"  {name}: {value};" for name, value in tokens.items()]
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- The default theme and the shipped ones -------------------------------------------------------

DEFAULT_THEME_FILE = Path(settings.BASE_DIR) / "static" / "nlds" / "voorbeeld-theme.css"
SHIPPED_DIR = Path(__file__).resolve().parent / "themes"


@cache
def default_tokens() -> dict[str, str]:
    """Every token of the default theme (the voorbeeld tokens plus our bridge), as built by
    ``make assets``. Our own committed file, so read leniently: every declaration of every rule
    scoped to ``.voorbeeld-theme``."""
    text = DEFAULT_THEME_FILE.read_text(encoding="utf-8")
    tokens: dict[str, str] = {}
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if (
            rule.type != "qualified-rule"
            or tinycss2.serialize(rule.prelude).strip() != DEFAULT_SCOPE
        ):
            continue
        for item in tinycss2.parse_blocks_contents(
            rule.content, skip_comments=True, skip_whitespace=True
        ):
            if item.type == "declaration" and item.name.startswith("--"):
                tokens[item.name] = tinycss2.serialize(item.value).strip()
    return tokens


@cache
def shipped_tokens(key: str) -> dict[str, str]:
    """A shipped token set (theming/themes/<key>.css), read through the same strict parser as an
    upload: what we ship obeys the rules we impose."""
    return parse_token_file((SHIPPED_DIR / f"{key}.css").read_bytes())
