"""app.css holds only our own layout glue on the NL Design System (issue 21): no rule for a
component the Utrecht classes now draw, and no colour of its own outside the tokens."""

import re
from pathlib import Path

import tinycss2
from django.conf import settings

from tests.e2e.test_layout_journeys import OLD_COMPONENT_CLASSES

APP_CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


def _rules(nodes):
    for node in nodes:
        if node.type == "qualified-rule":
            yield node
        elif node.type == "at-rule" and node.content is not None:
            yield from _rules(tinycss2.parse_rule_list(node.content, skip_whitespace=True))


def _stylesheet():
    return list(
        _rules(
            tinycss2.parse_stylesheet(APP_CSS.read_text(), skip_whitespace=True, skip_comments=True)
        )
    )


def test_no_rule_for_a_hand_written_component_is_left():
    rules = _stylesheet()
    assert len(rules) > 100  # the file was parsed, not skipped
    selectors = [tinycss2.serialize(rule.prelude) for rule in rules]
    old = {
        f".{name}"
        for selector in selectors
        for name in re.findall(r"\.([A-Za-z][\w-]*)", selector)
        if name in OLD_COMPONENT_CLASSES
    }
    assert not old, f"app.css still styles the old components: {sorted(old)}"
    # Nor the elements the Utrecht classes style now, as bare element selectors.
    bare = {
        s
        for s in selectors
        if re.fullmatch(r"\s*(a|h1|h2|button|input|select|textarea|table|th|td)\s*", s)
    }
    assert not bare, bare


def test_the_old_palette_is_gone_and_colours_are_tokens():
    css = APP_CSS.read_text()
    for variable in (
        "--blue",
        "--ink",
        "--line",
        "--muted",
        "--bg",
        "--ok",
        "--warn",
        "--error",
        "--focus",
    ):
        assert not re.search(rf"(?<![\w-]){variable}(?![\w-])", css), variable
    declarations = [
        tinycss2.serialize(d.value)
        for rule in _stylesheet()
        for d in tinycss2.parse_declaration_list(
            rule.content, skip_whitespace=True, skip_comments=True
        )
        if d.type == "declaration"
        and d.name in ("color", "background", "background-color", "border-color", "fill", "stroke")
    ]
    literal = [value for value in declarations if re.search(r"#[0-9a-fA-F]{3,8}\b|\brgb\(", value)]
    assert not literal, f"colours written out instead of tokens: {literal}"
