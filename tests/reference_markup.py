"""Markup written in Python (the row tags of issue 23) against the template it replaced."""

from django.template import engines
from django.utils import translation


def render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


def assert_same_markup(
    reference: str, tag: str, context: dict, language: str, *, tag_context: dict | None = None
) -> str:
    """Render the former template ``reference`` and the template calling the ``tag`` in
    ``language``; they must be the same characters. Returns the markup, for further checks."""
    with translation.override(language):
        expected = render(reference, context)
        got = render(tag, context if tag_context is None else tag_context)
    assert got == expected
    return expected
