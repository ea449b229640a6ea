"""An uploaded token file: only custom properties under one selector, refused with the line."""

import pytest
from django.core.exceptions import ValidationError

from theming.tokens import MAX_TOKEN_FILE_BYTES, MUNICIPAL_SCOPE, parse_token_file, tokens_css

VALID = b"""/* Huisstijl van een gemeente */
.gemeente-theme {
  --basis-color-action-1-inverse-bg-default: #1b4f8a;
  --basis-text-font-family-default: 'Noto Sans', sans-serif;
  --utrecht-button-border-radius: calc(var(--basis-border-radius-md, 4px) * 2);
  --utrecht-link-color: rgb(10 60 120);
}
"""


def refused(data) -> str:
    with pytest.raises(ValidationError) as caught:
        parse_token_file(data)
    return " ".join(caught.value.messages)


def test_a_valid_file_is_accepted_and_written_again_under_our_scope():
    tokens = parse_token_file(VALID)
    assert tokens == {
        "--basis-color-action-1-inverse-bg-default": "#1b4f8a",
        "--basis-text-font-family-default": '"Noto Sans", sans-serif',
        "--utrecht-button-border-radius": "calc(var(--basis-border-radius-md, 4px) * 2)",
        "--utrecht-link-color": "rgb(10 60 120)",
    }
    css = tokens_css(tokens)
    assert css.startswith(MUNICIPAL_SCOPE + " {\n") and "/*" not in css
    assert parse_token_file(css) == tokens, "what we store passes our own check"


@pytest.mark.parametrize("selector", [":root", ".gemeente-theme", ".voorbeeld-theme.npo-theme"])
def test_one_simple_selector_is_accepted(selector):
    assert parse_token_file(f"{selector} {{ --a: red; }}") == {"--a": "red"}


@pytest.mark.parametrize(
    "css,expected",
    [
        (":root { --logo: url(https://evil.example/x.png); }", "Regel 1: url( is niet toegestaan"),
        (':root {\n  --logo: url("x.png");\n}', "Regel 2: url( is niet toegestaan"),
        ('@import "https://evil.example/theme.css";\n:root { --a: red; }', "Regel 1: @import"),
        (":root { --a: red; }\n@media print { :root { --a: blue; } }", "Regel 2: @media"),
        (":root { --a: red; }\n.other { --b: blue; }", "Regel 2: een tweede selector"),
        (":root, .x { --a: red; }", "is een lijst"),
        ("body .x { --a: red; }", "selector “body .x” wordt niet geaccepteerd"),
        ("* { --a: red; }", "wordt niet geaccepteerd"),
        (
            ":root {\n  --a: red;\n  color: red;\n}",
            "Regel 3: de eigenschap “color” is niet toegestaan",
        ),
        (":root {\n  background-image: none;\n}", "Regel 2: de eigenschap “background-image”"),
        (":root { --a: red !important; }", "!important is niet toegestaan"),
        (":root { @font-face { font-family: x; } }", "@font-face is niet toegestaan"),
        (":root { .nested { --a: red; } }", "geneste regel"),
        (":root { --a: expression(alert(1)); }", "de functie expression( is niet toegestaan"),
        (":root { --a: image-set('x.png' 1x); }", "de functie image-set( is niet toegestaan"),
        (":root { --a: u\\72l(x.png); }", "een backslash"),
        (":root { --a: \\75rl(x.png); }", "een backslash"),
        (":root { --a: '</style><script>'; }", "het teken < is niet toegestaan"),
        (":root { --a: { color: red }; }", "dat in een token niet is toegestaan"),
        (":root { --a: @x; }", "@x is niet toegestaan"),
        (":root { --A: red; }", "de naam “--A” wordt niet geaccepteerd"),
        (":root { --a: ; }", "--a heeft geen waarde"),
        (":root { }", "er staan geen tokens"),
        ("/* niets */", "bevat geen selector met tokens"),
        ("", "leeg"),
        (":root { --a: red; \x01 }", "stuurteken"),
    ],
)
def test_anything_else_is_refused_with_a_dutch_message(css, expected):
    assert expected in refused(css.encode())


def test_a_value_hidden_in_a_var_fallback_is_still_checked():
    assert "url( is niet toegestaan" in refused(b":root { --a: var(--b, url(x.png)); }")


def test_non_utf8_and_overlong_files_are_refused():
    assert "geen UTF-8" in refused(b":root { --a: '\xff'; }")
    big = b":root {\n" + b"  --a: red;\n" * (MAX_TOKEN_FILE_BYTES // 10) + b"}\n"
    assert "groter dan 64 KB" in refused(big)
    assert "langer dan 300 tekens" in refused(b":root { --a: " + b"a " * 200 + b"; }")


def test_a_quote_inside_a_string_is_refused_so_the_stored_form_needs_no_escapes():
    assert "dubbel aanhalingsteken" in refused(b""":root { --a: 'a"b'; }""")


def test_the_shipped_themes_pass_the_same_parser():
    from theming.tokens import shipped_tokens

    assert shipped_tokens("rood")["--basis-color-action-1-inverse-bg-default"] == "#a3122a"
    assert "--utrecht-page-footer-background-color" in shipped_tokens("groen")
