"""core.choices: get_FOO_display() from a kept mapping, answering exactly what Django's own
Model._get_FIELD_display answers, for every choice field of every model of ours."""

import inspect

import pytest
from django.apps import apps
from django.utils import translation

from core import choices

OURS = {
    "core", "npo_platform", "municipalities", "theming", "accounts", "schools", "cycles",
    "analyses", "budgets", "closeout", "reports", "portfolio", "notifications",
}  # fmt: skip


def choice_fields():
    for model in apps.get_models():
        if model._meta.app_label not in OURS:
            continue
        for field in model._meta.concrete_fields:
            if field.choices:
                yield model, field


def test_every_choice_field_of_ours_is_fast():
    found = list(choice_fields())
    assert len(found) > 20
    for model, field in found:
        method = inspect.getattr_static(model, f"get_{field.name}_display")
        assert method.func is choices.display, (model, field.name)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_same_answers_as_django(language):
    with translation.override(language):
        for model, field in choice_fields():
            values = [value for value, _label in field.flatchoices] + ["niet-bestaand", None]
            for value in values:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                theirs = choices.DJANGO_GET_FIELD_DISPLAY(instance, field)
                assert ours == theirs and type(ours) is type(theirs), (model, field.name, value)


def test_labels_follow_the_language():
    from schools.models import School

    school = School(sector=School.Sector.choices[0][0])
    with translation.override("nl"):
        dutch = school.get_sector_display()
    with translation.override("en"):
        english = school.get_sector_display()
    assert dutch != english
    with translation.override("en"):
        assert english == str(School.Sector.choices[0][1])


def test_replaced_choices_are_read_afresh():
    from schools.models import School

    field = School._meta.get_field("sector")
    school = School(sector="XX")
    original = field.choices
    try:
        field.choices = [("XX", "Iets anders")]
        assert school.get_sector_display() == "Iets anders"
    finally:
        field.choices = original
    assert school.get_sector_display() == "XX"
