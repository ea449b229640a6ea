"""The form renderer writes a <select> in Python (core.forms.select_html): the very markup of
Django's select.html / select_option.html / attrs.html templates, which it replaces for speed."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation

from core.forms import UtrechtFormRenderer, select_html


class ExampleForm(forms.Form):
    plain = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Alle <scholen>"),
            ("1", "Eén & twee"),
            ('Groep "A"', [("g1", "G1"), ("g2", 20245)]),
        ],
    )
    many = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")],
        initial=["y"],
        widget=forms.SelectMultiple(attrs={"data-x": 'q"<q>', "disabled": True, "hidden": False}),
    )
    maybe = forms.NullBooleanField()


class TemplateRenderer(UtrechtFormRenderer):
    """The same renderer with Django's templates for the select (no fast path)."""

    def render(self, template_name, context, request=None):
        return DjangoTemplates.render(self, template_name, context, request=request)


@pytest.mark.parametrize("data", [None, {"plain": "g1", "many": ["x", "y"], "maybe": "true"}])
@pytest.mark.parametrize("name", ["plain", "many", "maybe"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_select_markup_is_the_templates(data, name, language):
    with translation.override(language):
        form = ExampleForm(data, renderer=UtrechtFormRenderer())
        fast = str(form[name])
        assert fast == str(ExampleForm(data, renderer=TemplateRenderer())[name])
    assert "<option" in fast


def test_select_escapes_and_marks_selected():
    html = str(ExampleForm({"plain": "1"}, renderer=UtrechtFormRenderer())["plain"])
    assert '<option value="1" selected>Eén &amp; twee</option>' in html
    assert "Alle &lt;scholen&gt;" in html
    assert '<optgroup label="Groep &quot;A&quot;">' in html


def test_an_option_with_its_own_template_keeps_the_template_path():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/select_option.html#custom"

    class CustomForm(forms.Form):
        choice = forms.ChoiceField(choices=[("a", "A")], widget=Custom)

    bound = CustomForm(renderer=UtrechtFormRenderer())["choice"]
    context = bound.field.widget.get_context(bound.html_name, None, {})
    assert select_html(context["widget"]) is None
