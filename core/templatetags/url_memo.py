"""``{% url %}`` with its answers remembered: Django's own tag, whose ``reverse()`` is looked up
once per process for each distinct (name, arguments, URL conf, script prefix, language).

Installed as a template builtin (settings ``TEMPLATES`` ``OPTIONS["builtins"]``), so it replaces
Django's ``url`` tag in every template without a ``{% load %}``; its syntax and output are
Django's (``django.template.defaulttags.url`` parses the tag, ``URLNode`` renders it).

Why: ``reverse()`` walks the resolver's reverse dictionary and rebuilds the path every time
(about 25 µs); a page asks for the same few dozen URLs on every request (the header and the
tenant menu alone ask 21), and a list page one per row and column. Rendering with the remembered
path is a dictionary lookup. Only plain ``str``/``int`` arguments are remembered (slugs and
primary keys: what our templates pass); anything else (a model instance, a lazy string) goes to
``reverse()`` as before. The memo is bounded and emptied when the URL conf may have changed
(``setting_changed``, as Django's own ``clear_url_caches`` is).
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 20_000
_reversed: dict[tuple, str] = {}


def clear() -> None:
    _reversed.clear()


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs) -> None:
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME", "LANGUAGE_CODE", "LANGUAGES"):
        clear()


def _plain(value) -> bool:
    # Not bool (True == 1 would share a key with 1), not a lazy string or a model instance.
    return type(value) is int or isinstance(value, str)


def reverse_memo(view_name, args, kwargs, current_app) -> str:
    """``reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)``, remembered."""
    if not (
        isinstance(view_name, str)
        and all(_plain(a) for a in args)
        and all(_plain(v) for v in kwargs.values())
    ):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf(),
        get_script_prefix(),
        get_language(),
    )
    found = _reversed.get(key)
    if found is None:
        found = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        if len(_reversed) >= MAX_ENTRIES:
            _reversed.clear()
        _reversed[key] = found
    return found


class MemoURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_memo(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (same syntax), its reverse lookups remembered."""
    node = django_url(parser, token)
    return MemoURLNode(node.view_name, node.args, node.kwargs, node.asvar)
