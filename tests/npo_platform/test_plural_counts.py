"""Counts are shown with ngettext / blocktranslate count: no "sessie(s)", "doel/doelen" or
"activiteit(en)" left in the interface (issue 19)."""

import re

from tests.npo_platform.test_form_of_address import BASE, _python_texts, _template_texts

HEDGED_PLURAL = re.compile(r"\w\((s|en|n)\)(?!\w)|\bdoel/doelen\b")


def test_no_template_hedges_a_plural():
    found = [
        f"{path.relative_to(BASE)}: {m.group(0)}"
        for path, text in _template_texts()
        for m in HEDGED_PLURAL.finditer(text)
    ]
    assert not found, found


def test_no_translated_python_string_hedges_a_plural():
    found = [
        f"{path.relative_to(BASE)}: {text!r}"
        for path, text in _python_texts()
        if HEDGED_PLURAL.search(text)
    ]
    assert not found, "\n".join(found)
