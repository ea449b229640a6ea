"""``get_FOO_display()`` without rebuilding the choice list on every call.

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` on each
call, which hashes every lazy label and so translates every choice of the field, to show one
(a list page with fifty rows and a six-choice field: three hundred translations, about 3 ms).
``display`` keeps one value → label mapping per field, and per field and language the labels
it has translated (the kept texts are dropped when the translation settings change), and
answers exactly what Django's does; a field whose choices are a callable, or were replaced, is
read afresh.

``install()`` puts it on ``django.db.models.Model``. It must run before our models are created,
because ``Field.contribute_to_class`` binds ``cls._get_FIELD_display`` into each
``get_FOO_display`` when the class is made: ``core.models`` imports this module first thing, and
``core`` comes before every app of ours in INSTALLED_APPS (tests/core/test_choices.py checks
every model of ours against Django's own implementation).
"""

from django.core.signals import setting_changed
from django.db.models import Model
from django.dispatch import receiver
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

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


# (field, language) -> (its choices object, {value: label as text}): each label translated once
# per language, not on each call (a lazy label's str() asks the active catalog: a list of fifty
# rows with a status asked it fifty times).
_texts: dict = {}


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _texts.clear()


def _label(field, key, value):
    return force_str(labels_for(field).get(key, value), strings_only=True)


def display(self, field):
    """``Model._get_FIELD_display``, from the kept mapping."""
    value = getattr(self, field.attname)
    key = make_hashable(value)
    choices = field.choices
    if isinstance(choices, CallableChoiceIterator):
        return _label(field, key, value)
    slot = (field, get_language())
    kept = _texts.get(slot)
    if kept is None or kept[0] is not choices:
        kept = _texts[slot] = (choices, {})
    texts = kept[1]
    try:
        return texts[key]
    except KeyError:
        text = _label(field, key, value)
        if key in labels_for(field):  # only the field's own values: the mapping stays small
            texts[key] = text
        return text
    except TypeError:  # a value that cannot be a key
        return _label(field, key, value)


DJANGO_GET_FIELD_DISPLAY = Model._get_FIELD_display


def install() -> None:
    Model._get_FIELD_display = display
