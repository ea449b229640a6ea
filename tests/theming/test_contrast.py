"""The WCAG 2.1 contrast calculation and the check of a theme's pairs."""

import pytest
from django.conf import settings

from theming.contrast import (
    CONTRAST_PAIRS,
    check_contrast,
    contrast_ratio,
    parse_colour,
    relative_luminance,
    resolve,
)
from theming.tokens import default_tokens, shipped_tokens


def rgb(value: str):
    return parse_colour(value)[:3]


@pytest.mark.parametrize(
    "foreground,background,expected",
    [
        ("#000", "#fff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#777", "#fff", 4.48),  # the classic near miss: fails 4.5:1
        ("#767676", "#fff", 4.54),  # the lightest grey that passes on white
        ("#595959", "#fff", 7.0),
        ("rgb(255 0 0)", "white", 4.0),
        ("hsl(240, 100%, 50%)", "#fff", 8.59),  # pure blue
    ],
)
def test_known_pairs(foreground, background, expected):
    assert contrast_ratio(rgb(foreground), rgb(background)) == pytest.approx(expected, abs=0.01)


def test_the_ratio_is_symmetric_and_luminance_spans_zero_to_one():
    assert contrast_ratio(rgb("#777"), rgb("#fff")) == contrast_ratio(rgb("#fff"), rgb("#777"))
    assert relative_luminance((0, 0, 0)) == 0
    assert relative_luminance((1, 1, 1)) == pytest.approx(1)


@pytest.mark.parametrize("value", ["currentcolor", "oklch(50% 0.1 200)", "12px", "", "var(--x)"])
def test_what_is_not_a_computable_colour_is_none(value):
    assert parse_colour(value) is None


def test_var_references_are_followed_with_fallbacks_and_cycles_refused():
    values = {"--a": "var(--b)", "--b": "var(--missing, #123456)", "--loop": "var(--loop)"}
    assert resolve("--a", values) == "#123456"
    assert resolve("--loop", values) is None
    assert resolve("--nowhere", values) is None


def test_the_default_and_shipped_themes_pass_every_pair():
    for overrides in ({}, shipped_tokens("rood"), shipped_tokens("groen")):
        results = check_contrast(overrides, default_tokens())
        assert len(results) == len(CONTRAST_PAIRS)
        assert all(r.passes for r in results), [r.message() for r in results if not r.passes]


def test_the_pairs_name_the_tokens_the_utrecht_components_read():
    names = {n for p in CONTRAST_PAIRS for n in (p.foreground, p.background)}
    assert {
        "--utrecht-button-primary-action-background-color",
        "--utrecht-button-primary-action-color",
        "--utrecht-document-background-color",
        "--utrecht-document-color",
        "--utrecht-link-color",
        "--utrecht-focus-outline-color",
        "--utrecht-form-control-border-color",
    } <= names
    components = (settings.BASE_DIR / "static/nlds/utrecht-components.css").read_text("utf-8")
    for name in names:
        assert f"var({name}" in components, name
    assert names <= set(default_tokens()), "the default theme (with the bridge) defines them all"


def test_a_grey_link_fails_with_the_pair_and_ratio_named():
    results = check_contrast({"--basis-color-action-2-color-default": "#777"}, default_tokens())
    failing = [r for r in results if not r.passes]
    assert [r.pair.foreground for r in failing] == ["--utrecht-link-color"]
    message = failing[0].message()
    assert "links op de pagina" in message and "4,48:1" in message and "4,5:1" in message


def test_a_faint_focus_outline_and_border_fail_at_three_to_one():
    results = check_contrast(
        {"--utrecht-focus-outline-color": "#aaaaaa", "--basis-form-control-border-color": "#999"},
        default_tokens(),
    )
    failing = {r.pair.foreground: r for r in results if not r.passes}
    assert set(failing) == {
        "--utrecht-focus-outline-color",
        "--utrecht-form-control-border-color",
        "--utrecht-textbox-border-color",
    }
    assert failing["--utrecht-focus-outline-color"].ratio == pytest.approx(2.32, abs=0.01)
    # 2.85:1 fails 3:1; #949494 (3.03:1) would pass.
    assert "2,85:1" in failing["--utrecht-form-control-border-color"].message()


def test_a_translucent_button_is_seen_over_the_page():
    results = check_contrast(
        {"--utrecht-button-primary-action-background-color": "rgb(0 0 0 / 10%)"},
        default_tokens(),
    )
    button = next(
        r for r in results if r.pair.background.endswith("primary-action-background-color")
    )
    assert not button.passes and button.ratio < 1.3


def test_an_uncomputable_colour_is_refused_not_ignored():
    results = check_contrast({"--utrecht-link-color": "currentcolor"}, default_tokens())
    link = next(r for r in results if r.pair.foreground == "--utrecht-link-color")
    assert link.ratio is None and not link.passes
    assert "niet te bepalen" in link.message()
