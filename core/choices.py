"""``get_FOO_display()`` without rebuilding the choice list on every call.

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` on each
call, which hashes every lazy label and so translates every choice of the field, to show one
(a list page with fifty rows and a six-choice field: three hundred translations, about 3 ms).
``display`` keeps one value → label mapping per field (labels stay lazy: each call translates
just the label it returns, in the active language) and answers exactly what Django's does; a
field whose choices are a callable, or were replaced, is read afresh.

``install()`` puts it on ``django.db.models.Model``. It must run before our models are created,
because ``Field.contribute_to_class`` binds ``cls._get_FIELD_display`` into each
``get_FOO_display`` when the class is made: ``core.models`` imports this module first thing, and
``core`` comes before every app of ours in INSTALLED_APPS (tests/core/test_choices.py checks
every model of ours against Django's own implementation).
"""

from django.db.models import Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_labels: dict = {}  # field -> (its choices object, {value: label})


def labels_for(field) -> dict:
    choices = field.choices
    if isinstance(choices, CallableChoiceIterator):
        return dict(make_hashable(field.flatchoices))
    kept = _labels.get(field)
    if kept is None or kept[0] is not choices:
        kept = (choices, {make_hashable(value): label for value, label in field.flatchoices})
        _labels[field] = kept
    return kept[1]


def display(self, field):
    """``Model._get_FIELD_display``, from the kept mapping."""
    value = getattr(self, field.attname)
    return force_str(labels_for(field).get(make_hashable(value), value), strings_only=True)


DJANGO_GET_FIELD_DISPLAY = Model._get_FIELD_display


def install() -> None:
    Model._get_FIELD_display = display
