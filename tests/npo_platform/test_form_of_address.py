"""One form of address in the interface: "je", never "u"/"uw" (issue 19). Checked in the source:
every template's text (outside tags and variables) and every string passed to a translation
function in the apps' Python code, plus Django's password texts as they render in Dutch."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils import translation

BASE = Path(settings.BASE_DIR)
APPS = ["accounts", "analyses", "budgets", "core", "cycles", "municipalities", "npo_platform",
        "portfolio", "reports", "schools"]  # fmt: skip
FORMAL = re.compile(r"(?<![\w-])(u|uw|U|Uw|UW)(?![\w-])")
TAGS = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TRANSLATION_FUNCTIONS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def _template_texts():
    for path in [*BASE.glob("templates/**/*.html"), *BASE.glob("templates/**/*.txt"),
                 *BASE.glob("*/templates/**/*.html")]:  # fmt: skip
        if ".venv" in path.parts or "admin" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        # Keep the text of {% translate "..." %}; drop other tags and variables.
        text = re.sub(r'{%\s*translate\s+"([^"]*)"[^%]*%}', r" \1 ", text)
        yield path, TAGS.sub(" ", re.sub(r"<[^>]+>", " ", text))


def _python_texts():
    for app in APPS:
        for path in (BASE / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in TRANSLATION_FUNCTIONS
                ):
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            yield path, arg.value


def test_no_template_says_u():
    found = [
        f"{path.relative_to(BASE)}: …{text[max(0, m.start() - 40) : m.end() + 40].strip()}…"
        for path, text in _template_texts()
        for m in FORMAL.finditer(text)
    ]
    assert not found, "\n".join(found)


def test_no_translated_python_string_says_u():
    found = [
        f"{path.relative_to(BASE)}: {text!r}"
        for path, text in _python_texts()
        if FORMAL.search(text)
    ]
    assert not found, "\n".join(found)


def test_djangos_password_texts_say_je_in_dutch():
    with translation.override("nl"):
        texts = " ".join(str(t) for t in password_validators_help_texts())
    assert texts and not FORMAL.search(texts), texts
    assert "Je wachtwoord" in texts
