"""``{% translate "constant" %}`` remembered: Django's tag, installed in Django's ``i18n`` library.

``install()`` (``CoreConfig.ready``) puts this module's ``do_translate`` in the ``i18n`` library
for ``translate`` / ``trans``, so every ``{% load i18n %}`` gets Django's tags and filters
unchanged except these. (Mapping the library name to a module of ours in the settings would do
the same, but Django's check templates.W003 rightly warns about a library name with two modules.)
The tag: for a constant message without filters or context, the rendered text is kept on the
node per (active language, autoescape). A page renders sixty to a hundred such tags, each a
catalog lookup through the thread-local active translation (about 20 µs); a kept one is a
dictionary lookup. Messages from a variable, with filters or with a ``context`` go through
Django's own code every time. The kept texts are dropped when the translation settings change
(``setting_changed``, when Django drops its catalogs too).
"""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable, render_value_in_context
from django.templatetags import i18n as django_i18n
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

_generation = [0]


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _generation[0] += 1


class MemoTranslateNode(django_i18n.TranslateNode):
    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        var = self.filter_expression.var
        self.constant = (
            not self.filter_expression.filters
            and message_context is None
            and isinstance(var, Variable)
            and var.literal is not None
        )
        self.kept: dict[tuple, str] = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (get_language(), context.autoescape, _generation[0])
        value = self.kept.get(key)
        if value is None:
            # TranslateNode.render's own steps, without the asvar assignment.
            self.filter_expression.var.translate = not self.noop
            value = render_value_in_context(self.filter_expression.resolve(context), context)
            is_safe = isinstance(value, SafeData)
            value = value.replace("%%", "%")
            value = mark_safe(value) if is_safe else value  # noqa: S308 — as Django does
            self.kept[key] = value
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser, token):
    """Django's ``{% translate %}`` (same syntax), a constant message's text remembered."""
    node = django_i18n.do_translate(parser, token)
    return MemoTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def install() -> None:
    django_i18n.register.tags["translate"] = do_translate
    django_i18n.register.tags["trans"] = do_translate
