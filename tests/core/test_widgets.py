"""The checkbox picker: without JavaScript a plain checkbox list; no native multi-select left."""

import re

import pytest
from django import forms

from core.widgets import CheckboxPicker
from cycles.forms import ActivityForm, GoalForm, SessionForm
from schools.forms import PartnerForm
from tests.cycles.factories import CycleFactory
from tests.factories import MunicipalityFactory, SchoolFactory


class PickForm(forms.Form):
    schools = forms.MultipleChoiceField(
        label="Scholen",
        choices=[("1", "De Wegwijzer"), ("2", "Café Noord")],
        widget=CheckboxPicker(search_label="Zoek een school"),
    )


def test_it_renders_checkboxes_and_a_search_field_hidden_until_javascript_shows_it():
    html = str(PickForm(initial={"schools": ["2"]})["schools"])
    assert re.findall(r'<input type="checkbox" name="schools" value="(\d)"', html) == ["1", "2"]
    assert re.search(r'value="2"[^>]*checked', html)
    assert '<div class="picker__search" hidden>' in html
    assert '<label class="utrecht-form-label" for="id_schools_zoek">Zoek een school</label>' in html
    # The search field has no name: it is never sent with the form.
    assert re.search(
        r'<input type="search" class="utrecht-textbox utrecht-textbox--html-input" id="id_schools_zoek"'
        r' autocomplete="off" data-picker-search>',
        html,
    )
    assert 'aria-live="polite"' in html


def test_it_posts_like_a_multiple_choice():
    form = PickForm({"schools": ["1", "2"]})
    assert form.is_valid() and form.cleaned_data["schools"] == ["1", "2"]


@pytest.mark.django_db
def test_no_school_or_partner_choice_is_a_native_multi_select():
    municipality = MunicipalityFactory()
    SchoolFactory(municipality=municipality)
    cycle = CycleFactory(municipality=municipality)
    forms_ = [
        PartnerForm(municipality=municipality),
        SessionForm(cycle=cycle),
        GoalForm(cycle=cycle),
        ActivityForm(cycle=cycle),
    ]
    for form in forms_:
        html = str(form.as_div())
        assert "<select multiple" not in html and "multiple>" not in html, type(form)
        assert "Ctrl" not in html
        assert "data-picker" in html
