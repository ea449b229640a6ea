"""``{% static "path" %}`` with each URL remembered: Django's tag, installed in its library.

``install()`` (``CoreConfig.ready``) puts this module's ``do_static`` in Django's ``static``
library, so every ``{% load static %}`` gets Django's tags unchanged except ``static`` (see
i18n_memo for why not a library of our own under that name): the URL of a path
is asked of the static files storage once per process (the manifest storage normalises, splits
and looks the name up on every call: about a hundred function calls for each of the seven
stylesheets and scripts of every page). Kept per (path, DEBUG), since the manifest storage
answers unhashed names in DEBUG; dropped when the static settings change (``setting_changed``,
when Django resets its storage too).
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags import static as django_static

_urls: dict[tuple[str, bool], str] = {}


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs) -> None:
    if setting in ("STATIC_URL", "STATIC_ROOT", "STORAGES", "STATICFILES_DIRS", "DEBUG"):
        _urls.clear()


class MemoStaticNode(django_static.StaticNode):
    @classmethod
    def handle_simple(cls, path):
        key = (path, settings.DEBUG)
        url = _urls.get(key)
        if url is None:
            url = _urls[key] = super().handle_simple(path)
        return url


def do_static(parser, token):
    """Django's ``{% static %}`` (same syntax), the URL of a path remembered."""
    return MemoStaticNode.handle_token(parser, token)


def install() -> None:
    django_static.register.tags["static"] = do_static
